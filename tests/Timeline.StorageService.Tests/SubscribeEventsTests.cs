using Grpc.Core;
using Timeline.Storage.V1;
using Timeline.Tests.Shared;
using Timeline.V1;
using static Timeline.StorageService.Tests.Assertions;

namespace Timeline.StorageService.Tests;

public abstract class SubscribeEventsTests(StorageBackend backend) : IAsyncLifetime
{
    private StorageServer server = null!;

    private EventStoreService.EventStoreServiceClient Client => server.Client;

    public async ValueTask InitializeAsync() => server = await StorageServer.StartAsync(backend, new Dictionary<string, string?> { ["Storage:CheckpointInterval"] = "00:00:00.200" });

    public async ValueTask DisposeAsync() => await server.DisposeAsync();

    [Fact]
    public async Task Resuming_from_the_last_position_seen_misses_nothing_and_repeats_nothing()
    {
        await AppendMany("early", 50);

        // Start mid-way, take some revisions, drop the stream.
        var seen = new List<long>();
        using (var cts = new CancellationTokenSource(CallTimeout))
        using (var call = Client.SubscribeEvents(new SubscribeEventsRequest { FromPosition = 10 }, cancellationToken: cts.Token))
        {
            while (seen.Count < 25 && await call.ResponseStream.MoveNext(cts.Token))
            {
                if (call.ResponseStream.Current.Event is { } e)
                {
                    seen.Add(e.Position);
                }
            }

            cts.Cancel();
        }

        // Written while the subscriber was away.
        await AppendMany("while-away", 30);

        using var resumeCts = new CancellationTokenSource(CallTimeout);
        using var resumed = Client.SubscribeEvents(new SubscribeEventsRequest { FromPosition = seen[^1] }, cancellationToken: resumeCts.Token);
        var caughtUp = false;
        var appendedLive = false;
        while (await resumed.ResponseStream.MoveNext(resumeCts.Token))
        {
            var message = resumed.ResponseStream.Current;
            if (message.Event is { } e)
            {
                seen.Add(e.Position);
            }
            else if (message.CaughtUp is not null)
            {
                caughtUp = true;
                Assert.Equal(80, message.CaughtUp.Position);
                await AppendMany("live", 20);
                appendedLive = true;
            }

            if (appendedLive && seen[^1] == 100)
            {
                break;
            }
        }

        Assert.True(caughtUp);
        Assert.Equal(Enumerable.Range(11, 90).Select(i => (long)i), seen);
        resumeCts.Cancel();
    }

    [Fact]
    public async Task Filtered_subscriber_gets_only_matches_and_checkpoints_past_the_rest()
    {
        await Client.AppendEventsAsync(new AppendEventsRequest { Events = { Events.Dated("m1", "2023", tags: "mali"), Events.Dated("n1", "2023", tags: "niger") } }, cancellationToken: TestContext.Current.CancellationToken);
        using var cts = new CancellationTokenSource(CallTimeout);
        using var call = Client.SubscribeEvents(new SubscribeEventsRequest { Filter = new EventFilter { Tags = { "mali" } } }, cancellationToken: cts.Token);

        var events = new List<string>();
        long checkpoint = 0;
        while (await call.ResponseStream.MoveNext(cts.Token))
        {
            var message = call.ResponseStream.Current;
            switch (message.MessageCase)
            {
                case SubscribeEventsResponse.MessageOneofCase.Event:
                    events.Add(message.Event.EventId);
                    break;
                case SubscribeEventsResponse.MessageOneofCase.CaughtUp:
                    Assert.Equal(2, message.CaughtUp.Position);
                    await Client.AppendEventsAsync(new AppendEventsRequest { Events = { Events.Dated("n2", "2023", tags: "niger"), Events.Dated("n3", "2023", tags: "niger") } }, cancellationToken: TestContext.Current.CancellationToken);
                    break;
                case SubscribeEventsResponse.MessageOneofCase.Checkpoint:
                    checkpoint = message.Checkpoint.Position;
                    break;
            }

            if (checkpoint == 4)
            {
                break;
            }
        }

        Assert.Equal(["m1"], events);
        Assert.Equal(4, checkpoint);
    }

