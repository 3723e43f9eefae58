using System.Text.Json.Nodes;
using Google.Protobuf;
using Timeline.V1;

namespace Timeline.IntegrationTests.Cli;

/// <summary>
/// `timeline extract … -o json > draft.json`, edit, `timeline import draft.json`, against both real
/// services: the draft's dates are stored with the bounds the draft showed, re-importing it changes
/// nothing, and its deadline effects move the deadline's status.
/// </summary>
public sealed class ExtractRoundTripTests
{
    private const string Report = """
        Rebels seize Ber as the army prepares its return

        Rebels seized the town of Ber on Sunday (15 October), residents said. Fighting has gone on in the region since late August.
        The governor said on Saturday (14 October) that the army would retake the town by 31 December.
        The governor also said he does not foresee any extension of this deadline.
        """;

    [Fact]
    public async Task The_json_draft_imports_after_an_edit_with_the_dates_and_effects_it_showed()
    {
        await using var host = await CliHost.StartAsync();
        var article = Path.Combine(host.Folder, "ber.txt");
        await File.WriteAllTextAsync(article, Report, TestContext.Current.CancellationToken);

        var extract = await host.RunAsync("extract", article, "--published", "2023-10-16", "--source", "Example Wire", "-o", "json");
        Assert.True(extract.ExitCode == 0, extract.Stderr);

        // A person edits the draft: a better title for the first event, and the deadline's own id.
        var draft = JsonNode.Parse(extract.Stdout)!;
        var events = draft["events"]!.AsArray();
        var seized = events.Single(e => (string?)e!["occurred"]!["text"] == "on Sunday (15 October)")!;
        seized["title"] = "Rebels take Ber";
        var draftFile = Path.Combine(host.Folder, "draft.json");
        await File.WriteAllTextAsync(draftFile, draft.ToJsonString(), TestContext.Current.CancellationToken);

        var import = await host.RunAsync("import", draftFile);
        Assert.True(import.ExitCode == 0, import.Stderr);
        Assert.Contains($"{events.Count} read, {events.Count} stored, 0 unchanged", import.Stdout, StringComparison.Ordinal);
        var again = await host.RunAsync("import", draftFile);
        Assert.Contains($"{events.Count} read, 0 stored, {events.Count} unchanged", again.Stdout, StringComparison.Ordinal);

        var show = await host.RunAsync("show", "-o", "json");
        var entries = JsonParser.Default.Parse<GetTimelineResponse>(show.Stdout.Trim()).Entries;
        Assert.Equal(events.Count, entries.Count);
        var ber = Assert.Single(entries, e => e.Event.Title == "Rebels take Ber");
        Assert.Equal(("2023-10-15", "2023-10-15"), (ber.Event.Occurred.Earliest, ber.Event.Occurred.Latest));
        Assert.Equal("Example Wire", ber.Event.Source.Name);
        // Each date was stored as the draft showed it: its bounds and EDTF beside its words.
        foreach (var shown in events)
        {
            var occurred = shown!["occurred"]!;
            var stored = Assert.Single(entries, e => e.Event.EventId == (string?)shown["eventId"]).Event.Occurred;
            Assert.Equal(((string?)occurred["earliest"], (string?)occurred["latest"], (string?)occurred["edtf"]), (stored.Earliest, stored.Latest, stored.Edtf));
        }

        var fighting = Assert.Single(entries, e => e.Event.Occurred.Text == "since late August");
        Assert.Equal(("2023-08-21", "2023-08-31"), (fighting.Event.Occurred.Earliest, fighting.Event.Occurred.Latest));

        // The governor's statement sets the deadline (the text's first word of it) and reaffirms it with no extension.
        var deadlines = await host.RunAsync("deadlines", "--as-of", "2023-10-16", "-o", "json");
        Assert.True(deadlines.ExitCode == 0, deadlines.Stderr);
        var status = Assert.Single(JsonParser.Default.Parse<ListDeadlinesResponse>(deadlines.Stdout.Trim()).Deadlines);
        Assert.Equal(DeadlineState.OnTrack, status.State);
        Assert.Equal("2023-12-31", status.Due.Latest);
        Assert.Equal(76, status.DaysRemaining);
    }

    [Fact]
    public async Task The_seed_report_appended_at_once_puts_the_sample_deadline_at_risk()
    {
        var seed = Path.GetFullPath(Path.Combine(RepoPaths.Root, "..", "shared", "seeds", "mali-minusma-withdrawal-2023-10.txt"));
        if (!File.Exists(seed))
        {
            Assert.Skip($"the seed report is not at {seed} (../shared/seeds beside the repository)");
        }

        await using var host = await CliHost.StartAsync();

        // Only the Security Council's decision of 30 June 2023 from the sample: the report itself never sets the deadline.
        var sample = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(RepoPaths.Samples, "mali-minusma-2023-10.json"), TestContext.Current.CancellationToken))!;
        var setting = sample["events"]!.AsArray().Single(e => (string?)e!["deadline"]?["effect"] == "DEADLINE_EFFECT_TYPE_SET")!;
        var setFile = Path.Combine(host.Folder, "set.json");
        await File.WriteAllTextAsync(setFile, new JsonObject { ["events"] = new JsonArray(setting.DeepClone()) }.ToJsonString(), TestContext.Current.CancellationToken);
        Assert.Equal(0, (await host.RunAsync("import", setFile)).ExitCode);

        var append = await host.RunAsync("extract", seed, "--published", "2023-10-16", "--deadline-id", "minusma-withdrawal", "--append");
        Assert.True(append.ExitCode == 0, append.Stderr);
        Assert.Contains("8 read, 8 stored, 0 unchanged, 0 revised, 0 refused", append.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("never been set", append.Stderr, StringComparison.Ordinal);

        var deadlines = await host.RunAsync("deadlines", "--as-of", "2023-10-16", "-o", "json");
        var status = Assert.Single(JsonParser.Default.Parse<ListDeadlinesResponse>(deadlines.Stdout.Trim()).Deadlines);
        Assert.Equal(DeadlineState.AtRisk, status.State);
        Assert.Equal(76, status.DaysRemaining);
        Assert.Contains(status.Reasons, r => r.Effect == DeadlineEffectType.Risk && r.Occurred.Earliest == "2023-10-14");
    }
}
