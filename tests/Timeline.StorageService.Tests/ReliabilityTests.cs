using Grpc.Core;
using Timeline.Storage.V1;
using Timeline.Tests.Shared;
using Timeline.V1;
using static Timeline.StorageService.Tests.Assertions;

namespace Timeline.StorageService.Tests;

public abstract class ReliabilityTests(StorageBackend backend) : IAsyncLifetime
{
    private StorageServer server = null!;

    public async ValueTask InitializeAsync() => server = await StorageServer.StartAsync(backend, new Dictionary<string, string?> { ["Storage:SubscriberBufferSize"] = "16" });

    public async ValueTask DisposeAsync() => await server.DisposeAsync();

    [Fact]
    public async Task Concurrent_single_event_writers_share_commits_and_each_is_acknowledged_after_its_commit()
    {
        var metrics = server.GetService<StorageMetrics>();
        var commitsBefore = metrics.CommitCount;
        var positions = new System.Collections.Concurrent.ConcurrentBag<long>();
        await Task.WhenAll(Enumerable.Range(0, 32).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 20; i++)
            {
                var result = await server.Client.AppendEventsAsync(new AppendEventsRequest { Events = { Events.Dated($"w{w}-{i}", "2023-10-14") } }).ResponseAsync.WaitAsync(CallTimeout);

                // Acknowledged means committed: a reader on another connection already sees it.
                var read = await server.Client.GetEventAsync(new GetEventRequest { EventId = $"w{w}-{i}" }).ResponseAsync.WaitAsync(CallTimeout);
                Assert.Equal(result.Results[0].Position, read.Event.Position);
                positions.Add(result.Results[0].Position);
            }
        })));

        var commits = metrics.CommitCount - commitsBefore;
        Figures.Report($"640 appends from 32 writers took {commits} commits");
        Assert.Equal(640, positions.Distinct().Count());
        Assert.True(commits < 640, $"every append had its own commit ({commits})");
    }

    [Fact]
    public async Task A_refused_batch_in_a_shared_commit_stores_nothing_and_takes_no_other_batch_down()
    {
        await server.Client.AppendEventsAsync(new AppendEventsRequest { Events = { Events.Dated("shared", "2023-10-01") } }, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync.WaitAsync(CallTimeout, cancellationToken: TestContext.Current.CancellationToken);
        var metrics = server.GetService<StorageMetrics>();
        var commitsBefore = metrics.CommitCount;
        var outcomes = new System.Collections.Concurrent.ConcurrentDictionary<string, long?>(); // event id -> position, null when refused
        await Task.WhenAll(Enumerable.Range(0, 32).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 10; i++)
            {
                var id = $"r{w}-{i}";
                var request = new AppendEventsRequest { Events = { Events.Dated(id, "2023-10-14") } };
                if ((w + i) % 3 == 0)
                {
                    // A stale expected revision: the writer refuses this batch, and only this one.
                    var stale = Events.Dated("shared", "2023-10-02");
                    stale.ExpectedRevision = 7;
                    request.Events.Add(stale);
                }

                try
                {
                    var response = await server.Client.AppendEventsAsync(request).ResponseAsync.WaitAsync(CallTimeout);
                    outcomes[id] = response.Results[0].Position;
                }
                catch (RpcException ex) when (ex.StatusCode == StatusCode.FailedPrecondition)
                {
                    outcomes[id] = null;
                }
            }
        })));

        var commits = metrics.CommitCount - commitsBefore;
        Figures.Report($"320 appends from 32 writers, every third refused, took {commits} commits");
        Assert.True(commits < 320, $"every append had its own commit ({commits}): no shared commit was tested");
        Assert.Equal(320, outcomes.Count);
        foreach (var (id, position) in outcomes)
        {
            var w = int.Parse(id[1..id.IndexOf('-', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture);
            var i = int.Parse(id[(id.IndexOf('-', StringComparison.Ordinal) + 1)..], System.Globalization.CultureInfo.InvariantCulture);
            if ((w + i) % 3 == 0)
            {
                Assert.Null(position);
                await FailsWith(StatusCode.NotFound, () => server.Client.GetEventAsync(new GetEventRequest { EventId = id }).ResponseAsync);
            }
            else
            {
                Assert.NotNull(position);
                var read = await server.Client.GetEventAsync(new GetEventRequest { EventId = id }, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync.WaitAsync(CallTimeout, cancellationToken: TestContext.Current.CancellationToken);
                Assert.Equal(position, read.Event.Position);
            }
        }

        var shared = await server.Client.GetEventAsync(new GetEventRequest { EventId = "shared" }, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync.WaitAsync(CallTimeout, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(1, shared.Event.Revision);
    }

    [Fact]
    public async Task Subscriber_that_stops_reading_is_ended_with_resource_exhausted_and_others_keep_up()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var stalled = server.Client.SubscribeEvents(new SubscribeEventsRequest(), cancellationToken: cts.Token);
        using var healthy = server.Client.SubscribeEvents(new SubscribeEventsRequest(), cancellationToken: cts.Token);
        Assert.True(await stalled.ResponseStream.MoveNext(cts.Token));
        Assert.NotNull(stalled.ResponseStream.Current.CaughtUp);
        Assert.True(await healthy.ResponseStream.MoveNext(cts.Token));

        // A healthy subscriber reads as the writers write; the stalled one reads nothing. "As the
        // writers write": the writer waits for it to have read a batch before appending the next,
        // since a reader still a whole buffer (16) behind when the next commit lands is cut too, by
        // design; unpaced, a loaded machine's reader sometimes was (RESOURCE_EXHAUSTED at 2,000).
        const int Total = 5_000;
        var seen = 0;
        var healthyReader = Task.Run(async () =>
        {
            while (Volatile.Read(ref seen) < Total && await healthy.ResponseStream.MoveNext(cts.Token))
            {
                if (healthy.ResponseStream.Current.Event is not null)
                {
                    Interlocked.Increment(ref seen);
                }
            }

            return Volatile.Read(ref seen);
        });

        // Enough bytes to fill the HTTP/2 windows of the stalled stream many times over.
        var summary = new string('s', 1_000);
        for (var b = 0; b < Total / 500; b++)
        {
            var request = new AppendEventsRequest();
            request.Events.AddRange(Enumerable.Range(0, 500).Select(i => new NewEvent { EventId = $"b{b}-{i}", Title = "load", Summary = summary, Occurred = new FuzzyDate { Edtf = "2023" } }));
            await server.Client.AppendEventsAsync(request, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync.WaitAsync(CallTimeout, cancellationToken: TestContext.Current.CancellationToken);
            var batchRead = (b + 1) * 500;
            while (Volatile.Read(ref seen) < batchRead && !healthyReader.IsCompleted)
            {
                await Task.Delay(5, cts.Token);
            }
        }

        var healthySeen = await healthyReader.WaitAsync(CallTimeout, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(Total, healthySeen);

        long lastSeen = 0;
        var ex = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            while (await stalled.ResponseStream.MoveNext(cts.Token))
            {
                if (stalled.ResponseStream.Current.Event is { } e)
                {
                    lastSeen = e.Position;
                }
            }
        });
        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
        Assert.Contains("resume with from_position", ex.Status.Detail, StringComparison.Ordinal);
        Assert.True(lastSeen < Total);

        // Resuming from the last position seen delivers the rest, nothing missing.
        using var resumed = server.Client.SubscribeEvents(new SubscribeEventsRequest { FromPosition = lastSeen }, cancellationToken: cts.Token);
        var next = lastSeen;
        while (await resumed.ResponseStream.MoveNext(cts.Token) && resumed.ResponseStream.Current.CaughtUp is null)
        {
            Assert.Equal(next + 1, resumed.ResponseStream.Current.Event.Position);
            next++;
        }

        Assert.Equal(Total, next);
    }

    [Fact]
    public async Task Shutdown_finishes_in_flight_appends_and_ends_streams_with_unavailable()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var stream = server.Client.SubscribeEvents(new SubscribeEventsRequest(), cancellationToken: cts.Token);
        Assert.True(await stream.ResponseStream.MoveNext(cts.Token));

        // The subscriber reads as the appends commit, as a real one does. Fewer appends (15) than
        // the test's buffer holds (16 revisions), so however the commits group them and however
        // late the server's loop takes them, the feed cannot overflow into RESOURCE_EXHAUSTED.
        var streamEnd = Task.Run(async () =>
        {
            try
            {
                while (await stream.ResponseStream.MoveNext(cts.Token))
                {
                }

                return null;
            }
            catch (RpcException ex)
            {
                return ex;
            }
        });
        var appends = Enumerable.Range(0, 15).Select(async i =>
        {
            try
            {
                var response = await server.Client.AppendEventsAsync(new AppendEventsRequest { Events = { Events.Dated($"inflight-{i}", "2023") } });
                return (Id: $"inflight-{i}", Acknowledged: true);
            }
            catch (RpcException ex) when (ex.StatusCode is StatusCode.Unavailable or StatusCode.Cancelled or StatusCode.Internal)
            {
                return (Id: $"inflight-{i}", Acknowledged: false);
            }
        }).ToList();
        var stopping = server.StopAsync();

        var ended = await streamEnd.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken: TestContext.Current.CancellationToken);
        Assert.True(ended is not null, "the stream ended without a status");
        Assert.Equal(StatusCode.Unavailable, ended.StatusCode);
        var outcomes = await Task.WhenAll(appends).WaitAsync(CallTimeout, cancellationToken: TestContext.Current.CancellationToken);
        await stopping.WaitAsync(CallTimeout, cancellationToken: TestContext.Current.CancellationToken);

        await server.RestartAsync();
        foreach (var (id, acknowledged) in outcomes.Where(o => o.Acknowledged))
        {
            var e = await server.Client.GetEventAsync(new GetEventRequest { EventId = id }, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync.WaitAsync(CallTimeout, cancellationToken: TestContext.Current.CancellationToken);
            Assert.Equal(1, e.Event.Revision);
        }
    }

    public sealed class Sqlite() : ReliabilityTests(StorageBackend.Sqlite);

    public sealed class Postgres() : ReliabilityTests(StorageBackend.Postgres);
}
