using System.Diagnostics;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Timeline.IntegrationTests.Scale;
using Timeline.IntegrationTests.Timeline;
using Timeline.Storage.V1;
using Timeline.Tests.Shared;
using Timeline.V1;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace Timeline.IntegrationTests.Reliability;

/// <summary>
/// Storage stalled, not dead: its process paused with SIGSTOP (a VM paused, a process swapped out, a
/// network black hole), then resumed with SIGCONT. Every timeline call that needs storage is
/// UNAVAILABLE within Timeline:StorageTimeout (with or without a deadline of the caller's; never a
/// hang, never INTERNAL), the replica's health is NOT_SERVING once storage has not answered for
/// longer than Timeline:HealthGrace (not before), and both come back once storage resumes.
/// </summary>
public sealed class StalledStorageTests
{
    private static readonly TimeSpan StorageTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(4);

    [Fact]
    public async Task A_paused_storage_means_unavailable_in_bounded_time_and_not_serving_after_the_grace()
    {
        await using var storage = ServiceNode.SqliteStorage("storage");
        await storage.StartAsync(ScaleLoad.Timeout);
        using var storageChannel = GrpcChannel.ForAddress(storage.Address);
        await new EventStoreService.EventStoreServiceClient(storageChannel).AppendEventsAsync(new AppendEventsRequest { Events = { MaliReport.Events() } }, deadline: DateTime.UtcNow.AddSeconds(30), cancellationToken: TestContext.Current.CancellationToken);
        await using var replica = ServiceNode.Timeline("replica", storage.Address.ToString(), ["--Timeline:StorageTimeout", StorageTimeout.ToString(), "--Timeline:HealthGrace", Grace.ToString()]);
        await replica.StartAsync(ScaleLoad.Timeout);
        using var channel = GrpcChannel.ForAddress(replica.Address);
        var timeline = new TimelineService.TimelineServiceClient(channel);
        var health = new Health.HealthClient(channel);
        Assert.NotEmpty((await timeline.GetTimelineAsync(new GetTimelineRequest(), deadline: DateTime.UtcNow.AddSeconds(30), cancellationToken: TestContext.Current.CancellationToken)).Entries);

        try
        {
            await storage.SignalAsync("STOP");
            var paused = Stopwatch.StartNew();
            var bound = StorageTimeout + TimeSpan.FromSeconds(5); // the ceiling, and room for a loaded machine

            // Without a deadline of the caller's, and with a long one: UNAVAILABLE within the ceiling.
            var answers = new List<(StatusCode Code, TimeSpan Took)>();
            foreach (var deadline in new DateTime?[] { null, DateTime.UtcNow.AddSeconds(60) })
            {
                var call = Stopwatch.StartNew();
                var e = await Assert.ThrowsAsync<RpcException>(() => timeline.GetTimelineAsync(new GetTimelineRequest(), deadline: deadline, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken));
                answers.Add((e.StatusCode, call.Elapsed));
            }

            // Health: SERVING within the grace, NOT_SERVING once storage has been silent for longer.
            var seen = new List<(ServingStatus Status, TimeSpan Since)>();
            while (seen.LastOrDefault().Status != ServingStatus.NotServing)
            {
                Assert.True(paused.Elapsed < Grace + bound + TimeSpan.FromSeconds(10), $"still {seen.LastOrDefault().Status} {paused.Elapsed} after SIGSTOP:\n{replica.Output}");
                seen.Add(((await health.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(10), cancellationToken: TestContext.Current.CancellationToken)).Status, paused.Elapsed));
                await Task.Delay(100, TestContext.Current.CancellationToken);
            }

            var notServingAfter = seen.First(s => s.Status == ServingStatus.NotServing).Since;
            Figures.Report($"storage SIGSTOPped: GetTimeline {string.Join(", ", answers.Select(a => $"{a.Code} after {a.Took.TotalSeconds:0.0} s"))} (ceiling {StorageTimeout.TotalSeconds:0} s); health NOT_SERVING after {notServingAfter.TotalSeconds:0.0} s (grace {Grace.TotalSeconds:0} s)");
            Assert.All(answers, a => Assert.Equal(StatusCode.Unavailable, a.Code));
            Assert.All(answers, a => Assert.True(a.Took < bound, $"answered after {a.Took}"));
            Assert.True(notServingAfter >= Grace, $"NOT_SERVING after {notServingAfter}, within the grace {Grace}");

            // Resumed: reads and health come back by themselves.
            await storage.SignalAsync("CONT");
            await replica.WaitServingAsync(ScaleLoad.Timeout);
            Assert.NotEmpty((await timeline.GetTimelineAsync(new GetTimelineRequest(), deadline: DateTime.UtcNow.AddSeconds(30), cancellationToken: TestContext.Current.CancellationToken)).Entries);
        }
        finally
        {
            await storage.SignalAsync("CONT");
        }
    }
}
