using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Timeline.IntegrationTests.Cli;
using Timeline.Storage.V1;
using Timeline.V1;

namespace Timeline.IntegrationTests.Export;

/// <summary>
/// The HTML export (the service's page with its data embedded) of the real 3,990-event ACLED file
/// (read from ../shared/data at test time, never copied into the repository), plus six deadlines
/// due within weeks of each other, opened from its file:// address by headless Chromium at 1,280
/// and 400 px wide. The test reads element positions from the page: every deadline listed and
/// marked inside the chart, no axis label overlaps another or leaves the axis, labels stay in their
/// column, bars stay in their track, nothing scrolls sideways, the axis stays in view while the
/// rows scroll, and Find, the tag filter and the period do what they say. Screenshots of each width
/// are written beside the page (the ones in docs/EXPORTS.md come from here).
/// </summary>
public sealed class HtmlExportLayoutTests : IAsyncLifetime
{
    private const string LongTitle =
        "A very long title that a careless source wrote to see whether it runs over the bars: armed groups, the army, foreign paramilitaries and several militias all clash around the same villages over three weeks";

    private static readonly string Hdx = Path.GetFullPath(Path.Combine(RepoPaths.Root, "..", "shared", "data", "acled-mali-hdx-2020-07", "conflict_data_mli.csv"));
    private CliHost host = null!;
    private string page = "";

    public async ValueTask InitializeAsync()
    {
        Assert.True(File.Exists(Hdx), $"ACLED test data missing: {Hdx} (the shared data folder sits beside the repository)");
        host = await CliHost.StartAsync();
        var import = await host.RunAsync("import", Hdx, "--format", "acled");
        Assert.Contains("3990 read, 3990 stored", import.Stdout, StringComparison.Ordinal);
        var deadlines = Path.Combine(host.Folder, "deadlines.json");
        await File.WriteAllTextAsync(deadlines, JsonFormatter.Default.Format(Deadlines()), TestContext.Current.CancellationToken);
        var added = await host.RunAsync("import", deadlines);
        Assert.True(added.ExitCode == 0, added.Stderr);
        page = Path.Combine(host.Folder, "acled.html");
        var export = await host.RunAsync("export", "--format", "html", "--country", "MLI", "--as-of", "2020-07-31", "--title", "ACLED Mali, 1997 to July 2020", "--out", page);
        Assert.Contains("Wrote 4000 events and 6 deadlines", export.Stdout, StringComparison.Ordinal);
    }

    public async ValueTask DisposeAsync() => await host.DisposeAsync();

    [Theory]
    [InlineData(1280, 900)]
    [InlineData(400, 800)]
    public async Task The_full_acled_file_is_laid_out_without_overlaps_or_sideways_scroll(int width, int height)
    {
        if (Chromium.Find() is null)
        {
            Assert.Fail($"Chromium is needed to render the HTML export and was not found at {Chromium.DefaultPath}. Install it: apt-get update && apt-get install -y chromium");
        }

        await using var browser = await Chromium.StartAsync(host.Folder);
        await browser.ViewportAsync(width, height, mobile: width < 600);
        await browser.NavigateAsync(new Uri(page).AbsoluteUri);
        await browser.WaitUntilAsync("document.body.dataset.drawn === 'true' && document.body.dataset.loaded === 'true'");
        await browser.ScreenshotAsync(Path.Combine(host.Folder, $"html-{width}.png"));
        CopyScreenshot($"html-{width}.png");

        var layout = await LayoutAsync(browser);
        Assert.Equal(4000, layout["rows"]!.GetValue<int>());
        Assert.Equal(4000, layout["bars"]!.GetValue<int>());
        AssertLaidOut(layout, width, expectedDeadlines: 6);

        // Long titles stay in their column (beside the bar when wide, above it when narrow).
        var label = layout["longLabel"]!;
        Assert.True(label["labelRight"]!.GetValue<double>() <= label["trackLeft"]!.GetValue<double>() + 0.5 || label["labelBottom"]!.GetValue<double>() <= label["trackTop"]!.GetValue<double>() + 0.5, $"the long title runs over its bar: {label.ToJsonString()}");
        Assert.True(label["hitIsTrack"]!.GetValue<bool>(), $"the long title paints over the track: {label.ToJsonString()}");

        // Scrolled far down: the axis is still at the top of the window.
        var scrolled = (await browser.EvaluateAsync("""
            (async () => {
              window.scrollTo(0, document.body.scrollHeight / 2);
              await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
              const axis = document.getElementById("axis").getBoundingClientRect();
              return { scrollY: window.scrollY, axisTop: axis.top, axisBottom: axis.bottom };
            })()
            """))!;
        Assert.True(scrolled["scrollY"]!.GetValue<double>() > 10_000, $"the page did not scroll: {scrolled.ToJsonString()}");
        Assert.InRange(scrolled["axisTop"]!.GetValue<double>(), -0.5, 80);
        await browser.ScreenshotAsync(Path.Combine(host.Folder, $"html-{width}-scrolled.png"));
        Assert.Empty(browser.PageErrors());
    }

