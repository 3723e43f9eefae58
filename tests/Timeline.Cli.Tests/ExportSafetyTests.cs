using System.Text.Json;
using CsvHelper;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Markdig;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;
using Timeline.Cli.Export;
using Timeline.V1;

namespace Timeline.Cli.Tests;

/// <summary>
/// Each export read back by a real parser of its format: Markdig for Markdown (no raw HTML, no
/// link of any kind, the text as written), CsvHelper in strict mode for CSV, the protobuf JSON
/// parser for JSON, Ical.Net for iCalendar, System.Text.Json for TimelineJS.
/// </summary>
public sealed class ExportSafetyTests
{
    /// <summary>Text a hostile or careless source could put in any field.</summary>
    public static readonly string[] Hostile =
    [
        "<script>alert('x')</script>",
        "<img src=x onerror=alert(1)>",
        "[click](javascript:alert(1))",
        "<javascript:alert(1)>",
        "![pic](http://evil.example/p.png)",
        "visit https://evil.example/x or www.evil.example today",
        "mail boss@evil.example now",
        "**bold** _it_ ~~gone~~ `code` ==mark== ^sup^ ~sub~ ++ins++",
        "a | b || c",
        "&lt;b&gt; &amp; &#60;i&#62;",
        "# not a heading #",
        "{onclick=alert(1)} {.evil}",
        "back\\slash and $x^2$ math",
        "[^1] footnote and [ref]: http://evil.example",
    ];

    private static readonly MarkdownPipeline[] Pipelines =
    [
        new MarkdownPipelineBuilder().UseAdvancedExtensions().Build(),
        new MarkdownPipelineBuilder().UsePipeTables().UseAutoLinks().UseEmphasisExtras().Build(),
        new MarkdownPipelineBuilder().Build(),
    ];

