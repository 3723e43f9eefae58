using Google.Protobuf;
using Timeline.Storage.V1;
using Timeline.Tests.Shared.Acled;
using Timeline.V1;

namespace Timeline.IntegrationTests.Cli;

/// <summary>
/// `timeline import --format acled` on ACLED's real Mali files (../shared/data, test input only,
/// never copied into the repository) through both real services: corrections between two pulls
/// become revisions, nothing is duplicated, and a re-import changes nothing.
/// </summary>
public sealed class AcledImportEndToEndTests : IAsyncLifetime
{
    private static readonly string Data = Path.GetFullPath(Path.Combine(RepoPaths.Root, "..", "shared", "data"));
    private static readonly string Older = Path.Combine(Data, "acled-mali-api-2020", "Processed_Acled_Mali_2020-07_older-revision.csv");
    private static readonly string Newer = Path.Combine(Data, "acled-mali-api-2020", "Processed_Acled_Mali_2020-11.csv");
    private static readonly string Hdx = Path.Combine(Data, "acled-mali-hdx-2020-07", "conflict_data_mli.csv");
    private CliHost host = null!;

    public async ValueTask InitializeAsync()
    {
        Assert.True(File.Exists(Newer), $"ACLED test data missing: {Newer} (the shared data folder sits beside the repository)");
        host = await CliHost.StartAsync();
    }

    public async ValueTask DisposeAsync() => await host.DisposeAsync();

    [Fact]
    public async Task The_newer_pull_after_the_older_stores_corrections_as_revisions_and_duplicates_nothing()
    {
        var older = await host.RunAsync("import", Older, "--format", "acled");
        var olderAgain = await host.RunAsync("import", Older, "--format", "acled");
        var newer = await host.RunAsync("import", Newer, "--format", "acled");
        var newerAgain = await host.RunAsync("import", Newer, "--format", "acled");

        Assert.Equal(0, older.ExitCode);
        Assert.Contains("Processed_Acled_Mali_2020-07_older-revision.csv: 3906 read, 3906 stored, 0 unchanged, 0 revised, 0 refused", older.Stdout, StringComparison.Ordinal);
        Assert.Contains("3906 read, 0 stored, 3906 unchanged, 0 revised, 0 refused", olderAgain.Stdout, StringComparison.Ordinal);
        Assert.Contains("Processed_Acled_Mali_2020-11.csv: 4318 read, 412 stored, 2817 unchanged, 1089 revised, 0 refused", newer.Stdout, StringComparison.Ordinal);
        Assert.Contains("4318 read, 0 stored, 4318 unchanged, 0 revised, 0 refused", newerAgain.Stdout, StringComparison.Ordinal);

        var history = await HistoryAsync("MLI3169");
        Assert.Equal([("2019-05-09", "2019-05-09"), ("2019-09-05", "2019-09-05")], history.Select(r => (r.Occurred.Earliest, r.Occurred.Latest)));

        var show = await host.RunAsync("show", "--country", "MLI", "-o", "json");
        var entries = JsonParser.Default.Parse<GetTimelineResponse>(show.Stdout.Trim()).Entries;
        Assert.Equal(4318, entries.Count);
        Assert.Equal(4318, entries.Select(e => e.Event.EventId).Distinct().Count());
    }

    [Fact]
    public async Task The_hdx_file_reads_3990_events_and_the_api_pull_then_moves_MLI4105_to_week_precision()
    {
        var hdx = await host.RunAsync("import", Hdx, "--format", "acled");
        var hdxAgain = await host.RunAsync("import", Hdx);
        var newer = await host.RunAsync("import", Newer, "--format", "acled");

        Assert.Equal(0, hdx.ExitCode);
        Assert.Contains("conflict_data_mli.csv: 3990 read, 3990 stored, 0 unchanged, 0 revised, 0 refused", hdx.Stdout, StringComparison.Ordinal);
        Assert.Contains("3990 read, 0 stored, 3990 unchanged, 0 revised, 0 refused", hdxAgain.Stdout, StringComparison.Ordinal);
        Assert.Contains("4318 read, 328 stored, 2876 unchanged, 1114 revised, 0 refused", newer.Stdout, StringComparison.Ordinal);

        var history = await HistoryAsync("MLI4105");
        Assert.Equal(2, history.Count);
        Assert.Equal(("2020-07-27", "2020-07-27", "1"), (history[0].Occurred.Earliest, history[0].Occurred.Latest, history[0].Attributes["time_precision"]));

        // Precision 2: the ISO week (Monday to Sunday) around ACLED's day 2020-07-26, which is kept as an attribute.
        Assert.Equal(("2020-07-20", "2020-07-26", "2", "2020-07-26"), (history[1].Occurred.Earliest, history[1].Occurred.Latest, history[1].Attributes["time_precision"], history[1].Attributes["event_date"]));
        Assert.Equal("2020-07-20/2020-07-26", history[1].Occurred.Edtf);
    }

