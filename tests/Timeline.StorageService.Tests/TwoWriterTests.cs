using System.Collections.Concurrent;
using Grpc.Core;
using Timeline.Storage.V1;
using Timeline.Tests.Shared;
using static Timeline.StorageService.Tests.Assertions;

namespace Timeline.StorageService.Tests;

/// <summary>
/// Two storage instances on one PostgreSQL database, four appenders on each, and subscribers on
/// both that disconnect and resume from their last position at random: every subscriber sees the
/// same revisions in the same order, positions 1..N each once, whichever instance wrote them.
/// </summary>
public sealed class TwoWriterTests
{
    private const int AppendersPerInstance = 4;
    private const int BatchesPerAppender = 40;
    private const int SubscribersPerInstance = 3;

    [Fact]
    public async Task Two_instances_on_one_database_give_every_subscriber_the_same_gap_free_log()
    {
        await using var first = await StorageServer.StartAsync(StorageBackend.Postgres);
        await using var second = await StorageServer.StartOnAsync(first.Database);
        StorageServer[] instances = [first, second];

        // Acknowledged positions, by the instance that wrote them.
        var acknowledged = new ConcurrentDictionary<long, string>();
        var finalHead = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        var random = new Random(20231231);
        var subscribers = instances
            .SelectMany((instance, i) => Enumerable.Range(0, SubscribersPerInstance).Select(s => (instance, seed: random.Next(), name: $"instance {i + 1} subscriber {s + 1}")))
            .Select(x => Task.Run(() => FollowWithResumes(x.instance.Client, x.name, new Random(x.seed), finalHead.Task)))
            .ToArray();

        var appenders = instances
            .SelectMany((instance, i) => Enumerable.Range(0, AppendersPerInstance).Select(a => Task.Run(async () =>
            {
                for (var b = 0; b < BatchesPerAppender; b++)
                {
                    var batch = Events.Batch($"i{i}-a{a}-b{b}", 1 + (b % 3), "two-writers");
                    var response = await instance.Client.AppendEventsAsync(batch).ResponseAsync.WaitAsync(CallTimeout);
                    foreach (var result in response.Results)
                    {
                        Assert.True(acknowledged.TryAdd(result.Position, $"{result.EventId}#{result.Revision}"), $"position {result.Position} acknowledged twice");
                    }
                }
            })))
            .ToArray();
        await Task.WhenAll(appenders).WaitAsync(TimeSpan.FromSeconds(120), cancellationToken: TestContext.Current.CancellationToken);
        var head = acknowledged.Keys.Max();
        finalHead.SetResult(head);

        // Every subscriber reads until it has seen the last position, then stops.
        var seen = new List<(string Name, List<(long Position, string Revision)> Log, int Resumes)>();
        foreach (var subscriber in subscribers)
        {
            seen.Add(await subscriber.WaitAsync(TimeSpan.FromSeconds(120), cancellationToken: TestContext.Current.CancellationToken));
        }

        var expected = Enumerable.Range(1, (int)head).Select(p => ((long)p, acknowledged[p])).ToList();
        var gaps = seen.Sum(s => expected.Count - s.Log.Select(l => l.Position).Distinct().Count());
        var duplicates = seen.Sum(s => s.Log.Count - s.Log.Select(l => l.Position).Distinct().Count());
        Figures.Report(
            $"two writers: instances=2 appenders={2 * AppendersPerInstance} revisions={head} subscribers={seen.Count} " +
            $"resumes={seen.Sum(s => s.Resumes)} gaps={gaps} duplicates={duplicates} positions consecutive 1..{head}");

        Assert.Equal(acknowledged.Count, head);
        Assert.Equal(AppendersPerInstance * 2 * BatchesPerAppender, acknowledged.Values.Count(v => v.EndsWith("-0#1", StringComparison.Ordinal)));
        foreach (var (name, log, resumes) in seen)
        {
            Assert.True(resumes > 0, $"{name} never resumed");
            Assert.True(expected.SequenceEqual(log), $"{name} saw {log.Count} revisions, not positions 1..{head} in order with what was acknowledged at each");
        }

        Assert.Equal(0, gaps);
        Assert.Equal(0, duplicates);
        await LogChecks.AssertSoundAsync(first.Database);
    }

