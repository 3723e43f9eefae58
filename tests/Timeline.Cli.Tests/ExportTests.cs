using System.Text.Json;
using CsvHelper;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Timeline.Cli.Export;
using Timeline.V1;

namespace Timeline.Cli.Tests;

public sealed class ExportTests
{
    internal static ExportData Data()
    {
        static TimelineEntry Entry(string id, string edtf, DatePrecision precision, string earliest, string latest, string display, string title, DeadlineEffect? deadline = null, bool uncertain = false, DatePart part = DatePart.Unspecified)
        {
            var e = new EventRecord
            {
                EventId = id,
                Revision = 1,
                Title = title,
                Summary = "A summary | with a pipe\nand a line break <b>not bold</b>",
                Kind = "Statement",
                Occurred = new Timeline.V1.FuzzyDate { Edtf = edtf, Precision = precision, Part = part, Earliest = earliest, Latest = latest, Display = display },
                Tags = { "mali", "minusma" },
                Actors = { "MINUSMA" },
                Location = new Location { Country = "MLI", Name = "Tessalit", Latitude = 20.2, Longitude = 1.01 },
                Source = new Source { Name = "A report", Url = "https://example.org/r" },
                RecordedAt = Timestamp.FromDateTimeOffset(new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero)),
                RecordedBy = "ingest",
                Deadline = deadline,
            };
            return new TimelineEntry { Event = e, DisplayDate = display, OrderUncertain = uncertain };
        }

