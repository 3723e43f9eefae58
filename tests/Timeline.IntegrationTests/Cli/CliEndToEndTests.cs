using Google.Protobuf;
using Timeline.Cli;
using Timeline.Cli.Hosting;
using Timeline.Storage.V1;
using Timeline.V1;

namespace Timeline.IntegrationTests.Cli;

/// <summary>
/// The CLI's commands against both real services (Kestrel on loopback ports, a real SQLite file),
/// run in-process through the same command tree `timeline` parses, with --output json checked
/// against the contract's own JSON mapping.
/// </summary>
public sealed class CliEndToEndTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly string folder = Path.Combine(Path.GetTempPath(), "timeline-tests", Guid.NewGuid().ToString("N"));
    private EmbeddedServices services = null!;

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(folder);
        var options = new EmbeddedOptions(Path.Combine(folder, "timeline.db"), "http://127.0.0.1:0", "http://127.0.0.1:0");
        services = await EmbeddedServices.StartAsync(options, CancellationToken.None).WaitAsync(Timeout);
    }

    public async ValueTask DisposeAsync()
    {
        await services.DisposeAsync().AsTask().WaitAsync(Timeout);
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task Import_is_idempotent_and_says_so()
    {
        var seed = Path.Combine(RepoPaths.Samples, "mali-minusma-2023-10.json");

        var first = await RunAsync("import", seed);
        var again = await RunAsync("import", seed);

        Assert.Equal(0, first.ExitCode);
        Assert.Contains("9 read, 9 stored, 0 unchanged, 0 revised, 0 refused", first.Stdout, StringComparison.Ordinal);
        Assert.Contains("9 read, 0 stored, 9 unchanged, 0 revised, 0 refused", again.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Show_as_json_is_the_timeline_response_in_chronological_order()
    {
        await RunAsync("import", Path.Combine(RepoPaths.Samples, "mali-minusma-2023-10.json"));

        var result = await RunAsync("show", "--tag", "mali", "--output", "json");

        Assert.Equal(0, result.ExitCode);
        var response = JsonParser.Default.Parse<GetTimelineResponse>(result.Stdout.Trim());
        Assert.Equal(9, response.Entries.Count);
        Assert.Equal("mali-2020-junta-takes-power", response.Entries[0].Event.EventId);
        Assert.Equal("2020-01-01", response.Entries[0].Event.Occurred.Earliest);
        Assert.False(response.Entries[0].OrderUncertain);
        var lateAugust = response.Entries.Where(e => e.Event.Occurred.Text == "since late August").ToList();
        Assert.All(lateAugust, e => Assert.Equal("2023-08-21", e.Event.Occurred.Earliest));
        Assert.All(lateAugust, e => Assert.True(e.OrderUncertain));
    }

    [Fact]
    public async Task Deadlines_as_of_the_report_date_are_at_risk_with_76_days_left()
    {
        await RunAsync("import", Path.Combine(RepoPaths.Samples, "mali-minusma-2023-10.json"));

        var json = await RunAsync("deadlines", "--as-of", "2023-10-16", "-o", "json");
        var text = await RunAsync("deadlines", "--as-of", "2023-10-16");

        var status = Assert.Single(JsonParser.Default.Parse<ListDeadlinesResponse>(json.Stdout.Trim()).Deadlines);
        Assert.Equal(DeadlineState.AtRisk, status.State);
        Assert.Equal(76, status.DaysRemaining);
        Assert.Equal("2023-12-31", status.Due.Latest);
        Assert.Contains("AT RISK", text.Stdout, StringComparison.Ordinal);
        Assert.Contains("76", text.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replay_prints_one_json_object_per_status_change()
    {
        await RunAsync("import", Path.Combine(RepoPaths.Samples, "mali-minusma-2023-10.json"));
        await RunAsync("import", Path.Combine(RepoPaths.Samples, "mali-minusma-followup.json"));

        var result = await RunAsync("replay", "--from", "2023-01-01", "--to", "2023-12-31", "--output", "json");

        Assert.Equal(0, result.ExitCode);
        var changes = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonParser.Default.Parse<ReplayDeadlinesResponse>(line).Change)
            .ToList();
        Assert.Equal(
            [DeadlineState.OnTrack, DeadlineState.AtRisk, DeadlineState.OnTrack, DeadlineState.Met],
            changes.Select(c => c.State));
        Assert.Equal(["2023-06-30", "2023-10-14", "2023-11-14", "2023-12-31"], changes.Select(c => c.Since));
    }

    [Fact]
    public async Task Add_prints_the_stored_revision_and_the_resolved_bounds_and_history_lists_revisions()
    {
        var first = await RunAsync(
            "add", "--id", "ex-1", "--title", "Fighting in the north", "--date", "since late August", "--reference", "2023-10-16",
            "--tag", "mali", "--country", "MLI");
        var corrected = await RunAsync("add", "--id", "ex-1", "--title", "Fighting in the north", "--date", "2023-09");
        var history = await RunAsync("history", "ex-1", "-o", "json");

        Assert.Equal(0, first.ExitCode);
        Assert.Contains("Stored: ex-1 revision 1", first.Stdout, StringComparison.Ordinal);
        Assert.Contains("2023-08-21 .. 2023-08-31", first.Stdout, StringComparison.Ordinal);
        Assert.Contains("revision 2", corrected.Stdout, StringComparison.Ordinal);
        var revisions = JsonParser.Default.Parse<GetEventHistoryResponse>(history.Stdout.Trim()).Revisions;
        Assert.Equal([1L, 2L], revisions.Select(r => r.Revision));
    }

    [Fact]
    public async Task A_refused_event_prints_the_refused_field_on_stderr_and_exits_non_zero()
    {
        var result = await RunAsync("add", "--title", "Soon", "--date", "sometime soonish", "--reference", "2023-10-16");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("(InvalidArgument)", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("occurred", result.Stderr, StringComparison.Ordinal);
        Assert.Equal("", result.Stdout);
    }

    [Fact]
    public async Task Importing_ndjson_reads_one_event_per_line()
    {
        var events = global::Timeline.Cli.Infrastructure.EventFiles.Read(Path.Combine(RepoPaths.Samples, "mali-minusma-followup.json"));
        var path = Path.Combine(folder, "followup.ndjson");
        await File.WriteAllLinesAsync(path, events.Select(e => JsonFormatter.Default.Format(e)), TestContext.Current.CancellationToken);

        var result = await RunAsync("import", path, "--batch-size", "1", "-o", "json");

        Assert.Equal(0, result.ExitCode);
        var responses = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(JsonParser.Default.Parse<AppendEventsResponse>).ToList();
        Assert.Equal(4, responses.Count);
        Assert.All(responses, r => Assert.Single(r.Results));
    }

    private async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        string[] all = [.. args, "--storage", services.StorageAddress.ToString(), "--timeline", services.TimelineAddress.ToString()];
        var exitCode = await CliApp.RunAsync(CliContext.ForWriters(stdout, stderr), all, ct: TestContext.Current.CancellationToken).WaitAsync(Timeout, TestContext.Current.CancellationToken);
        return (exitCode, stdout.ToString(), stderr.ToString());
    }
}