    [Fact]
    public async Task Instances_starting_at_once_on_an_empty_database_migrate_it_once_and_share_it()
    {
        var folder = Path.Combine(Path.GetTempPath(), "timeline-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        await using var database = await StorageDatabase.CreateAsync(StorageBackend.Postgres, folder);
        var starting = Enumerable.Range(0, 3).Select(_ => StorageServer.StartOnAsync(database)).ToList();
        var instances = await Task.WhenAll(starting).WaitAsync(TimeSpan.FromSeconds(60), cancellationToken: TestContext.Current.CancellationToken);
        try
        {
            // One lock row and each migration recorded once; the schema is whole.
            var versions = string.Join(',', Timeline.StorageService.Storage.Postgres.PostgresSchema.Migrations.Select(m => m.Version).Prepend(0));
            Assert.Equal(versions, await database.ExecuteAsync("SELECT string_agg(version::text, ',' ORDER BY version) FROM schema_migrations").WaitAsync(CallTimeout, cancellationToken: TestContext.Current.CancellationToken));
            for (var i = 0; i < instances.Length; i++)
            {
                var appended = await instances[i].Client.AppendEventsAsync(Events.Batch($"start-{i}", 1, "start"), cancellationToken: TestContext.Current.CancellationToken).ResponseAsync.WaitAsync(CallTimeout, cancellationToken: TestContext.Current.CancellationToken);
                Assert.Equal(i + 1, appended.Results[0].Position);
            }

            await LogChecks.AssertSoundAsync(database);
        }
        finally
        {
            foreach (var instance in instances)
            {
                await instance.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// Subscribes from the last position seen, reads for a random number of revisions or a random
    /// time, drops the stream and subscribes again, until it has seen the last position appended.
    /// </summary>
    [Fact]
    public async Task A_damaged_body_another_instance_committed_ends_live_streams_with_internal_and_the_reader_stays_healthy()
    {
        await using var writer = await StorageServer.StartAsync(StorageBackend.Postgres);

        // This instance's tail reads only when its own commit shows it is behind (its next poll is an hour away).
        await using var reader = await StorageServer.StartOnAsync(writer.Database, new Dictionary<string, string?> { ["Storage:TailInterval"] = "01:00:00" });
        using var cts = new CancellationTokenSource(CallTimeout);
        using var call = reader.Client.SubscribeEvents(new SubscribeEventsRequest(), cancellationToken: cts.Token);
        Assert.True(await call.ResponseStream.MoveNext(cts.Token));
        Assert.NotNull(call.ResponseStream.Current.CaughtUp);

        // Another instance commits position 1; its body is then damaged in the database (a title running past the end).
        await writer.Client.AppendEventsAsync(new AppendEventsRequest { Events = { Events.Dated("elsewhere", "2023-10") } }, cancellationToken: TestContext.Current.CancellationToken);
        var body = await StoredRows.ReadBodyAsync(writer.Database, 1);
        await StoredRows.WriteBodyAsync(writer.Database, 1, [.. body, (byte)Google.Protobuf.WireFormat.MakeTag(Timeline.V1.EventRecord.TitleFieldNumber, Google.Protobuf.WireFormat.WireType.LengthDelimited), 0x7F, 0x41]);

        // The reader's own commit (position 2) wakes its tail, which meets position 1 first.
        var own = await reader.Client.AppendEventsAsync(new AppendEventsRequest { Events = { Events.Dated("here", "2023-11") } }, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(2, own.Results.Single().Position);

        var received = new List<long>();
        var end = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            while (await call.ResponseStream.MoveNext(cts.Token))
            {
                if (call.ResponseStream.Current.Event is { } e)
                {
                    received.Add(e.Position);
                }
            }
        });

        // INTERNAL, as a catch-up over the same row says, and not UNAVAILABLE: the database answered.
        Assert.Equal(StatusCode.Internal, end.StatusCode);
        Assert.Empty(received);
        var health = await reader.Health.CheckAsync(new global::Grpc.Health.V1.HealthCheckRequest(), cancellationToken: TestContext.Current.CancellationToken).ResponseAsync.WaitAsync(CallTimeout, TestContext.Current.CancellationToken);
        Assert.Equal(global::Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
        var later = await reader.Client.AppendEventsAsync(new AppendEventsRequest { Events = { Events.Dated("after", "2023-12") } }, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(3, later.Results.Single().Position);
        Assert.Equal("here", (await reader.Client.GetEventAsync(new GetEventRequest { EventId = "here" }, cancellationToken: TestContext.Current.CancellationToken)).Event.EventId);
    }

    private static async Task<(string Name, List<(long Position, string Revision)> Log, int Resumes)> FollowWithResumes(
        EventStoreService.EventStoreServiceClient client, string name, Random random, Task<long> finalHead)
    {
        var log = new List<(long Position, string Revision)>();
        var resumes = -1;
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(180));
        while (!(finalHead.IsCompleted && log.Count > 0 && log[^1].Position >= finalHead.Result))
        {
            resumes++;
            var last = log.Count > 0 ? log[^1].Position : 0;
            var take = random.Next(1, 60);
            using var window = CancellationTokenSource.CreateLinkedTokenSource(patience.Token);
            window.CancelAfter(random.Next(20, 300));
            using var call = client.SubscribeEvents(new SubscribeEventsRequest { FromPosition = last }, cancellationToken: window.Token);
            try
            {
                while (take > 0 && await call.ResponseStream.MoveNext(window.Token))
                {
                    if (call.ResponseStream.Current.Event is { } e)
                    {
                        log.Add((e.Position, $"{e.EventId}#{e.Revision}"));
                        take--;
                    }
                }
            }
            catch (RpcException) when (window.IsCancellationRequested && !patience.IsCancellationRequested)
            {
                // This subscriber's own random disconnect (Cancelled, or Unavailable "request aborted"
                // when the cancellation lands while a message is being read).
            }
        }

        return (name, log, resumes);
    }
}
