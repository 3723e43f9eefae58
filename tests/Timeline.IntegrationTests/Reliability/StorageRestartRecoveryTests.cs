using System.Diagnostics;
using Grpc.Net.Client;
using Timeline.IntegrationTests.Scale;
using Timeline.Storage.V1;
using Timeline.Tests.Shared;
using Timeline.V1;

namespace Timeline.IntegrationTests.Reliability;

/// <summary>
/// After storage comes back, the timeline service is back within its own back-off: storage (a
/// process) is SIGKILLed and started again on the same port and file several times while a
/// WatchDeadlines stream stays open on a replica (a process); right after each restart a new
/// deadline is appended, and the watch must show it within Timeline:ReconnectMaxDelay plus the
/// time to resubscribe, each time. Every layer's reconnect delay is bounded by the service's
/// setting (the projection's back-off, and the gRPC channel's own connection back-off, whose
/// default grows to 120 s).
/// </summary>
public sealed class StorageRestartRecoveryTests
{
    private const int Restarts = 6;
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task A_watch_sees_a_change_appended_after_each_storage_restart_within_the_configured_back_off()
    {
        await using var storage = ServiceNode.SqliteStorage("storage");
        await storage.StartAsync(ScaleLoad.Timeout);
        await using var replica = ServiceNode.Timeline("replica", storage.Address.ToString(), ["--Timeline:ReconnectMinDelay", "00:00:00.100", "--Timeline:ReconnectMaxDelay", MaxDelay.ToString()]);
        await replica.StartAsync(ScaleLoad.Timeout);
        using var channel = GrpcChannel.ForAddress(replica.Address);
        using var watch = new TimelineService.TimelineServiceClient(channel).WatchDeadlines(new WatchDeadlinesRequest(), cancellationToken: TestContext.Current.CancellationToken);
        var seen = new System.Collections.Concurrent.ConcurrentDictionary<string, TimeSpan>();
        var clock = Stopwatch.StartNew();
        var reader = Task.Run(async () =>
        {
            while (await watch.ResponseStream.MoveNext(TestContext.Current.CancellationToken))
            {
                if (watch.ResponseStream.Current.Status is { } status)
                {
                    seen.TryAdd(status.DeadlineId, clock.Elapsed);
                }
            }
        }, TestContext.Current.CancellationToken);

        var delays = new List<TimeSpan>();
        for (var restart = 0; restart <= Restarts; restart++)
        {
            if (restart > 0)
            {
                await storage.KillAsync();

                // Down long enough for the replica's back-offs to grow (several failed attempts).
                await Task.Delay(TimeSpan.FromSeconds(6), TestContext.Current.CancellationToken);
                await storage.StartAsync(ScaleLoad.Timeout);
            }

            using var storageChannel = GrpcChannel.ForAddress(storage.Address);
            var id = $"deadline-{restart}";
            await new EventStoreService.EventStoreServiceClient(storageChannel).AppendEventsAsync(new AppendEventsRequest { Events = { Deadline(id) } }, deadline: DateTime.UtcNow.AddSeconds(30), cancellationToken: TestContext.Current.CancellationToken);
            var appended = clock.Elapsed;
            var limit = MaxDelay * 2 + TimeSpan.FromSeconds(8);
            while (!seen.ContainsKey(id) && clock.Elapsed - appended < limit)
            {
                await Task.Delay(20, TestContext.Current.CancellationToken);
            }

            delays.Add(seen.TryGetValue(id, out var at) ? at - appended : TimeSpan.MaxValue);
        }

        Figures.Report($"storage SIGKILLed and restarted {Restarts} times under an open watch: change shown after {string.Join(", ", delays.Select(d => d == TimeSpan.MaxValue ? "never" : $"{d.TotalSeconds:0.0} s"))} (ReconnectMaxDelay {MaxDelay.TotalSeconds:0} s)");
        Assert.False(reader.IsFaulted, reader.Exception?.ToString());

        // The back-off's longest wait, at most once more for a connection attempt the channel had
        // already scheduled, and the resubscription and catch-up on a loaded machine.
        Assert.All(delays, d => Assert.True(d <= MaxDelay * 2 + TimeSpan.FromSeconds(3), $"a change was shown {d} after it was appended (ReconnectMaxDelay {MaxDelay}):\n{replica.Output}"));
    }

    private static NewEvent Deadline(string id) => new()
    {
        EventId = id,
        Title = $"{id} is set",
        Occurred = new FuzzyDate { Edtf = "2026-01-01" },
        Deadline = new DeadlineEffect { DeadlineId = id, Effect = DeadlineEffectType.Set, Due = new FuzzyDate { Edtf = "2099-12-31" }, Title = id },
    };
}
