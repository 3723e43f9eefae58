using System.Text.Json;
using CsvHelper;
using Google.Protobuf;
using Timeline.IntegrationTests.Cli;
using Timeline.V1;

namespace Timeline.IntegrationTests.Export;

/// <summary>
/// Events before 1 CE through the real services and every export format (issue 13 §4), each read
/// back with a real parser of its format: JSON, CSV (CsvHelper), Markdown table rows, TimelineJS
/// JSON, iCalendar (Ical.Net: a deadline due in 44 BCE has no day there and is left out) and the
/// HTML page rendered by headless Chromium (each bar placed at a number, not NaN).
/// </summary>
public sealed class BceExportTests : IAsyncLifetime
{
    private CliHost host = null!;

    public async ValueTask InitializeAsync()
    {
        host = await CliHost.StartAsync();
        var file = Path.Combine(host.Folder, "antiquity.ndjson");
        await File.WriteAllLinesAsync(file,
        [
            """{"eventId":"ides-of-march","occurred":{"edtf":"-0044-03-15"},"title":"Caesar is killed","tags":["antiquity"]}""",
            """{"eventId":"punic-war","occurred":{"text":"from 218 BC to 201 BC","reference":"2023-10-16"},"title":"Second Punic War","tags":["antiquity"]}""",
            """{"eventId":"year-one","occurred":{"edtf":"0001"},"title":"Year one","tags":["antiquity"]}""",
            """{"eventId":"rubicon","occurred":{"edtf":"-0048-01-10"},"title":"Caesar crosses the Rubicon","tags":["antiquity"],"deadline":{"deadlineId":"senate-ultimatum","effect":"DEADLINE_EFFECT_TYPE_SET","title":"Caesar disbands his army","due":{"edtf":"-0048-03-01"}}}""",
            """{"eventId":"modern","occurred":{"edtf":"2023-06-30"},"title":"A modern deadline","tags":["antiquity"],"deadline":{"deadlineId":"modern","effect":"DEADLINE_EFFECT_TYPE_SET","title":"Modern","due":{"edtf":"2023-12-31"}}}""",
        ], TestContext.Current.CancellationToken);
        var import = await host.RunAsync("import", file);
        Assert.Equal(0, import.ExitCode);
    }

    public async ValueTask DisposeAsync() => await host.DisposeAsync();

    private async Task<string> ExportAsync(string format)
    {
        var path = Path.Combine(host.Folder, $"export.{format}");
        var result = await host.RunAsync("export", "--format", format, "--tag", "antiquity", "--as-of", "2023-10-16", "--out", path);
        Assert.Equal(0, result.ExitCode);
        return await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Json_csv_and_markdown_carry_the_bce_days_in_order()
    {
        // The export is one object with entries and deadlines; with unknown fields ignored it reads as a GetTimelineResponse.
        var json = new JsonParser(JsonParser.Settings.Default.WithIgnoreUnknownFields(true)).Parse<GetTimelineResponse>(await ExportAsync("json"));
        Assert.Equal(["punic-war", "rubicon", "ides-of-march", "year-one", "modern"], json.Entries.Select(e => e.Event.EventId));
        Assert.Equal(("-0044-03-15", "15 Mar 45 BCE"), (json.Entries[2].Event.Occurred.Earliest, json.Entries[2].DisplayDate));

        using var csv = CsvReader.FromText(await ExportAsync("csv"));
        var rows = new List<(string Id, string Earliest, string Latest, string Display)>();
        while (csv.Read())
        {
            rows.Add((csv.GetString("event_id"), csv.GetString("earliest"), csv.GetString("latest"), csv.GetString("display_date")));
        }

        // A BCE day starts with '-', which a spreadsheet would compute: the CSV writes it as text ('-0217-01-01, docs/EXPORTS.md).
        Assert.Equal(("punic-war", "'-0217-01-01", "'-0200-12-31", "218 BCE – 201 BCE"), rows[0]);
        Assert.Equal(("ides-of-march", "'-0044-03-15", "'-0044-03-15", "15 Mar 45 BCE"), rows[2]);

        var markdown = await ExportAsync("markdown");
        Assert.Contains("| 15 Mar 45 BCE | -0044-03-15 | -0044-03-15 | Caesar is killed |", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Timelinejs_writes_astronomical_years_and_ics_leaves_out_a_deadline_due_before_1_ce()
    {
        using var doc = JsonDocument.Parse(await ExportAsync("timelinejs"));
        var events = doc.RootElement.GetProperty("events").EnumerateArray().ToDictionary(e => e.GetProperty("unique_id").GetString()!);
        Assert.Equal("""{"year":-44,"month":3,"day":15}""", JsonSerializer.Serialize(events["ides-of-march"].GetProperty("start_date")));
        Assert.Equal("15 Mar 45 BCE", events["ides-of-march"].GetProperty("display_date").GetString());

        var calendar = Ical.Net.Calendar.Load(await ExportAsync("ics"))!;
        var only = Assert.Single(calendar.Events);
        Assert.Equal(new DateOnly(2023, 12, 31), only.DtStart!.Date);
        Assert.Matches("^modern@[0-9a-f]{16}\\.timeline$", only.Uid);
    }

    [Fact]
    public async Task The_html_page_places_every_bce_bar()
    {
        await ExportAsync("html");
        var dom = await HtmlExportChromiumTests.DumpDomAsync(Path.Combine(host.Folder, "export.html"));

        Assert.Equal(5, HtmlExportChromiumTests.EntryElements().Matches(dom).Count);
        Assert.True(HtmlExportChromiumTests.BarElements().Matches(dom).Count == 5, dom[..Math.Min(dom.Length, 4000)]);
        Assert.Matches(@"<span[^>]*>\d+ BCE</span>", dom);
    }
}
