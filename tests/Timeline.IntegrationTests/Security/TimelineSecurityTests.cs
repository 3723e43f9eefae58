using System.Security.Cryptography;
using System.Text;
using Grpc.Core;
using Timeline.IntegrationTests.Timeline;
using Timeline.Storage.V1;
using Timeline.V1;
using static Timeline.Tests.Shared.TestTokens;

namespace Timeline.IntegrationTests.Security;

/// <summary>
/// Both services with tokens: the timeline service admits only <c>timeline:read</c>, and reaches
/// storage with its own <c>events:read</c> token.
/// </summary>
public sealed class TimelineSecurityTests : IAsyncLifetime
{
    private const string Writer = "writer-5e1f";
    private const string Reader = "reader-9d0a";
    private const string TimelineToStorage = "timeline-to-storage-44c2";
    private TimelineSystem system = null!;

    public async ValueTask InitializeAsync()
    {
        system = await TimelineSystem.StartAsync(
            new DateTimeOffset(2023, 10, 16, 12, 0, 0, TimeSpan.Zero),
            storageArgs:
            [
                "--Auth:Tokens:ingest:Sha256", Hash(Writer), "--Auth:Tokens:ingest:Scopes:0", "events:write",
                "--Auth:Tokens:timeline-service:Sha256", Hash(TimelineToStorage), "--Auth:Tokens:timeline-service:Scopes:0", "events:read",
            ],
            timelineArgs:
            [
                "--Auth:Tokens:dashboard:Sha256", Hash(Reader), "--Auth:Tokens:dashboard:Scopes:0", "timeline:read",
                "--Auth:Tokens:ingest:Sha256", Hash(Writer), "--Auth:Tokens:ingest:Scopes:0", "events:write",
                "--Timeline:StorageToken", TimelineToStorage,
            ]);
        var appended = await system.Storage.AppendEventsAsync(new AppendEventsRequest { Events = { MaliReport.Events() } }, Bearer(Writer)).ResponseAsync.WaitAsync(TimelineSystem.Timeout);
        await system.WaitUntilServingAsync();

        // Serving means caught up once, which may be before the append reached the projection.
        var last = appended.Results.Max(r => r.Position);
        await Calls.EventuallyAsync(() => system.Projection.Current.Position >= last, $"the deadline projection read past position {last}");
    }

    public async ValueTask DisposeAsync() => await system.DisposeAsync();

    public static TheoryData<string, string?, StatusCode> Matrix()
    {
        var data = new TheoryData<string, string?, StatusCode>();
        foreach (var rpc in new[] { "GetTimeline", "ListDeadlines", "WatchDeadlines", "ReplayDeadlines" })
        {
            data.Add(rpc, null, StatusCode.Unauthenticated);
            data.Add(rpc, "wrong", StatusCode.Unauthenticated);
            data.Add(rpc, Writer, StatusCode.PermissionDenied);
            data.Add(rpc, Reader, StatusCode.OK);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Each_timeline_rpc_needs_timeline_read(string rpc, string? token, StatusCode expected)
    {
        var headers = token is null ? new Metadata() : Bearer(token);
        var client = system.Timeline;
        Func<Task<int>> call = rpc switch
        {
            "GetTimeline" => async () => (await client.GetTimelineAsync(new GetTimelineRequest(), headers)).Entries.Count,
            "ListDeadlines" => async () => (await client.ListDeadlinesAsync(new ListDeadlinesRequest { AsOf = "2023-10-16" }, headers)).Deadlines.Count,
            "WatchDeadlines" => async () =>
            {
                using var stream = client.WatchDeadlines(new WatchDeadlinesRequest(), headers);
                return await stream.ResponseStream.MoveNext() ? 1 : 0;
            }
            ,
            _ => async () =>
            {
                using var stream = client.ReplayDeadlines(new ReplayDeadlinesRequest { From = "2023-01-01", To = "2023-10-16" }, headers);
                return await stream.ResponseStream.MoveNext() ? 1 : 0;
            }
            ,
        };

        if (expected == StatusCode.OK)
        {
            Assert.True(await call().WaitAsync(TimelineSystem.Timeout, cancellationToken: TestContext.Current.CancellationToken) > 0, "the timeline service read nothing from storage with its own token");
            return;
        }

        var ex = await Assert.ThrowsAsync<RpcException>(() => call().WaitAsync(TimelineSystem.Timeout, cancellationToken: TestContext.Current.CancellationToken));
        Assert.Equal(expected, ex.StatusCode);
        Assert.DoesNotContain("minusma", ex.Status.Detail, StringComparison.OrdinalIgnoreCase);
    }

}