    [Fact]
    public async Task A_monadic_export_of_the_real_pulls_stores_the_same_events_and_a_reimport_changes_nothing()
    {
        var (olderMonadic, olderRows) = AcledDerivedFiles.Monadic(Older, host.Folder, "older-monadic.csv");
        var (newerMonadic, newerRows) = AcledDerivedFiles.Monadic(Newer, host.Folder, "newer-monadic.csv");

        var older = await host.RunAsync("import", olderMonadic);
        var olderAgain = await host.RunAsync("import", olderMonadic, "--format", "acled");
        var newer = await host.RunAsync("import", newerMonadic);
        var newerAgain = await host.RunAsync("import", newerMonadic);
        var newerDyadic = await host.RunAsync("import", Newer);

        Assert.Equal(0, older.ExitCode);
        Assert.Contains($"older-monadic.csv: ACLED monadic export (one row per actor: {olderRows} rows are 3906 events)", older.Stdout, StringComparison.Ordinal);
        Assert.Contains($"older-monadic.csv: {olderRows} read, 3906 stored, 0 unchanged, 0 revised, 0 refused", older.Stdout, StringComparison.Ordinal);
        Assert.Contains($"{olderRows} read, 0 stored, 3906 unchanged, 0 revised, 0 refused", olderAgain.Stdout, StringComparison.Ordinal);

        // The corrections between the two pulls are the same revisions as from the dyadic files.
        Assert.Contains($"newer-monadic.csv: {newerRows} read, 412 stored, 2817 unchanged, 1089 revised, 0 refused", newer.Stdout, StringComparison.Ordinal);
        Assert.Contains($"{newerRows} read, 0 stored, 4318 unchanged, 0 revised, 0 refused", newerAgain.Stdout, StringComparison.Ordinal);
        Assert.Contains("Processed_Acled_Mali_2020-11.csv: ACLED dyadic export (one row per event)", newerDyadic.Stdout, StringComparison.Ordinal);
        Assert.Contains("4318 read, 0 stored, 4318 unchanged, 0 revised, 0 refused", newerDyadic.Stdout, StringComparison.Ordinal);

        var history = await HistoryAsync("MLI3169");
        Assert.Equal([("2019-05-09", "2019-05-09"), ("2019-09-05", "2019-09-05")], history.Select(r => (r.Occurred.Earliest, r.Occurred.Latest)));

        // The attacker of a monadic event is still found by its name (before, only the last row's actor was kept).
        var coup = Assert.Single(await HistoryAsync("MLI4212"));
        var attacker = coup.Actors[0];
        var byAttacker = await host.RunAsync("show", "--actor", attacker, "-o", "json");
        var byAttacked = await host.RunAsync("show", "--actor", coup.Actors[^1], "-o", "json");
        Assert.Contains(JsonParser.Default.Parse<GetTimelineResponse>(byAttacker.Stdout.Trim()).Entries, e => e.Event.EventId == "MLI4212");
        Assert.Contains(JsonParser.Default.Parse<GetTimelineResponse>(byAttacked.Stdout.Trim()).Entries, e => e.Event.EventId == "MLI4212");
    }

    [Fact]
    public async Task Real_rows_moved_to_countries_outside_the_old_table_are_stored_with_their_codes()
    {
        var ukraine = AcledDerivedFiles.InCountry(Hdx, host.Folder, "ukraine.csv", 40, "Ukraine", "804", "UKR", "UKR");
        var congo = AcledDerivedFiles.InCountry(Hdx, host.Folder, "congo.csv", 30, "Democratic Republic of Congo", "180", null, "COD");
        var ivoryCoast = AcledDerivedFiles.InCountry(Hdx, host.Folder, "ivory-coast.csv", 20, "Ivory Coast", null, null, "CIV");

        var results = new[] { await host.RunAsync("import", ukraine), await host.RunAsync("import", congo), await host.RunAsync("import", ivoryCoast) };

        Assert.All(results, r => Assert.Equal(0, r.ExitCode));
        Assert.Contains("ukraine.csv: 40 read, 40 stored, 0 unchanged, 0 revised, 0 refused", results[0].Stdout, StringComparison.Ordinal);
        Assert.Contains("congo.csv: 30 read, 30 stored, 0 unchanged, 0 revised, 0 refused", results[1].Stdout, StringComparison.Ordinal);
        Assert.Contains("ivory-coast.csv: 20 read, 20 stored, 0 unchanged, 0 revised, 0 refused", results[2].Stdout, StringComparison.Ordinal);
        foreach (var (country, count, tag) in new[] { ("UKR", 40, "ukraine"), ("COD", 30, "democratic-republic-of-congo"), ("CIV", 20, "ivory-coast") })
        {
            var show = await host.RunAsync("show", "--country", country, "-o", "json");
            var entries = JsonParser.Default.Parse<GetTimelineResponse>(show.Stdout.Trim()).Entries;
            Assert.Equal(count, entries.Count);
            Assert.All(entries, e => Assert.Equal((country, true), (e.Event.Location.Country, e.Event.Tags.Contains(tag))));
        }
    }

    private async Task<IReadOnlyList<EventRecord>> HistoryAsync(string eventId)
    {
        var result = await host.RunAsync("history", eventId, "-o", "json");
        Assert.Equal(0, result.ExitCode);
        return JsonParser.Default.Parse<GetEventHistoryResponse>(result.Stdout.Trim()).Revisions;
    }
}
