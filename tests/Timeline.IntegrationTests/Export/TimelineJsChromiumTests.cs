using System.Text.Json.Nodes;
using Timeline.IntegrationTests.Cli;

namespace Timeline.IntegrationTests.Export;

/// <summary>
/// `timeline export --format timelinejs` loaded by Knight Lab's real TimelineJS 3.9 (the npm package
/// @knight-lab/timelinejs, which .ci/run installs pinned into artifacts/timelinejs) in headless
/// Chromium: the rows are the groups asked for, each deadline's status, due date and days left are
/// text on a slide TimelineJS shows, and a summary's paragraphs stay paragraphs. Outside CI, when
/// TimelineJS or Chromium is not installed here, the test is skipped and says why; in CI it fails.
/// </summary>
public sealed class TimelineJsChromiumTests : IAsyncLifetime
{
    public const string Version = "3.9.11";
    private static readonly string Package = Path.Combine(RepoPaths.Root, "artifacts", "timelinejs", "node_modules", "@knight-lab", "timelinejs", "dist");
    private CliHost host = null!;

    public async ValueTask InitializeAsync() => host = await CliHost.StartAsync();

    public async ValueTask DisposeAsync() => await host.DisposeAsync();

    [Fact]
    public async Task TimelineJs_shows_the_groups_the_deadline_status_and_the_paragraphs()
    {
        RequireTools();
        await host.RunAsync("import", Path.Combine(RepoPaths.Samples, "mali-minusma-2023-10.json"));
        var add = await host.RunAsync(
            "add", "--id", "two-paragraphs", "--title", "Residents describe the handover", "--date", "2023-10-15", "--tag", "mali", "--kind", "Report",
            "--summary", "First paragraph: the camp was emptied.\n\nSecond paragraph: the army arrived.");
        Assert.Equal(0, add.ExitCode);
        var export = await host.RunAsync("export", "--format", "timelinejs", "--tag", "mali", "--as-of", "2023-10-16", "--title", "Mali, October 2023");
        Assert.Equal(0, export.ExitCode);

        var page = Path.Combine(host.Folder, "timelinejs.html");
        await File.WriteAllTextAsync(page, $$"""
            <!DOCTYPE html>
            <html><head><meta charset="utf-8">
            <link rel="stylesheet" href="{{new Uri(Path.Combine(Package, "css", "timeline.css")).AbsoluteUri}}">
            <script src="{{new Uri(Path.Combine(Package, "js", "timeline.js")).AbsoluteUri}}"></script>
            </head><body style="margin:0">
            <div id="timeline-embed" style="width:100%;height:640px"></div>
            <script>
            window.timeline = new TL.Timeline("timeline-embed", {{export.Stdout.Replace("</", "<\\/", StringComparison.Ordinal)}}, { hash_bookmark: false, initial_zoom: 2 });
            </script>
            </body></html>
            """, TestContext.Current.CancellationToken);

        await using var browser = await Chromium.StartAsync(host.Folder);
        await browser.ViewportAsync(1280, 640, mobile: false);
        await browser.NavigateAsync(page);
        await browser.WaitUntilAsync("document.querySelectorAll('.tl-slide').length > 5 && document.querySelectorAll('.tl-timegroup-message').length > 0");

        // Rows: the events' kinds (the default grouping), and one for the deadline slides.
        var groups = (await browser.EvaluateAsync("[...document.querySelectorAll('.tl-timegroup-message')].map(g => g.textContent.trim())"))!.AsArray().Select(g => g!.GetValue<string>()).ToList();
        Assert.Contains("Deadline", groups);
        Assert.Contains("Report", groups);
        Assert.Contains("Statement", groups);

        // The title slide lists each deadline's status as visible text.
        var title = (await browser.EvaluateAsync("document.querySelector('.tl-slide-titleslide').innerText"))!.GetValue<string>();
        Assert.Contains("AT RISK · due 2023-12-31 · 76 days remaining", title, StringComparison.Ordinal);

        // The deadline's own slide, once TimelineJS goes to it, shows the same where it shows text.
        var slide = await ShowSlideAsync(browser, "deadline/minusma-withdrawal");
        Assert.Contains("Deadline: MINUSMA withdrawal from Mali complete: AT RISK", slide["headline"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("AT RISK · due 2023-12-31 · 76 days remaining", slide["text"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.True(slide["visible"]!.GetValue<bool>(), "the deadline slide's text is not on screen");
        await browser.ScreenshotAsync(Path.Combine(host.Folder, "timelinejs-1280.png"));
        if (Environment.GetEnvironmentVariable("TIMELINE_SCREENSHOTS") is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
            File.Copy(Path.Combine(host.Folder, "timelinejs-1280.png"), Path.Combine(folder, "timelinejs-1280.png"), overwrite: true);
        }

        // Two paragraphs in the summary are two paragraphs on the slide.
        var paragraphs = await ShowSlideAsync(browser, "two-paragraphs");
        Assert.Equal(["First paragraph: the camp was emptied.", "Second paragraph: the army arrived."], paragraphs["paragraphs"]!.AsArray().Select(p => p!.GetValue<string>()).Take(2));
        Assert.Empty(browser.PageErrors());
    }

    private static async Task<JsonNode> ShowSlideAsync(Chromium browser, string id) => (await browser.EvaluateAsync($$"""
        (async () => {
          window.timeline.goToId({{System.Text.Json.JsonSerializer.Serialize(id)}});
          const slide = document.getElementById({{System.Text.Json.JsonSerializer.Serialize(id)}});
          const text = slide.querySelector(".tl-text-content");
          // Until the slide's animation has brought its text into the window (or 20 s), not a fixed pause.
          const inView = () => { const b = text.getBoundingClientRect(); return b.width > 0 && b.height > 0 && b.left >= 0 && b.right <= window.innerWidth; };
          for (let waited = 0; !inView() && waited < 20000; waited += 100) await new Promise(r => setTimeout(r, 100));
          await new Promise(r => setTimeout(r, 200));
          const r = text.getBoundingClientRect();
          return {
            headline: slide.querySelector(".tl-headline").innerText,
            text: text.innerText,
            paragraphs: [...text.querySelectorAll("p")].map(p => p.innerText),
            visible: r.width > 0 && r.height > 0 && r.left >= 0 && r.right <= window.innerWidth,
          };
        })()
        """))!;

    private static void RequireTools()
    {
        var missing = new List<string>();
        if (!File.Exists(Path.Combine(Package, "js", "timeline.js")))
        {
            missing.Add($"TimelineJS {Version} at {Package} (npm install --prefix artifacts/timelinejs --no-save @knight-lab/timelinejs@{Version}, as .ci/run does)");
        }

        if (Chromium.Find() is null)
        {
            missing.Add($"Chromium at {Chromium.DefaultPath} (apt-get install chromium)");
        }

        if (missing.Count == 0)
        {
            return;
        }

        var reason = $"needs {string.Join(" and ", missing)}";
        if (Environment.GetEnvironmentVariable("CI") is { Length: > 0 })
        {
            Assert.Fail($"in CI this test {reason}");
        }

        Assert.Skip($"skipped outside CI: this test {reason}");
    }
}
