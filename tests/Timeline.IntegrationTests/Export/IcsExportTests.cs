using Timeline.IntegrationTests.Cli;

namespace Timeline.IntegrationTests.Export;

/// <summary>
/// `timeline export --format ics` through both real services, read back with Ical.Net's parser:
/// the deadline keeps its UID as its status moves while SEQUENCE and LAST-MODIFIED advance, so a
/// calendar client replaces the old event; another store gives other UIDs for the same deadline
/// id; and what matched but a format cannot carry (events in iCalendar, deadline statuses in CSV)
/// is named on stderr rather than reported as written.
/// </summary>
public sealed class IcsExportTests : IAsyncLifetime
{
    private CliHost host = null!;

    public async ValueTask InitializeAsync()
    {
        host = await CliHost.StartAsync();
        await host.RunAsync("import", Path.Combine(RepoPaths.Samples, "mali-minusma-2023-10.json"));
        await host.RunAsync("import", Path.Combine(RepoPaths.Samples, "mali-minusma-followup.json"));
    }

    public async ValueTask DisposeAsync() => await host.DisposeAsync();

    [Fact]
    public async Task As_the_status_moves_the_uid_stays_and_sequence_and_last_modified_advance()
    {
        var onTrack = await ExportAsync(host, "2023-10-01");
        var atRisk = await ExportAsync(host, "2023-10-16");
        var met = await ExportAsync(host, "2024-01-15");
        var atRiskAgain = await ExportAsync(host, "2023-10-16");

        Assert.Equal(["ON TRACK", "AT RISK", "MET"], new[] { onTrack, atRisk, met }.Select(e => e.Summary![(e.Summary!.LastIndexOf(": ", StringComparison.Ordinal) + 2)..]));
        Assert.Single(new[] { onTrack, atRisk, met }.Select(e => e.Uid).Distinct());
        Assert.True(onTrack.Sequence < atRisk.Sequence && atRisk.Sequence < met.Sequence, $"SEQUENCE {onTrack.Sequence}, {atRisk.Sequence}, {met.Sequence}");
        Assert.True(onTrack.LastModified!.AsUtc < atRisk.LastModified!.AsUtc && atRisk.LastModified.AsUtc < met.LastModified!.AsUtc, "LAST-MODIFIED must advance");
        Assert.Equal((atRisk.Sequence, atRisk.LastModified.AsUtc), (atRiskAgain.Sequence, atRiskAgain.LastModified!.AsUtc));
    }

    [Fact]
    public async Task Another_store_gives_the_same_deadline_another_uid_and_the_same_store_the_same_one()
    {
        await using var other = await CliHost.StartAsync();
        await other.RunAsync("import", Path.Combine(RepoPaths.Samples, "mali-minusma-2023-10.json"));

        var here = await ExportAsync(host, "2023-10-16");
        var hereAgain = await ExportAsync(host, "2023-10-16");
        var there = await ExportAsync(other, "2023-10-16");

        Assert.StartsWith("minusma-withdrawal@", here.Uid, StringComparison.Ordinal);
        Assert.StartsWith("minusma-withdrawal@", there.Uid, StringComparison.Ordinal);
        Assert.NotEqual(here.Uid, there.Uid);
        Assert.Equal(here.Uid, hereAgain.Uid);
    }

    [Fact]
    public async Task An_export_matching_nothing_is_a_calendar_a_parser_accepts_named_by_the_title()
    {
        var path = Path.Combine(host.Folder, "none.ics");

        var export = await host.RunAsync("export", "--format", "ics", "--tag", "no-such-tag", "--title", "Nothing here", "--out", path);
        var text = await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken);
        var calendar = Ical.Net.Calendar.Load(text)!;

        Assert.Equal(0, export.ExitCode);
        Assert.Equal($"Wrote 0 deadlines to {path} (ics)", export.Stdout.Trim());
        Assert.Equal("", export.Stderr);
        Assert.Empty(calendar.Events);
        Assert.NotEmpty(calendar.Children);
        Assert.Equal(Ical.Net.Components.Standard, Assert.Single(Assert.Single(calendar.TimeZones).TimeZoneInfos).Name);
        Assert.Equal("Nothing here", calendar.Properties.Get<string>("NAME"));
        Assert.Equal("Nothing here", calendar.Properties.Get<string>("X-WR-CALNAME"));
    }

    [Fact]
    public async Task An_export_of_events_without_deadlines_says_the_calendar_holds_none_of_them_and_where_they_are()
    {
        var path = Path.Combine(host.Folder, "north.ics");

        var toFile = await host.RunAsync("export", "--format", "ics", "--tag", "north", "--out", path);
        var toStdout = await host.RunAsync("export", "--format", "ics", "--tag", "north");
        var csv = await host.RunAsync("export", "--format", "csv", "--tag", "north");
        var calendar = Ical.Net.Calendar.Load(await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken))!;

        const string Note = "note: iCalendar carries deadlines only: the 3 events matched are not in it; use --format json, csv, markdown, timelinejs or html for events";
        Assert.Equal((0, 0), (toFile.ExitCode, toStdout.ExitCode));
        Assert.Equal($"Wrote 0 deadlines to {path} (ics)", toFile.Stdout.Trim());
        Assert.Equal(Note, toFile.Stderr.Trim());
        Assert.Equal(Note, toStdout.Stderr.Trim());
        Assert.Empty(calendar.Events);
        Assert.Empty(Ical.Net.Calendar.Load(toStdout.Stdout)!.Events);
        Assert.Equal((0, ""), (csv.ExitCode, csv.Stderr));
    }

    [Fact]
    public async Task A_csv_export_says_the_deadline_statuses_are_not_in_it()
    {
        var path = Path.Combine(host.Folder, "minusma.csv");

        var export = await host.RunAsync("export", "--format", "csv", "--tag", "minusma", "--out", path);

        // The two samples hold 8 events tagged minusma, bearing on one deadline.
        Assert.Equal(0, export.ExitCode);
        Assert.Equal($"Wrote 8 events to {path} (csv)", export.Stdout.Trim());
        Assert.Equal(
            "note: CSV carries events only (each row names its deadline): the status of the 1 deadline they bear on is not in it; use --format json, markdown, timelinejs, ics or html for deadlines",
            export.Stderr.Trim());
    }

    private static async Task<Ical.Net.CalendarComponents.CalendarEvent> ExportAsync(CliHost on, string asOf)
    {
        var result = await on.RunAsync("export", "--format", "ics", "--tag", "minusma", "--as-of", asOf);
        Assert.True(result.ExitCode == 0, result.Stderr);
        var calendar = Ical.Net.Calendar.Load(result.Stdout)!;
        return Assert.Single(calendar.Events);
    }
}
