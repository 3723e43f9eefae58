using System.Text.RegularExpressions;
using Timeline.IntegrationTests.Cli;

namespace Timeline.IntegrationTests.Export;

/// <summary>
/// `timeline export --format html` (the service's page with its data embedded, docs/PAGE.md)
/// opened from a file:// address in headless Chromium: the page's own script must draw one element
/// per entry (data-event-id) with its uncertainty bar, and each deadline with its status, without
/// any request. The test fails, never skips, without Chromium (.ci/run installs it).
/// </summary>
public sealed partial class HtmlExportChromiumTests : IAsyncLifetime
{
    private CliHost host = null!;

    public async ValueTask InitializeAsync() => host = await CliHost.StartAsync();

    public async ValueTask DisposeAsync() => await host.DisposeAsync();

    [Fact]
    public async Task Every_entry_of_the_minusma_samples_is_drawn_with_its_bar_and_the_deadline_marker_has_its_status()
    {
        await host.RunAsync("import", Path.Combine(RepoPaths.Samples, "mali-minusma-2023-10.json"));
        await host.RunAsync("import", Path.Combine(RepoPaths.Samples, "mali-minusma-followup.json"));
        var page = Path.Combine(host.Folder, "minusma.html");

        var export = await host.RunAsync("export", "--format", "html", "--tag", "mali", "--as-of", "2024-01-15", "--out", page);
        var dom = await DumpDomAsync(page);

        Assert.Equal(0, export.ExitCode);
        Assert.Contains("Wrote 13 events and 1 deadline to", export.Stdout, StringComparison.Ordinal);
        Assert.True(EntryElements().Matches(dom).Count == 13, dom[..Math.Min(dom.Length, 3000)]);
        Assert.Equal(13, BarElements().Matches(dom).Count);
        Assert.Contains("data-event-id=\"unsc-2023-06-30-res-2690\"", dom, StringComparison.Ordinal);
        Assert.Matches(@"<li class=""deadline"" data-deadline-id=""minusma-withdrawal"" data-state=""MET""", dom);
        Assert.Matches(@"<div class=""marker"" data-deadline-id=""minusma-withdrawal"" data-state=""MET""", dom);
    }

    [Fact]
    public async Task Every_one_of_4318_acled_events_is_drawn()
    {
        var newer = Path.GetFullPath(Path.Combine(RepoPaths.Root, "..", "shared", "data", "acled-mali-api-2020", "Processed_Acled_Mali_2020-11.csv"));
        await host.RunAsync("import", newer, "--format", "acled");
        var page = Path.Combine(host.Folder, "acled.html");

        var export = await host.RunAsync("export", "--format", "html", "--country", "MLI", "--out", page, "--title", "ACLED Mali to October 2020");
        var dom = await DumpDomAsync(page);

        Assert.Equal(0, export.ExitCode);
        Assert.Equal(4318, EntryElements().Matches(dom).Count);
        Assert.Equal(4318, BarElements().Matches(dom).Count);
    }

    /// <summary>
    /// The page after its script drew it (<c>data-drawn</c> on the body), serialized by headless
    /// Chromium, driven over DevTools. Not <c>--dump-dom</c>: that dumps at the load event, and on
    /// a fresh machine's first start of Chromium a helper saw it dump a page with no entries.
    /// </summary>
    internal static async Task<string> DumpDomAsync(string page)
    {
        Assert.True(
            Chromium.Find() is not null,
            $"Chromium is needed to render the HTML export and was not found at {Chromium.DefaultPath}. Install it: apt-get update && apt-get install -y chromium");
        await using var browser = await Chromium.StartAsync(Path.GetDirectoryName(page)!);
        await browser.NavigateAsync(new Uri(page).AbsoluteUri);
        await browser.WaitUntilAsync("document.body && document.body.dataset.drawn === 'true' && document.body.dataset.loaded === 'true'");
        Assert.Equal("exported", (await browser.EvaluateAsync("document.getElementById('connection').dataset.connection"))?.GetValue<string>());
        var dom = (await browser.EvaluateAsync("document.documentElement.outerHTML"))?.GetValue<string>() ?? "";
        Assert.True(dom.Contains("</html>", StringComparison.Ordinal) && browser.PageErrors().Count == 0, $"the page failed: {string.Join("; ", browser.PageErrors())}");
        return dom;
    }

    [GeneratedRegex(@"<li class=""entry[^""]*"" data-event-id=""[^""]+""")]
    internal static partial Regex EntryElements();

    [GeneratedRegex(@"<div class=""bar[^""]*""[^>]* style=""left: [0-9.e-]+%; width: [0-9.e-]+%;""")]
    internal static partial Regex BarElements();
}
