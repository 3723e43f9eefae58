using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using Timeline.Cli;
using Timeline.Storage.V1;
using Timeline.V1;
using static Timeline.Tests.Shared.TestTokens;

namespace Timeline.IntegrationTests.Cli;

/// <summary>
/// Both services with tokens: the CLI sends its token (--token or TIMELINE_TOKEN) on every call to
/// either service, and `history` shows the token name each revision was appended with.
/// </summary>
public sealed class CliTokenTests : IAsyncLifetime
{
    private const string Editor = "editor-token-3f9a";
    private const string Reader = "reader-token-77c1";
    private const string Writer = "writer-token-5d20";
    private const string TimelineToStorage = "timeline-to-storage-8b2e";
    private CliHost host = null!;

    public async ValueTask InitializeAsync()
    {
        host = await CliHost.StartAsync(
            storageArgs:
            [
                "--Auth:Tokens:editor:Sha256", Hash(Editor), "--Auth:Tokens:editor:Scopes:0", "events:write", "--Auth:Tokens:editor:Scopes:1", "events:read",
                "--Auth:Tokens:reader:Sha256", Hash(Reader), "--Auth:Tokens:reader:Scopes:0", "events:read",
                "--Auth:Tokens:writer:Sha256", Hash(Writer), "--Auth:Tokens:writer:Scopes:0", "events:write",
                "--Auth:Tokens:timeline-service:Sha256", Hash(TimelineToStorage), "--Auth:Tokens:timeline-service:Scopes:0", "events:read",
            ],
            timelineArgs:
            [
                "--Auth:Tokens:editor:Sha256", Hash(Editor), "--Auth:Tokens:editor:Scopes:0", "timeline:read",
                "--Auth:Tokens:reader:Sha256", Hash(Reader), "--Auth:Tokens:reader:Scopes:0", "timeline:read",
                "--Auth:Tokens:writer:Sha256", Hash(Writer), "--Auth:Tokens:writer:Scopes:0", "timeline:read",
                "--Timeline:StorageToken", TimelineToStorage,
            ]);
    }

    public async ValueTask DisposeAsync() => await host.DisposeAsync();

    [Fact]
    public async Task The_token_reaches_both_services_and_history_shows_who_recorded_each_revision()
    {
        var import = await host.RunAsync("import", Path.Combine(RepoPaths.Samples, "mali-minusma-2023-10.json"), "--token", Editor);
        var first = await host.RunAsync("add", "--id", "cli-note", "--title", "A note", "--date", "2023-10-15", "--tag", "mali", "--token", Editor);
        var add = await host.RunAsync("add", "--id", "cli-note", "--title", "A note, corrected", "--date", "2023-10-15", "--tag", "mali", "--token", Editor);
        var environment = new Dictionary<string, string> { [CliContext.TokenVariable] = Reader };
        var history = await host.RunAsync(environment, "history", "cli-note", "-o", "json");
        var historyTable = await host.RunAsync(environment, "history", "cli-note");
        var show = await host.RunAsync(environment, "show", "--tag", "mali", "-o", "json");
        var export = await host.RunAsync(environment, "export", "--format", "ics", "--as-of", "2023-10-16");

        Assert.Equal(0, import.ExitCode);
        Assert.Equal((0, 0), (first.ExitCode, add.ExitCode));
        var revisions = JsonParser.Default.Parse<GetEventHistoryResponse>(history.Stdout.Trim()).Revisions;
        Assert.Equal(["editor", "editor"], revisions.Select(r => r.RecordedBy));
        Assert.Contains("Recorded by", historyTable.Stdout, StringComparison.Ordinal);
        Assert.Contains("\teditor\t", historyTable.Stdout, StringComparison.Ordinal);
        Assert.Equal(10, JsonParser.Default.Parse<GetTimelineResponse>(show.Stdout.Trim()).Entries.Count);
        Assert.Contains("SUMMARY:MINUSMA withdrawal from Mali complete: AT RISK", export.Stdout, StringComparison.Ordinal);
    }