    [Fact]
    public async Task Find_tag_and_period_narrow_the_rows_and_the_axis_follows_the_zoom()
    {
        if (Chromium.Find() is null)
        {
            Assert.Fail($"Chromium is needed to render the HTML export and was not found at {Chromium.DefaultPath}.");
        }

        await using var browser = await Chromium.StartAsync(host.Folder);
        await browser.ViewportAsync(1280, 900, mobile: false);
        await browser.NavigateAsync(new Uri(page).AbsoluteUri);
        await browser.WaitUntilAsync("document.body.dataset.drawn === 'true' && document.body.dataset.loaded === 'true'");

        var found = (await browser.EvaluateAsync(Interact("const q = document.getElementById('filters').elements.q; q.value = 'kidal'; q.dispatchEvent(new Event('input'));", 400)))!;
        var visible = found["visible"]!.AsArray().Select(v => v!.GetValue<string>()).ToList();
        Assert.InRange(visible.Count, 1, 3999);
        Assert.All(visible, text => Assert.Contains("kidal", text, StringComparison.OrdinalIgnoreCase));
        Assert.Equal($"{visible.Count} of 4000 loaded entries shown", found["shown"]!.GetValue<string>());

        var tagged = (await browser.EvaluateAsync(Interact("const f = document.getElementById('filters'); f.elements.q.value = ''; f.elements.tag.value = 'protests'; f.requestSubmit();", 300)))!;
        Assert.InRange(tagged["tags"]!.AsArray().Count, 1, 3999);
        Assert.All(tagged["tags"]!.AsArray(), tags => Assert.Contains(" protests ", tags!.GetValue<string>(), StringComparison.Ordinal));
        Assert.Contains("tag=protests", (await browser.EvaluateAsync("location.search"))!.GetValue<string>(), StringComparison.Ordinal);

        var zoomed = (await browser.EvaluateAsync(Interact("const f = document.getElementById('filters'); f.elements.tag.value = ''; f.elements.from.value = '2020-01-01'; f.elements.to.value = '2020-12-31'; f.requestSubmit();", 300)))!;
        Assert.InRange(zoomed["spans"]!.AsArray().Count, 1, 3999);
        Assert.All(zoomed["spans"]!.AsArray(), span =>
        {
            var (earliest, latest) = (span!["earliest"]!.GetValue<string>(), span["latest"]!.GetValue<string>());
            Assert.True(string.CompareOrdinal(latest, "2020-01-01") >= 0 && string.CompareOrdinal(earliest, "2020-12-31") <= 0, $"{earliest}..{latest} is outside 2020");
        });
        Assert.All(zoomed["ticks"]!.AsArray(), tick => Assert.StartsWith("2020", tick!.GetValue<string>(), StringComparison.Ordinal));
        Assert.True(zoomed["ticks"]!.AsArray().Count >= 4, "a year zoomed in should be labelled by months");

        // Zoomed to 2020, the overview still shows the whole file (1997 on), 2020's columns marked.
        Assert.Equal("4000", (await browser.EvaluateAsync("document.getElementById('overview').dataset.total"))?.GetValue<string>());
        Assert.StartsWith("1997-", (await browser.EvaluateAsync("document.querySelector('#overview button').title"))!.GetValue<string>(), StringComparison.Ordinal);
        Assert.All((await browser.EvaluateAsync("[...document.querySelectorAll('#overview button.in-view')].map(b => b.title)"))!.AsArray(), title => Assert.Contains("2020-", title!.GetValue<string>(), StringComparison.Ordinal));
        AssertLaidOut((await LayoutAsync(browser))!, 1280, expectedDeadlines: 6);
        await browser.ScreenshotAsync(Path.Combine(host.Folder, "html-1280-2020.png"));
        CopyScreenshot("html-1280-2020.png");
        Assert.Empty(browser.PageErrors());
    }

