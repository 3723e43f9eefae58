using System.Net;
using Timeline.Cli;
using Timeline.IntegrationTests.Cli;

namespace Timeline.IntegrationTests.Page;

/// <summary>
/// The page over the real 3,990-event ACLED file (read from ../shared/data at test time, never
/// copied into the repository), imported with `timeline import --format acled` into storage and
/// served live: it loads one page of 200 entries, yet its overview counts the whole file over its
/// whole period (GET /page/overview), and a column of it zooms there. The screenshots of
/// docs/PAGE.md come from here (TIMELINE_SCREENSHOTS=DIR copies them out).
/// </summary>
public sealed class AcledPageChromiumTests : IAsyncLifetime
{
    private static readonly string Hdx = Path.GetFullPath(Path.Combine(RepoPaths.Root, "..", "shared", "data", "acled-mali-hdx-2020-07", "conflict_data_mli.csv"));
    private PageSystem system = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        Assert.True(File.Exists(Hdx), $"ACLED test data missing: {Hdx} (the shared data folder sits beside the repository)");
        system = await PageSystem.StartAsync();
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await CliApp.RunAsync(
            CliContext.ForWriters(output, error),
            ["import", Hdx, "--format", "acled", "--storage", system.StorageAddress.ToString(), "--timeline", system.TimelineAddress.ToString()],
            ct: Ct);
        Assert.True(exit == 0 && output.ToString().Contains("3990 read, 3990 stored", StringComparison.Ordinal), output + error.ToString());
    }

    public async ValueTask DisposeAsync() => await system.DisposeAsync();

    [Fact]
    public async Task The_overview_covers_the_whole_file_while_the_page_loads_200_entries_and_a_column_zooms_to_its_period()
    {
        var browser = system.Browser;
        await browser.ViewportAsync(1280, 900, mobile: false);
        await system.OpenAsync();
        await browser.WaitUntilAsync("document.getElementById('overview').dataset.source === 'store' && document.getElementById('connection').dataset.connection === 'live'");

        Assert.Equal(200, (await browser.EvaluateAsync("document.querySelectorAll('#entries .entry').length"))!.GetValue<int>());
        Assert.False((await browser.EvaluateAsync("document.getElementById('more').hidden"))!.GetValue<bool>());
        Assert.Equal("3990", (await browser.EvaluateAsync("document.getElementById('overview').dataset.total"))?.GetValue<string>());
        Assert.Equal(3990, (await browser.EvaluateAsync("[...document.querySelectorAll('#overview button')].reduce((n, b) => n + Number(b.dataset.count), 0)"))!.GetValue<int>());

        // The loaded entries end years before the file does; the overview runs to its last month.
        var lastLoaded = (await browser.EvaluateAsync("[...document.querySelectorAll('#entries .entry .entry-date')].map(d => d.textContent).pop()"))!.GetValue<string>();
        var columns = (await browser.EvaluateAsync("[...document.querySelectorAll('#overview button')].map(b => b.title)"))!.AsArray().Select(t => t!.GetValue<string>()).ToList();
        Assert.StartsWith("1997-", columns[0], StringComparison.Ordinal);
        Assert.StartsWith("2020-", columns[^1].Split(" to ")[1], StringComparison.Ordinal);
        Assert.DoesNotContain("2020", lastLoaded, StringComparison.Ordinal);
        Assert.True((await browser.EvaluateAsync("document.documentElement.scrollWidth"))!.GetValue<int>() <= 1280);
        await system.ScreenshotAsync("page-acled-1280.png");

        // The densest column zooms to its period: the service's filter, so every row is in it.
        await browser.EvaluateAsync("(() => { const b = [...document.querySelectorAll('#overview button')]; b.sort((x, y) => Number(y.dataset.count) - Number(x.dataset.count))[0].click(); })()");
        await browser.WaitUntilAsync("location.search.includes('from=') && document.body.dataset.loaded === 'true' && document.querySelector('#overview button.in-view') && document.querySelector('#entries .entry')");
        var from = (await browser.EvaluateAsync("document.getElementById('filters').elements.from.value"))!.GetValue<string>();
        var to = (await browser.EvaluateAsync("document.getElementById('filters').elements.to.value"))!.GetValue<string>();
        Assert.True(string.CompareOrdinal(from, to) < 0, $"{from}..{to}");
        Assert.Equal("3990", (await browser.EvaluateAsync("document.getElementById('overview').dataset.total"))?.GetValue<string>());
        Assert.Empty(browser.PageErrors());

        await browser.ViewportAsync(400, 800, mobile: true);
        await system.OpenAsync("?from=2020-01-01&to=2020-07-31");
        await browser.WaitUntilAsync("document.getElementById('overview').dataset.source === 'store' && document.getElementById('connection').dataset.connection === 'live'");
        Assert.True((await browser.EvaluateAsync("document.documentElement.scrollWidth"))!.GetValue<int>() <= 400);
        await system.ScreenshotAsync("page-acled-400.png");
    }

    [Fact]
    public async Task The_overview_counts_what_the_filter_keeps_and_refuses_a_bad_filter_naming_it()
    {
        using var http = new HttpClient { BaseAddress = system.PageAddress, Timeout = PageSystem.Timeout };
        var all = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync("/page/overview", Ct)).RootElement;
        var protests = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync("/page/overview?filter.tags=protests&filter.occurred_from=2020-01-01", Ct)).RootElement;

        Assert.Equal(3990, all.GetProperty("total").GetInt32());
        Assert.Equal(3990, all.GetProperty("months").EnumerateArray().Sum(m => m[1].GetInt32()));
        Assert.Equal("1997", all.GetProperty("months")[0][0].GetString()![..4]);
        // The period is not applied (the overview is what one zooms from); the tag is.
        Assert.InRange(protests.GetProperty("total").GetInt32(), 1, 3989);
        Assert.True(string.CompareOrdinal(protests.GetProperty("months")[0][0].GetString(), "2020-01") < 0, "the period was applied to the overview");

        using var bad = await http.GetAsync("/page/overview?filter.occurred_to=2020-13-45", Ct);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.StartsWith("filter.occurred_to:", System.Text.Json.JsonDocument.Parse(await bad.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
    }
}
