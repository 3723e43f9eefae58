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
    private const string TimelineToStorage = "timeline-to-storage-8b2e";
    private CliHost host = null!;

    public async ValueTask InitializeAsync()
    {
        host = await CliHost.StartAsync(
            storageArgs:
            [
                "--Auth:Tokens:editor:Sha256", Hash(Editor), "--Auth:Tokens:editor:Scopes:0", "events:write", "--Auth:Tokens:editor:Scopes:1", "events:read",
                "--Auth:Tokens:reader:Sha256", Hash(Reader), "--Auth:Tokens:reader:Scopes:0", "events:read",
                "--Auth:Tokens:timeline-service:Sha256", Hash(TimelineToStorage), "--Auth:Tokens:timeline-service:Scopes:0", "events:read",
            ],
            timelineArgs:
            [
                "--Auth:Tokens:editor:Sha256", Hash(Editor), "--Auth:Tokens:editor:Scopes:0", "timeline:read",
                "--Auth:Tokens:reader:Sha256", Hash(Reader), "--Auth:Tokens:reader:Scopes:0", "timeline:read",
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