    /// <summary>Does something, waits, and reads the rows shown, with each one's event from the data the page embeds.</summary>
    private static string Interact(string action, int settleMs) => $$"""
        (async () => {
          {{action}}
          await new Promise(r => setTimeout(r, {{settleMs}}));
          const data = JSON.parse(document.getElementById("timeline-data").textContent);
          const events = new Map(data.entries.map(e => [e.event.eventId, e.event]));
          const rows = [...document.querySelectorAll("#entries .entry")].filter(r => !r.hidden).map(r => events.get(r.dataset.eventId));
          return {
            visible: rows.map(e => [e.title, e.summary, e.kind, (e.location || {}).name, (e.location || {}).admin1, (e.location || {}).admin2, (e.tags || []).join(" "), (e.actors || []).join(" "), e.eventId].join(" ")),
            tags: rows.map(e => " " + (e.tags || []).join(" ") + " "),
            spans: rows.map(e => ({ earliest: e.occurred.earliest, latest: e.occurred.latest })),
            ticks: [...document.querySelectorAll("#axis span")].map(t => t.textContent),
            shown: document.getElementById("count").textContent,
          };
        })()
        """;

    /// <summary>Positions the test checks: axis labels, deadline markers, bars against their track, the page's width.</summary>
    private static async Task<JsonNode> LayoutAsync(Chromium browser) => (await browser.EvaluateAsync($$"""
        (async () => {
          const rect = e => { const r = e.getBoundingClientRect(); return { left: r.left, right: r.right, top: r.top, bottom: r.bottom }; };
          const rows = [...document.querySelectorAll("#entries .entry")];
          const long = rows.find(r => r.querySelector(".entry-title").textContent.startsWith({{JsonSerializer.Serialize(LongTitle[..30])}}));
          if (long) long.scrollIntoView({ block: "center" });
          await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
          const ticks = [...document.querySelectorAll("#axis span")].map(t => { const r = document.createRange(); r.selectNodeContents(t); const b = r.getBoundingClientRect(); return { left: b.left, right: b.right, top: b.top, bottom: b.bottom }; });
          const scale = rect(document.getElementById("axis"));
          const markers = [...document.querySelectorAll("#deadline-lane .marker")].map(rect);
          const label = long ? long.querySelector(".entry-label").getBoundingClientRect() : null, track = long ? long.querySelector(".track").getBoundingClientRect() : null;
          const hit = long ? document.elementFromPoint(track.right - 3, (track.top + track.bottom) / 2) : null;
          const barsOutside = rows.filter(r => !r.hidden).map(r => [r.querySelector(".bar"), r.querySelector(".track")]).filter(([b]) => b)
            .filter(([b, t]) => { const x = b.getBoundingClientRect(), y = t.getBoundingClientRect(); return x.width > 0 && (x.left < y.left - 1 || x.right > y.right + 1); }).length;
          window.scrollTo(0, 0);
          return {
            rows: rows.length, bars: document.querySelectorAll("#entries .bar").length,
            deadlines: document.querySelectorAll("#deadline-list .deadline").length,
            scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth, bodyScrollWidth: document.body.scrollWidth,
            ticks, scale, markers, barsOutside,
            longLabel: !long ? null : { labelRight: label.right, labelBottom: label.bottom, trackLeft: track.left, trackTop: track.top, hitIsTrack: !!(hit && (hit.closest(".track") || hit.closest(".bar"))) && !hit.closest(".entry-label") },
          };
        })()
        """))!;

