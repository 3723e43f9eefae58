using System.Text.Json;
using CsvHelper;
using Timeline.Cli.Export;
using Timeline.V1;

namespace Timeline.Cli.Tests;

/// <summary>
/// What `export` says it wrote is what the file holds, read back with the format's own parser;
/// and what matched but is not in the file (events in iCalendar, deadline statuses in CSV, events
/// TimelineJS cannot place, deadlines a calendar has no day for) is named, with where to find it.
/// </summary>
public sealed class ExportCountsTests
{
    [Fact]
    public void Every_format_counts_what_it_holds_read_back_by_its_parser()
    {
        var data = ExportTests.Data();
        var said = new Dictionary<ExportFormat, string>();
        var read = new Dictionary<ExportFormat, ExportWritten>();
        foreach (var format in Enum.GetValues<ExportFormat>())
        {
            var writer = new StringWriter();
            var written = Exporter.Write(format, data, writer);
            said[format] = Exporter.Describe(format, written);
            read[format] = format switch
            {
                ExportFormat.Json => ReadJson(writer.ToString()),
                ExportFormat.Csv => new(CsvRows(writer.ToString()), 0),
                ExportFormat.TimelineJs => TimelineJsSlides(writer.ToString()),
                ExportFormat.Ics => new(0, Ical.Net.Calendar.Load(writer.ToString())!.Events.Count),
                _ => written,
            };
            Assert.Equal(read[format], written);
        }

        Assert.Equal("5 events and 1 deadline", said[ExportFormat.Json]);
        Assert.Equal("5 events", said[ExportFormat.Csv]);
        Assert.Equal("5 events and 1 deadline", said[ExportFormat.Markdown]);
        Assert.Equal("5 events and 1 deadline", said[ExportFormat.TimelineJs]);
        Assert.Equal("1 deadline", said[ExportFormat.Ics]);
        Assert.Equal("5 events and 1 deadline", said[ExportFormat.Html]);
    }

    [Fact]
    public void An_icalendar_export_of_events_without_deadlines_says_the_events_are_not_in_it()
    {
        var data = ExportTests.Data() with { Deadlines = [] };

        var written = Exporter.Write(ExportFormat.Ics, data, new StringWriter());

        Assert.Equal("0 deadlines", Exporter.Describe(ExportFormat.Ics, written));
        Assert.Equal(
            ["iCalendar carries deadlines only: the 5 events matched are not in it; use --format json, csv, markdown, timelinejs or html for events"],
            Exporter.Missing(ExportFormat.Ics, data, written));
    }

    [Fact]
    public void A_csv_export_of_events_bearing_on_deadlines_says_their_status_is_not_in_it()
    {
        var data = ExportTests.Data();

        var written = Exporter.Write(ExportFormat.Csv, data, new StringWriter());

        Assert.Equal(
            ["CSV carries events only (each row names its deadline): the status of the 1 deadline they bear on is not in it; use --format json, markdown, timelinejs, ics or html for deadlines"],
            Exporter.Missing(ExportFormat.Csv, data, written));
    }

    [Theory]
    [InlineData("json")]
    [InlineData("markdown")]
    [InlineData("timelinejs")]
    [InlineData("html")]
    public void A_format_holding_everything_that_matched_adds_no_note(string name)
    {
        var format = Enum.Parse<ExportFormat>(name, ignoreCase: true);
        var data = ExportTests.Data();

        Assert.Empty(Exporter.Missing(format, data, Exporter.Write(format, data, new StringWriter())));
    }

    [Fact]
    public void Timelinejs_names_the_events_it_has_no_day_for()
    {
        var data = ExportTests.Data();
        var undated = new TimelineEntry { Event = new EventRecord { EventId = "undated", Title = "Some day", Occurred = new FuzzyDate { Earliest = "-9999-01-01", Latest = "9999-12-31" } } };
        data = data with { Entries = [.. data.Entries, undated] };

        var writer = new StringWriter();
        var written = Exporter.Write(ExportFormat.TimelineJs, data, writer);

        Assert.Equal(new ExportWritten(5, 1), written);
        Assert.Equal(written, TimelineJsSlides(writer.ToString()));
        Assert.Equal(
            ["1 of the 6 events matched has no day TimelineJS can place and is not in it; use --format json, csv, markdown or html for every event"],
            Exporter.Missing(ExportFormat.TimelineJs, data, written));
    }

    [Fact]
    public void Icalendar_names_the_deadlines_it_has_no_day_for()
    {
        var data = ExportTests.Data();
        var open = data.Deadlines[0].Clone();
        open.DeadlineId = "open-ended";
        open.Due = new FuzzyDate { Earliest = "2024-05-01", Latest = "9999-12-31" };
        data = data with { Entries = [], Deadlines = [data.Deadlines[0], open] };

        var writer = new StringWriter();
        var written = Exporter.Write(ExportFormat.Ics, data, writer);

        Assert.Equal(new ExportWritten(0, 1), written);
        Assert.Single(Ical.Net.Calendar.Load(writer.ToString())!.Events);
        Assert.Equal(
            ["1 of the 2 deadlines matched has no due day iCalendar can hold (an open due date, or one before 1 CE) and is not in it; use --format json, markdown, timelinejs or html for every deadline"],
            Exporter.Missing(ExportFormat.Ics, data, written));
    }

    private static ExportWritten ReadJson(string text)
    {
        var (timeline, deadlines) = JsonExport.Read(text);
        return new(timeline.Entries.Count, deadlines.Deadlines.Count);
    }

    private static int CsvRows(string text)
    {
        using var csv = CsvReader.FromText(text);
        var rows = 0;
        while (csv.Read())
        {
            rows++;
        }

        return rows;
    }

    /// <summary>Event slides, and the deadlines listed on the title slide.</summary>
    private static ExportWritten TimelineJsSlides(string text)
    {
        using var json = JsonDocument.Parse(text);
        var slides = json.RootElement.GetProperty("events").EnumerateArray()
            .Count(e => !e.GetProperty("unique_id").GetString()!.StartsWith(TimelineJsExport.DeadlineSlidePrefix, StringComparison.Ordinal));
        var listed = json.RootElement.GetProperty("title").GetProperty("text").GetProperty("text").GetString()!.Split("<li>").Length - 1;
        return new(slides, listed);
    }
}
