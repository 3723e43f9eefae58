using System.Text.Json;
using Timeline.Cli.Extract;
using Timeline.Cli.Infrastructure;
using Timeline.Domain.Validation;
using Timeline.V1;

namespace Timeline.Cli.Tests;

/// <summary>`timeline extract` without services: HTML's main text, the draft as the JSON `import` reads, and bad input.</summary>
public sealed class ExtractCommandTests
{
    private const string Article = """
        <!doctype html>
        <html><head><title>Site name | Floods</title>
        <meta property="article:published_time" content="2023-10-16T08:30:00Z">
        <link rel="canonical" href="https://news.example/floods-gao">
        <style>p { color: red }</style><script>var since = "since late 2021 by 31 December";</script></head>
        <body>
        <nav><a href="/">Home</a> <a href="/world">Published on 3 May 2021</a></nav>
        <header><p>Breaking news on 1 January 2022</p></header>
        <article>
          <h1>Floods cut the road to Gao</h1>
          <p>Heavy rains washed away the bridge at Gao on Sunday (15 October), officials said.</p>
          <div class="share-buttons"><p>Share This article from 2019</p></div>
          <p>The ministry said the <em>road</em> will reopen by 31 December.</p>
          <aside><p>Related: elections were held in 2018.</p></aside>
          <p>CATEGORIES</p>
        </article>
        <footer><p>© 2015 News Example</p></footer>
        </body></html>
        """;