    [Fact]
    public async Task A_filtered_subscriber_gets_a_checkpoint_every_interval_while_only_revisions_it_did_not_ask_for_keep_arriving()
    {
        using var cts = new CancellationTokenSource(CallTimeout);
        using var call = Client.SubscribeEvents(new SubscribeEventsRequest { Filter = new EventFilter { Tags = { "wanted" } } }, cancellationToken: cts.Token);
        Assert.True(await call.ResponseStream.MoveNext(cts.Token));
        Assert.NotNull(call.ResponseStream.Current.CaughtUp);

        // Steady traffic the subscriber did not ask for: a commit every 20 ms, ten times as often as
        // the checkpoint interval (200 ms), so a timer that restarts at each commit never fires.
        using var stop = new CancellationTokenSource();
        long lastAppended = 0;
        var traffic = Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var response = await Client.AppendEventsAsync(new AppendEventsRequest { Events = { Events.Dated($"other-{i}", "2023", tags: "other") } }).ResponseAsync.WaitAsync(CallTimeout);
                Interlocked.Exchange(ref lastAppended, response.Results[0].Position);
                await Task.Delay(20);
            }
        }, cancellationToken: TestContext.Current.CancellationToken);

        // Five checkpoints take about a second; without them the subscriber's resume position never moves.
        var checkpoints = new List<long>();
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(cts.Token);
        patience.CancelAfter(TimeSpan.FromSeconds(10));
        try
        {
            while (checkpoints.Count < 5 && await call.ResponseStream.MoveNext(patience.Token))
            {
                var message = call.ResponseStream.Current;
                Assert.Null(message.Event);
                if (message.Checkpoint is { } checkpoint)
                {
                    checkpoints.Add(checkpoint.Position);
                }
            }
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.Cancelled && patience.IsCancellationRequested)
        {
            // Checked below: too few checkpoints in ten seconds.
        }
        finally
        {
            await stop.CancelAsync();
            await traffic.WaitAsync(CallTimeout, cancellationToken: TestContext.Current.CancellationToken);
        }

        Assert.True(checkpoints.Count == 5, $"{checkpoints.Count} checkpoints in 10 s of steady non-matching traffic (appended up to position {Interlocked.Read(ref lastAppended)})");
        Assert.Equal(checkpoints.Order(), checkpoints);
        Assert.Equal(checkpoints.Count, checkpoints.Distinct().Count());
        Assert.True(checkpoints[^1] <= Interlocked.Read(ref lastAppended));
    }

    [Fact]
    public async Task Cancelled_subscriber_gets_cancelled_and_leaves_no_feed_behind()
    {
        var broadcaster = server.GetService<Storage.LogBroadcaster>();
        using var cts = new CancellationTokenSource(CallTimeout);
        var call = Client.SubscribeEvents(new SubscribeEventsRequest(), cancellationToken: cts.Token);
        Assert.True(await call.ResponseStream.MoveNext(cts.Token));
        Assert.NotNull(call.ResponseStream.Current.CaughtUp);
        Assert.Equal(1, broadcaster.Count);

        cts.Cancel();
        var ex = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(CancellationToken.None).WaitAsync(CallTimeout, cancellationToken: TestContext.Current.CancellationToken));
        Assert.Equal(StatusCode.Cancelled, ex.StatusCode);
        call.Dispose();

        var deadline = DateTime.UtcNow + CallTimeout;
        while (broadcaster.Count > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20, cancellationToken: TestContext.Current.CancellationToken);
        }

        Assert.Equal(0, broadcaster.Count);
    }

    [Fact]
    public async Task Position_beyond_the_end_of_the_log_is_out_of_range()
    {
        var status = await FailsWith(StatusCode.OutOfRange, async () =>
        {
            using var call = Client.SubscribeEvents(new SubscribeEventsRequest { FromPosition = 99 });
            await call.ResponseStream.MoveNext();
        });
        Assert.Equal("from_position", Assert.Single(Violations(status)).Field);
    }

    private async Task AppendMany(string prefix, int count)
    {
        for (var i = 0; i < count; i++)
        {
            await Client.AppendEventsAsync(new AppendEventsRequest { Events = { Events.Dated($"{prefix}-{i}", "2023-10-14") } }).ResponseAsync.WaitAsync(CallTimeout);
        }
    }

    public sealed class Sqlite() : SubscribeEventsTests(StorageBackend.Sqlite);

    public sealed class Postgres() : SubscribeEventsTests(StorageBackend.Postgres);
}