    private static void AssertLaidOut(JsonNode layout, int width, int expectedDeadlines)
    {
        Assert.True(layout["scrollWidth"]!.GetValue<double>() <= width && layout["bodyScrollWidth"]!.GetValue<double>() <= width, $"the page scrolls sideways at {width} px: {layout["scrollWidth"]} > {layout["innerWidth"]}");
        var markers = Rects(layout["markers"]!);
        var ticks = Rects(layout["ticks"]!);
        var scale = Rect(layout["scale"]!);
        Assert.Equal(expectedDeadlines, layout["deadlines"]!.GetValue<int>());
        Assert.Equal(expectedDeadlines, markers.Count);
        Assert.True(ticks.Count >= 2, $"only {ticks.Count} axis labels");
        foreach (var marker in markers)
        {
            Assert.True(marker.Left >= scale.Left - 0.5 && marker.Left <= scale.Right + 0.5, $"the deadline marker {marker} leaves the chart {scale}");
        }

        for (var i = 0; i + 1 < ticks.Count; i++)
        {
            Assert.False(Overlap(ticks[i], ticks[i + 1]), $"axis labels {ticks[i]} and {ticks[i + 1]} overlap");
        }

        Assert.All(ticks, tick => Assert.True(tick.Left >= scale.Left - 0.5 && tick.Right <= scale.Right + 0.5, $"axis label {tick} leaves the chart {scale}"));
        Assert.Equal(0, layout["barsOutside"]!.GetValue<int>());
    }

    private static bool Overlap(Box a, Box b) => a.Left < b.Right - 0.5 && b.Left < a.Right - 0.5 && a.Top < b.Bottom - 0.5 && b.Top < a.Bottom - 0.5;

    private static List<Box> Rects(JsonNode array) => [.. array.AsArray().Select(n => Rect(n!))];

    private static Box Rect(JsonNode n) => new(n["left"]!.GetValue<double>(), n["right"]!.GetValue<double>(), n["top"]!.GetValue<double>(), n["bottom"]!.GetValue<double>());

    /// <summary>With TIMELINE_SCREENSHOTS set, the screenshot is also copied there (how docs/EXPORTS.md gets its pictures).</summary>
    private void CopyScreenshot(string name)
    {
        if (Environment.GetEnvironmentVariable("TIMELINE_SCREENSHOTS") is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
            File.Copy(Path.Combine(host.Folder, name), Path.Combine(folder, name), overwrite: true);
        }
    }

    /// <summary>Six deadlines in Mali due within weeks of each other in mid-2020, in every state, and one long title.</summary>
    private static AppendEventsRequest Deadlines()
    {
        var request = new AppendEventsRequest();
        (string Id, string Title, string Due, DeadlineEffectType? Then)[] deadlines =
        [
            ("ceasefire-central", "Ceasefire in central Mali", "2020-08-10", DeadlineEffectType.Risk),
            ("dialogue-report", "National dialogue report", "2020-07-05", null),
            ("ddr-phase-1", "Disarmament, first phase", "2020-07-10", DeadlineEffectType.Met),
            ("elections-legislative", "Legislative run-off results", "2020-07-12", DeadlineEffectType.Cancelled),
            ("army-redeployment", "Army redeployed to Kidal", "2020-05-31", null),
            ("roadmap-transition", "Transition roadmap agreed", "2020-08-20", null),
        ];
        foreach (var (id, title, due, then) in deadlines)
        {
            request.Events.Add(Event($"{id}-set", $"Agreement sets: {title}", "2020-01-15", new DeadlineEffect
            {
                DeadlineId = id,
                Effect = DeadlineEffectType.Set,
                Title = title,
                Due = new global::Timeline.V1.FuzzyDate { Edtf = due },
                Responsible = "Government of Mali",
            }));
            if (then is { } effect)
            {
                request.Events.Add(Event($"{id}-{effect.ToString().ToLowerInvariant()}", $"{title}: {effect}", "2020-07-20", new DeadlineEffect { DeadlineId = id, Effect = effect }));
            }
        }

        request.Events.Add(Event("long-title", LongTitle, "2019-11", null));
        return request;
    }

    private static NewEvent Event(string id, string title, string edtf, DeadlineEffect? effect) => new()
    {
        EventId = id,
        Title = title,
        Occurred = new global::Timeline.V1.FuzzyDate { Edtf = edtf },
        Kind = "Agreement",
        Location = new Location { Country = "MLI" },
        Tags = { "mali", "deadline-test" },
        Deadline = effect,
    };

    private readonly record struct Box(double Left, double Right, double Top, double Bottom);
}