    [Fact]
    public void Markdown_renders_no_html_no_link_and_every_field_reads_as_written()
    {
        var data = HostileData();
        var writer = new StringWriter();
        Exporter.Write(ExportFormat.Markdown, data, writer);
        var markdown = writer.ToString();

        foreach (var pipeline in Pipelines)
        {
            var html = Markdown.ToHtml(markdown, pipeline);
            var document = Markdown.Parse(markdown, pipeline);
            var plain = Markdown.ToPlainText(markdown, pipeline);

            Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("<a ", html, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("onclick=", html.Replace("{onclick=alert(1)}", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase);

            // Nothing but text, except the export's own bold status labels.
            Assert.All(document.Descendants<Inline>(), i => Assert.True(
                i is LiteralInline or LineBreakInline || i.GetType() == typeof(ContainerInline) || (i is EmphasisInline bold && bold.FirstChild?.ToString() == "AT RISK"),
                $"{i.GetType().Name} at {i.Span}: {markdown.Substring(i.Span.Start, Math.Max(0, i.Span.Length))}"));
            Assert.Empty(document.Descendants<HtmlBlock>());
            Assert.Empty(document.Descendants<HtmlInline>());
            Assert.Empty(document.Descendants<LinkInline>());
            Assert.Empty(document.Descendants<AutolinkInline>());
            Assert.Empty(document.Descendants<CodeInline>());
            Assert.Single(document.Descendants<HeadingBlock>(), h => h.Level == 1);
            foreach (var text in Hostile)
            {
                Assert.Contains(text, plain, StringComparison.Ordinal);
            }

            Assert.Contains("first line second line", plain, StringComparison.Ordinal);
            Assert.Contains("Mali <report> & co", plain, StringComparison.Ordinal);
        }

        // Every data row is one table row of the right width: no pipe in the data split a cell.
        var tables = Markdown.Parse(markdown, Pipelines[0]).Descendants<Markdig.Extensions.Tables.Table>().ToList();
        Assert.Equal(2, tables.Count);
        Assert.Equal(Hostile.Length + 2, tables[0].Count);
        Assert.All(tables[0].OfType<Markdig.Extensions.Tables.TableRow>(), row => Assert.Equal(8, row.Count));
        Assert.Equal(Hostile.Length + 1, tables[1].Count);
        Assert.All(tables[1].OfType<Markdig.Extensions.Tables.TableRow>(), row => Assert.Equal(5, row.Count));
    }

    [Fact]
    public void Csv_shows_open_dates_as_open_and_neutralises_formulas_but_not_numbers()
    {
        var writer = new StringWriter();
        Exporter.Write(ExportFormat.Csv, CsvData(), writer);
        var strict = new CsvReaderOptions
        {
            Mode = CsvMode.Rfc4180,
            MalformedData = CsvMalformedDataHandling.Throw,
            FieldCountMismatch = CsvFieldCountHandling.Throw,
            MissingField = CsvMissingFieldHandling.Throw,
        };

        using var csv = CsvReader.FromText(writer.ToString(), strict);
        Assert.True(csv.Read());
        Assert.Equal(CsvExport.Columns, csv.Headers);
        var row = CsvExport.Columns.ToDictionary(c => c, csv.GetString);
        Assert.False(csv.Read());

        // "May 2024 or later": no latest day, not 9999-12-31; and no earliest for "until 1990".
        Assert.Equal(("2024-05-01", ""), (row["earliest"], row["latest"]));
        Assert.Equal("", row["due"]);
        Assert.DoesNotContain("9999", writer.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("0001-01-01", writer.ToString(), StringComparison.Ordinal);

        // What a spreadsheet would run is prefixed with ', as OWASP advises.
        Assert.Equal("'=HYPERLINK(\"http://evil.example\",\"x\")", row["title"]);
        Assert.Equal("'+SUM(1,2)", row["kind"]);
        Assert.Equal("'-2+3; @cmd", row["actors"]);
        Assert.Equal("'\tTabbed", row["source"]);
        Assert.Equal("'\rCR first", row["location"]);
        Assert.Equal("'-0044-03-15", row["edtf"]);
        Assert.Equal("'@risk", row["summary"]);

        // Numbers stay numbers: coordinates west of Greenwich or south of the equator start with '-'.
        Assert.Equal(("-14.31", "-5.99"), (row["latitude"], row["longitude"]));
        Assert.Equal("1", row["revision"]);
        Assert.Equal("Plain text stays as it is", row["admin1"]);
    }

    [Fact]
    public void Json_holds_the_entries_and_every_deadline_with_its_status()
    {
        var writer = new StringWriter();
        var data = ExportTests.Data();
        Exporter.Write(ExportFormat.Json, data, writer);
        var text = writer.ToString();

        var parser = new JsonParser(JsonParser.Settings.Default.WithIgnoreUnknownFields(true));
        var timeline = parser.Parse<GetTimelineResponse>(text);
        var deadlines = parser.Parse<ListDeadlinesResponse>(text);

        Assert.Equal(data.Entries, timeline.Entries);
        var status = Assert.Single(deadlines.Deadlines);
        Assert.Equal(data.Deadlines[0], status);
        Assert.Equal(DeadlineState.AtRisk, status.State);
        using var json = JsonDocument.Parse(text);
        Assert.Equal("2023-10-16", json.RootElement.GetProperty("asOf").GetString());
        Assert.Equal("Mali <test>", json.RootElement.GetProperty("title").GetString());
    }

    [Fact]
    public void Ics_with_nothing_to_show_is_still_a_valid_calendar_and_carries_its_title()
    {
        var empty = new ExportData([], [], "2023-10-16", new DateTimeOffset(2024, 1, 2, 0, 0, 0, TimeSpan.Zero)) { Title = "Mali deadlines" };
        var writer = new StringWriter();
        Exporter.Write(ExportFormat.Ics, empty, writer);
        var text = writer.ToString();

        var calendar = Ical.Net.Calendar.Load(text)!;

        Assert.Empty(calendar.Events);
        Assert.NotEmpty(calendar.Children);
        Assert.Single(calendar.TimeZones);
        Assert.Equal("Mali deadlines", calendar.Properties.Get<string>("NAME"));
        Assert.Equal("Mali deadlines", calendar.Properties.Get<string>("X-WR-CALNAME"));
        var body = text[(text.IndexOf("BEGIN:VCALENDAR", StringComparison.Ordinal) + 15)..text.IndexOf("END:VCALENDAR", StringComparison.Ordinal)];
        Assert.Contains("BEGIN:VTIMEZONE", body, StringComparison.Ordinal);
    }

    [Fact]
    public void Ics_events_carry_the_sequence_last_modified_and_a_uid_of_the_store()
    {
        var data = ExportTests.Data() with
        {
            StoreId = "0123456789abcdef",
            Revisions = new Dictionary<string, DeadlineRevision> { ["minusma-withdrawal"] = new(2, new DateTimeOffset(2023, 10, 14, 0, 0, 0, TimeSpan.Zero)) },
        };
        var writer = new StringWriter();
        Exporter.Write(ExportFormat.Ics, data, writer);

        var deadline = Assert.Single(Ical.Net.Calendar.Load(writer.ToString())!.Events);

        Assert.Equal("minusma-withdrawal@0123456789abcdef.timeline", deadline.Uid);
        Assert.Equal(2, deadline.Sequence);
        Assert.Equal(new DateTime(2023, 10, 14, 0, 0, 0, DateTimeKind.Utc), deadline.LastModified!.AsUtc);
        Assert.Equal("Mali <test>", Ical.Net.Calendar.Load(writer.ToString())!.Properties.Get<string>("X-WR-CALNAME"));
    }

    [Theory]
    [InlineData("kind", new[] { "Statement", "Decision", "Deadline" })]
    [InlineData("tag", new[] { "mali", "north", "Deadline" })]
    [InlineData("country", new[] { "MLI", "(no country)" })]
    [InlineData("deadline", new[] { "MINUSMA withdrawal complete", "(no deadline)" })]
    public void TimelineJs_groups_rows_as_asked(string groupBy, string[] groups)
    {
        var events = TimelineJsEvents(GroupingData() with { GroupBy = System.Enum.Parse<TimelineGroup>(groupBy, ignoreCase: true) });

        Assert.Equal(groups.Order(StringComparer.Ordinal), events.Select(e => e.GetProperty("group").GetString()!).Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void TimelineJs_without_grouping_has_no_group_and_the_default_is_by_kind()
    {
        var none = TimelineJsEvents(GroupingData() with { GroupBy = TimelineGroup.None });

        Assert.All(none, e => Assert.False(e.TryGetProperty("group", out _)));
        Assert.Equal(TimelineGroup.Kind, new ExportData([], [], "2023-10-16", DateTimeOffset.UnixEpoch).GroupBy);
    }

    [Fact]
    public void TimelineJs_shows_each_deadlines_status_due_date_and_days_left_as_text_and_keeps_paragraphs()
    {
        var events = TimelineJsEvents(GroupingData());
        using var doc = JsonDocument.Parse(TimelineJsText(GroupingData()));

        var slide = Assert.Single(events, e => e.GetProperty("unique_id").GetString() == "deadline/minusma-withdrawal");
        Assert.Equal("Deadline: MINUSMA withdrawal complete: AT RISK", slide.GetProperty("text").GetProperty("headline").GetString());
        Assert.StartsWith("<p><strong>AT RISK · due 2023-12-31 · 76 days remaining</strong>", Decoded(slide.GetProperty("text").GetProperty("text")), StringComparison.Ordinal);
        Assert.Equal("""{"year":2023,"month":12,"day":31}""", JsonSerializer.Serialize(slide.GetProperty("start_date")));
        Assert.Contains("MINUSMA withdrawal complete</strong>: AT RISK · due 2023-12-31 · 76 days remaining", Decoded(doc.RootElement.GetProperty("title").GetProperty("text").GetProperty("text")), StringComparison.Ordinal);

        var paragraphs = Assert.Single(events, e => e.GetProperty("unique_id").GetString() == "two-paragraphs").GetProperty("text").GetProperty("text").GetString();
        Assert.StartsWith("<p>First paragraph &lt;b&gt;.</p><p>Second, line one<br>line two.</p>", paragraphs, StringComparison.Ordinal);
    }

    private static string Decoded(JsonElement html) => System.Net.WebUtility.HtmlDecode(html.GetString()!);

    private static List<JsonElement> TimelineJsEvents(ExportData data)
    {
        using var doc = JsonDocument.Parse(TimelineJsText(data));
        return [.. doc.RootElement.GetProperty("events").EnumerateArray().Select(e => e.Clone())];
    }

    private static string TimelineJsText(ExportData data)
    {
        var writer = new StringWriter();
        Exporter.Write(ExportFormat.TimelineJs, data, writer);
        return writer.ToString();
    }

    private static ExportData GroupingData()
    {
        var data = ExportTests.Data();
        var entries = data.Entries.Select(e => e.Clone()).ToList();
        entries[0].Event.Kind = "Decision";
        entries[1].Event.Tags.Add("north");
        entries[2].Event.Location = null;
        entries[3].Event.EventId = "two-paragraphs";
        entries[3].Event.Summary = "First paragraph <b>.\n\nSecond, line one\nline two.";
        return data with { Entries = entries };
    }

    private static ExportData HostileData()
    {
        var entries = Hostile.Select((text, i) => new TimelineEntry
        {
            DisplayDate = i == 0 ? "<b>2020</b>" : "2020",
            Event = new EventRecord
            {
                EventId = $"e{i}",
                Title = text,
                Kind = text,
                Tags = { text },
                Occurred = new Timeline.V1.FuzzyDate { Earliest = "2020-01-01", Latest = "2020-12-31" },
                Deadline = new DeadlineEffect { DeadlineId = text, Effect = DeadlineEffectType.Risk },
            },
        }).Append(new TimelineEntry { DisplayDate = "2021", Event = new EventRecord { EventId = "nl", Title = "first line\nsecond line" } }).ToList();
        var statuses = Hostile.Select(text => new DeadlineStatus
        {
            DeadlineId = text,
            Title = text,
            State = DeadlineState.AtRisk,
            Due = new Timeline.V1.FuzzyDate { Latest = "2023-12-31" },
            Reasons = { new DeadlineReason { Title = text, Effect = DeadlineEffectType.Risk } },
        }).ToList();
        return new ExportData(entries, statuses, "2023-10-16", DateTimeOffset.UnixEpoch) { Title = "Mali <report> & co" };
    }

    private static ExportData CsvData()
    {
        var e = new EventRecord
        {
            EventId = "x1",
            Revision = 1,
            Title = "=HYPERLINK(\"http://evil.example\",\"x\")",
            Kind = "+SUM(1,2)",
            Actors = { "-2+3", "@cmd" },
            Summary = "@risk",
            Occurred = new Timeline.V1.FuzzyDate { Edtf = "-0044-03-15", Earliest = "2024-05-01", Latest = "9999-12-31", Precision = DatePrecision.Month, Display = "May 2024 or later" },
            Location = new Location { Name = "\rCR first", Admin1 = "Plain text stays as it is", Latitude = -14.31, Longitude = -5.99 },
            Source = new Source { Name = "\tTabbed" },
            Deadline = new DeadlineEffect { DeadlineId = "d", Effect = DeadlineEffectType.Extended, Due = new Timeline.V1.FuzzyDate { Earliest = "0001-01-01", Latest = "9999-12-31" } },
            RecordedAt = Timestamp.FromDateTimeOffset(new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero)),
        };
        return new ExportData([new TimelineEntry { Event = e, DisplayDate = "May 2024 or later" }], [], "2024-06-01", DateTimeOffset.UnixEpoch);
    }
}