    /// <summary>
    /// `add` shows what was stored from the append's answer, which carries the committed record
    /// (issue 29): a token that may append but not read gets the whole answer, where reading it
    /// back (GetEvent) would be refused.
    /// </summary>
    [Fact]
    public async Task Add_prints_the_committed_record_from_the_append_alone_even_for_a_token_that_may_not_read()
    {
        var set = await host.RunAsync(
            "add", "--id", "w-set", "--title", "Talks set a deadline", "--date", "since late August", "--reference", "2023-10-16",
            "--deadline", "w-deadline", "--effect", "set", "--due", "2023-12-31", "--deadline-title", "Withdrawal", "--token", Writer);
        var again = await host.RunAsync(
            "add", "--id", "w-set", "--title", "Talks set a deadline", "--date", "since late August", "--reference", "2023-10-16",
            "--deadline", "w-deadline", "--effect", "set", "--due", "2023-12-31", "--deadline-title", "Withdrawal", "--token", Writer);
        var json = await host.RunAsync("add", "--id", "w-plain", "--title", "A plain one", "--date", "2023-10-15", "-o", "json", "--token", Writer);
        var history = await host.RunAsync("history", "w-set", "-o", "json", "--token", Writer);

        Assert.Equal((0, ""), (set.ExitCode, set.Stderr));
        Assert.Contains("Stored: w-set revision 1, position 1", set.Stdout, StringComparison.Ordinal);
        Assert.Contains("2023-08-21 .. 2023-08-31", set.Stdout, StringComparison.Ordinal);
        Assert.Contains("written \"since late August\", read against 2023-10-16", set.Stdout, StringComparison.Ordinal);
        Assert.Contains("Due: ", set.Stdout, StringComparison.Ordinal);
        Assert.Contains("2023-12-31", set.Stdout, StringComparison.Ordinal);
        Assert.Equal((0, ""), (again.ExitCode, again.Stderr));
        Assert.Contains("Unchanged (identical to the latest revision): w-set revision 1, position 1", again.Stdout, StringComparison.Ordinal);
        Assert.Contains("2023-08-21 .. 2023-08-31", again.Stdout, StringComparison.Ordinal);

        var answer = JsonParser.Default.Parse<AppendEventsResponse>(json.Stdout.Trim()).Results.Single();
        Assert.Equal(0, json.ExitCode);
        Assert.Equal(("w-plain", 1L, 2L, "writer", "A plain one"), (answer.Event.EventId, answer.Event.Revision, answer.Event.Position, answer.Event.RecordedBy, answer.Event.Title));
        Assert.NotNull(answer.Event.RecordedAt);

        // Reading it back is what this token may not do.
        Assert.Equal((1, true), (history.ExitCode, history.Stderr.Contains("(PermissionDenied)", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Without_a_token_or_with_a_token_lacking_the_scope_each_service_refuses()
    {
        var noTokenShow = await host.RunAsync("show");
        var noTokenHistory = await host.RunAsync("history", "x");
        var readerImport = await host.RunAsync("import", Path.Combine(RepoPaths.Samples, "mali-minusma-2023-10.json"), "--token", Reader);
        var wrongToken = await host.RunAsync("deadlines", "--token", "not-a-token");

        Assert.Equal((1, true), (noTokenShow.ExitCode, noTokenShow.Stderr.Contains("(Unauthenticated)", StringComparison.Ordinal)));
        Assert.Equal((1, true), (noTokenHistory.ExitCode, noTokenHistory.Stderr.Contains("(Unauthenticated)", StringComparison.Ordinal)));
        Assert.Equal((1, true), (readerImport.ExitCode, readerImport.Stderr.Contains("(PermissionDenied)", StringComparison.Ordinal)));
        Assert.Equal((1, true), (wrongToken.ExitCode, wrongToken.Stderr.Contains("(Unauthenticated)", StringComparison.Ordinal)));
    }
}