        var entries = new[]
        {
            Entry("set", "2023-06-30", DatePrecision.Day, "2023-06-30", "2023-06-30", "Fri 30 Jun 2023", "Deadline set",
                new DeadlineEffect { DeadlineId = "minusma-withdrawal", Effect = DeadlineEffectType.Set }),
            Entry("late-aug", "2023-08", DatePrecision.Month, "2023-08-21", "2023-08-31", "late August 2023", "Fighting", part: DatePart.Late),
            Entry("oct", "2023-10", DatePrecision.Month, "2023-10-01", "2023-10-31", "October 2023", "Handover", uncertain: true),
            Entry("week", "2023-10-09/2023-10-15", DatePrecision.Range, "2023-10-09", "2023-10-15", "Mon 9 Oct 2023 – Sun 15 Oct 2023", "A week", uncertain: true),
            Entry("year", "2020", DatePrecision.Year, "2020-01-01", "2020-12-31", "2020", "Junta takes power"),
        };
        var status = new DeadlineStatus
        {
            DeadlineId = "minusma-withdrawal",
            Title = "MINUSMA withdrawal complete",
            State = DeadlineState.AtRisk,
            Due = new Timeline.V1.FuzzyDate { Earliest = "2023-12-31", Latest = "2023-12-31" },
            DaysRemaining = 76,
            AsOf = "2023-10-16",
            Since = "2023-10-14",
        };
        return new ExportData(entries, [status], "2023-10-16", new DateTimeOffset(2024, 1, 2, 0, 0, 0, TimeSpan.Zero)) { Title = "Mali <test>", StoreId = "store-under-test" };
    }

    private static string Export(ExportFormat format)
    {
        var writer = new StringWriter();
        Exporter.Write(format, Data(), writer);
        return writer.ToString();
    }

    [Fact]
    public void Csv_has_one_row_per_entry_that_reads_back_with_its_fields()
    {
        using var csv = CsvReader.FromText(Export(ExportFormat.Csv));
        var rows = new List<(string Id, string Earliest, string Latest, string Summary, string Deadline)>();
        while (csv.Read())
        {
            rows.Add((csv.GetString("event_id"), csv.GetString("earliest"), csv.GetString("latest"), csv.GetString("summary"), csv.GetString("deadline_id")));
        }

        Assert.Equal(CsvExport.Columns, csv.Headers);
        Assert.Equal(["set", "late-aug", "oct", "week", "year"], rows.Select(r => r.Id));
        Assert.Equal(("2023-08-21", "2023-08-31"), (rows[1].Earliest, rows[1].Latest));
        Assert.Equal(Data().Entries[0].Event.Summary, rows[0].Summary);
        Assert.Equal("minusma-withdrawal", rows[0].Deadline);
    }

    [Fact]
    public void Markdown_is_a_table_with_a_row_per_entry_and_the_deadlines()
    {
        var text = Export(ExportFormat.Markdown);
        var lines = text.Split('\n');

        Assert.Equal(5, lines.Count(l => l.StartsWith("| ", StringComparison.Ordinal) && l.Contains("Statement", StringComparison.Ordinal)));
        Assert.Contains("| \\~ | October 2023 | 2023-10-01 | 2023-10-31 | Handover |", text, StringComparison.Ordinal);
        Assert.Contains("| MINUSMA withdrawal complete (minusma-withdrawal) | **AT RISK** | 2023-12-31 | 76 days remaining |", text, StringComparison.Ordinal);
    }

    [Fact]
    public void TimelineJs_dates_follow_the_precision_and_deadlines_become_eras_from_set_to_due()
    {
        using var doc = JsonDocument.Parse(Export(ExportFormat.TimelineJs));
        var events = doc.RootElement.GetProperty("events").EnumerateArray().ToDictionary(e => e.GetProperty("unique_id").GetString()!);

        Assert.Equal(6, events.Count);
        Assert.Equal("""{"year":2023,"month":6,"day":30}""", Compact(events["set"].GetProperty("start_date")));
        Assert.False(events["set"].TryGetProperty("end_date", out _));
        Assert.Equal("""{"year":2023,"month":10}""", Compact(events["oct"].GetProperty("start_date")));
        Assert.Equal("""{"year":2020}""", Compact(events["year"].GetProperty("start_date")));
        Assert.Equal("""{"year":2023,"month":8,"day":21}""", Compact(events["late-aug"].GetProperty("start_date")));
        Assert.Equal("""{"year":2023,"month":8,"day":31}""", Compact(events["late-aug"].GetProperty("end_date")));
        Assert.Equal("""{"year":2023,"month":10,"day":15}""", Compact(events["week"].GetProperty("end_date")));
        Assert.Equal("late August 2023", events["late-aug"].GetProperty("display_date").GetString());
        Assert.Equal("Statement", events["set"].GetProperty("group").GetString());
        Assert.Equal("Deadline set", events["set"].GetProperty("text").GetProperty("headline").GetString());
        Assert.Contains("&lt;b&gt;", events["set"].GetProperty("text").GetProperty("text").GetString(), StringComparison.Ordinal);

        var era = Assert.Single(doc.RootElement.GetProperty("eras").EnumerateArray());
        Assert.Equal("""{"year":2023,"month":6,"day":30}""", Compact(era.GetProperty("start_date")));
        Assert.Equal("""{"year":2023,"month":12,"day":31}""", Compact(era.GetProperty("end_date")));
        Assert.Equal("MINUSMA withdrawal complete: AT RISK", era.GetProperty("text").GetProperty("headline").GetString());
    }

    [Fact]
    public void Ics_has_one_all_day_event_per_deadline_on_its_due_date_with_the_status()
    {
        var calendar = Ical.Net.Calendar.Load(Export(ExportFormat.Ics))!;


        var deadline = Assert.Single(calendar.Events);
        Assert.Equal("MINUSMA withdrawal complete: AT RISK", deadline.Summary);
        Assert.Equal(new DateOnly(2023, 12, 31), deadline.DtStart!.Date);
        Assert.False(deadline.DtStart.HasTime);
        Assert.Equal("minusma-withdrawal@store-under-test.timeline", deadline.Uid);
        Assert.Contains("DTSTART;VALUE=DATE:20231231", Export(ExportFormat.Ics), StringComparison.Ordinal);
    }

    [Fact]
    public void Html_is_one_page_that_fetches_nothing_and_carries_every_entry_as_data()
    {
        var html = Export(ExportFormat.Html);

        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        Assert.DoesNotContain(" src=", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<link", html, StringComparison.Ordinal);
        Assert.Contains("default-src 'none'", html, StringComparison.Ordinal);
        Assert.Contains("<title>Mali &lt;test&gt;</title>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>not bold</b>", html, StringComparison.Ordinal);
        var json = html[(html.IndexOf("id=\"timeline-data\">", StringComparison.Ordinal) + 19)..html.IndexOf("</script>", StringComparison.Ordinal)];
        using var data = JsonDocument.Parse(json);
        Assert.Equal(["set", "late-aug", "oct", "week", "year"], data.RootElement.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("event").GetProperty("eventId").GetString()));
        Assert.Equal("DEADLINE_STATE_AT_RISK", data.RootElement.GetProperty("deadlines")[0].GetProperty("state").GetString());

        // The served page's own files, the script and style admitted by their hashes alone.
        Assert.Contains(Timeline.TimelineServer.Page.PageEndpoints.Asset("app.js"), html, StringComparison.Ordinal);
        Assert.Contains(Timeline.TimelineServer.Page.PageEndpoints.Asset("app.css"), html, StringComparison.Ordinal);
        Assert.Contains("script-src 'sha256-", html, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", html, StringComparison.Ordinal);
        Assert.DoesNotContain("connect-src 'self'", html, StringComparison.Ordinal);
    }

    private static string Compact(JsonElement element) => JsonSerializer.Serialize(element);
}