    private static async Task<(int Code, string Stdout, string Stderr)> RunAsync(string input, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var context = CliContext.ForWriters(stdout, stderr, input: new StringReader(input));
        var code = await CliApp.RunAsync(context, args).WaitAsync(TimeSpan.FromSeconds(30));
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void Html_gives_its_main_text_only_with_its_own_date_and_address()
    {
        var input = ArticleFiles.FromHtml(Article, "floods.html");

        Assert.Equal("Floods cut the road to Gao", input.Article.Headline);
        Assert.Equal(
            ["Heavy rains washed away the bridge at Gao on Sunday (15 October), officials said.", "The ministry said the road will reopen by 31 December."],
            input.Article.Sentences.Select(s => s.Text));
        Assert.Equal("2023-10-16", input.Published?.ToString());
        Assert.Equal("https://news.example/floods-gao", input.Url);
    }

    [Fact]
    public async Task Json_output_is_what_import_reads_and_what_the_validator_accepts()
    {
        var (code, stdout, stderr) = await RunAsync(Article, "extract", "-", "-o", "json");

        Assert.True(code == 0, stderr);
        var events = EventFiles.Parse(stdout, "draft.json");
        Assert.Equal(2, events.Count);
        var bridge = events.Single(e => e.Occurred.Text == "on Sunday (15 October)");
        Assert.Equal("2023-10-16", bridge.Occurred.Reference);
        Assert.Equal("Heavy rains washed away the bridge at Gao on Sunday (15 October), officials said.", bridge.Source.Quote);
        Assert.Equal("https://news.example/floods-gao", bridge.Source.Url);
        Assert.Equal("Floods cut the road to Gao", bridge.Source.Name);
        Assert.Equal("high", bridge.Attributes[DraftEvents.ConfidenceAttribute]);
        var road = events.Single(e => e.Deadline is not null);
        Assert.Equal(DeadlineEffectType.Set, road.Deadline.Effect);
        Assert.Equal("by 31 December", road.Deadline.Due.Text);
        Assert.Contains("by 31 December", road.Attributes[DraftEvents.TriggersAttribute], StringComparison.Ordinal);

        var validator = new NewEventValidator(new EventLimits());
        for (var i = 0; i < events.Count; i++)
        {
            var violations = new List<FieldViolation>();
            var normalized = validator.Normalize(events[i], $"events[{i}]", violations);
            Assert.True(violations.Count == 0, string.Join("; ", violations.Select(v => $"{v.Field}: {v.Description}")));
            Assert.NotNull(normalized);
        }

        var due = validator.Normalize(road.Clone(), "events[1]", [])!.Deadline.Due;
        Assert.Equal("2023-12-31", due.Latest);

        // Indented for editing, and plain JSON.
        Assert.Contains("\n  \"events\"", stdout, StringComparison.Ordinal);
        using var _ = JsonDocument.Parse(stdout);
    }

    [Fact]
    public async Task Each_date_of_the_json_draft_shows_the_bounds_and_edtf_import_stores()
    {
        const string text = """
            Rebels seized the town overnight, residents said.
            The governor said on Thursday evening that the road would reopen not later than 31 December.
            Aid workers are seeking to reach the town.
            Fighting continued through June, the army said.
            """;
        var (code, stdout, stderr) = await RunAsync(text, "extract", "-", "--published", "2023-10-16", "-o", "json");

        Assert.True(code == 0, stderr);
        var events = EventFiles.Parse(stdout, "draft.json");
        Assert.Equal(4, events.Count);
        var validator = new NewEventValidator(new EventLimits());
        for (var i = 0; i < events.Count; i++)
        {
            // What the storage service stores from the draft as it is: the same bounds, precision and EDTF the draft shows.
            var shown = events[i];
            var stored = validator.Normalize(shown.Clone(), $"events[{i}]", [])!;
            Assert.False(string.IsNullOrEmpty(shown.Occurred.Earliest), $"events[{i}] shows no bounds");
            Assert.Equal(
                (stored.Occurred.Earliest, stored.Occurred.Latest, stored.Occurred.Edtf, stored.Occurred.Precision, stored.Occurred.Display),
                (shown.Occurred.Earliest, shown.Occurred.Latest, shown.Occurred.Edtf, shown.Occurred.Precision, shown.Occurred.Display));
            if (shown.Deadline?.Due is { } due)
            {
                Assert.Equal((stored.Deadline.Due.Earliest, stored.Deadline.Due.Latest, stored.Deadline.Due.Edtf), (due.Earliest, due.Latest, due.Edtf));
            }
        }

        var night = events.Single(e => e.Occurred.Text == "overnight");
        Assert.Equal(("2023-10-15", "2023-10-16", "2023-10-15/2023-10-16"), (night.Occurred.Earliest, night.Occurred.Latest, night.Occurred.Edtf));
        var road = events.Single(e => e.Deadline is not null);
        Assert.Equal(("on Thursday evening", "2023-10-12"), (road.Occurred.Text, road.Occurred.Latest));
        Assert.Equal(("not later than 31 December", "2023-12-31", "2023-12-31"), (road.Deadline.Due.Text, road.Deadline.Due.Latest, road.Deadline.Due.Edtf));
        var underWay = events.Single(e => e.Occurred.Text.Length == 0);
        Assert.Equal(("2023-10-16~", "2023-10-16", ""), (underWay.Occurred.Edtf, underWay.Occurred.Earliest, underWay.Occurred.Reference));
        var june = events.Single(e => e.Occurred.Text == "through June");
        Assert.Equal(("2023-06-01", "2023-06-30"), (june.Occurred.Earliest, june.Occurred.Latest));

        // An edited phrase wins over the bounds it leaves behind: the service reads the words again.
        night.Occurred.Text = "on Friday";
        Assert.Equal("2023-10-13", validator.Normalize(night.Clone(), "events[0]", [])!.Occurred.Earliest);
    }

    [Fact]
    public async Task The_table_shows_each_proposal_its_reading_and_why()
    {
        var (code, stdout, stderr) = await RunAsync("Rebels seized the town in 2020.\nThe army said the road will reopen by 31 December.\nAid will arrive in the coming weeks.\n", "extract", "-", "--published", "2023-10-16");

        Assert.True(code == 0, stderr);
        Assert.Contains("\"in 2020\"", stdout, StringComparison.Ordinal);
        Assert.Contains("2020-01-01 .. 2020-12-31", stdout, StringComparison.Ordinal);
        Assert.Contains("SET ", stdout, StringComparison.Ordinal);
        Assert.Contains("refused (sentence 3): 'in the coming weeks'", stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("extract - ", "--published is required")]
    [InlineData("extract - --published 16/10/2023", "--published: '16/10/2023' is not a day")]
    [InlineData("extract - --published 2023-10-16 --deadline-id a/b", "--deadline: 'a/b' is not an id")]
    [InlineData("extract /nonexistent/article.txt --published 2023-10-16", "/nonexistent/article.txt")]
    public async Task Bad_input_is_one_clear_error(string line, string message)
    {
        var (code, _, stderr) = await RunAsync("The town fell in 2020.", line.Split(' ', StringSplitOptions.RemoveEmptyEntries));

        Assert.Equal(1, code);
        Assert.Contains(message, stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_empty_text_is_refused()
    {
        var (code, _, stderr) = await RunAsync("  \n", "extract", "-", "--published", "2023-10-16");

        Assert.Equal(1, code);
        Assert.Contains("no text to read", stderr, StringComparison.Ordinal);
    }
}
