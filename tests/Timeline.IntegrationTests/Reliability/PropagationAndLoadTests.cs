using System.Collections.Concurrent;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.DependencyInjection;
using Timeline.IntegrationTests.Timeline;
using Timeline.Storage.V1;
using Timeline.Tests.Shared;
using Timeline.V1;

namespace Timeline.IntegrationTests.Reliability;

public abstract class PropagationAndLoadTests(StorageBackend backend)
{
    private static readonly DateTimeOffset ReportDay = new(2023, 10, 16, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_callers_deadline_flows_through_the_timeline_service_to_storage()
    {
        var seen = new ConcurrentQueue<DateTime>();
        await using var system = await TimelineSystem.StartAsync(
            ReportDay,
            backend,
            configureStorage: builder => builder.Services.AddGrpc(options => options.Interceptors.Add<DeadlineRecorder>(seen)));
        await system.Storage.AppendEventsAsync(new AppendEventsRequest { Events = { MaliReport.Events() } }, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync.WaitAsync(TimelineSystem.Timeout, cancellationToken: TestContext.Current.CancellationToken);
        seen.Clear();

        var deadline = DateTime.UtcNow.AddSeconds(3);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        await system.Timeline.GetTimelineAsync(new GetTimelineRequest(), deadline: deadline, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync.WaitAsync(TimelineSystem.Timeout, cancellationToken: TestContext.Current.CancellationToken);
        var call = System.Diagnostics.Stopwatch.GetElapsedTime(started);

        // gRPC sends a deadline as a relative grpc-timeout, so each hop's deadline is later than the
        // caller's by the time the request spent in transit to it, which is less than the whole call
        // took. Later than that, storage would be running on a deadline of its own (or none at all).
        Assert.True(seen.TryDequeue(out var storageDeadline), "storage was not called");
        Assert.True(
            storageDeadline <= deadline + call,
            $"storage saw deadline {storageDeadline:O}, the caller set {deadline:O} and the call took {call.TotalMilliseconds:F0} ms");
        Assert.True(storageDeadline > DateTime.UtcNow.AddSeconds(-5));
    }

    [Fact]
    public async Task A_thousand_open_streams_on_each_service_keep_memory_bounded_and_all_get_the_update()
    {
        await using var system = await TimelineSystem.StartAsync(ReportDay, backend);
        await system.Storage.AppendEventsAsync(new AppendEventsRequest { Events = { MaliReport.Events() } }, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync.WaitAsync(TimelineSystem.Timeout, cancellationToken: TestContext.Current.CancellationToken);
        await system.WaitUntilServingAsync();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var before = GC.GetTotalMemory(forceFullCollection: true);

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var watches = new List<AsyncServerStreamingCall<WatchDeadlinesResponse>>();
        var subscriptions = new List<AsyncServerStreamingCall<SubscribeEventsResponse>>();
        try
        {
            for (var i = 0; i < 1_000; i++)
            {
                watches.Add(system.Timeline.WatchDeadlines(new WatchDeadlinesRequest(), cancellationToken: cts.Token));
                subscriptions.Add(system.Storage.SubscribeEvents(new SubscribeEventsRequest { FromPosition = 9 }, cancellationToken: cts.Token));
            }

            // Every stream is open and caught up.
            await Task.WhenAll(watches.Select(w => ReadUntil(w.ResponseStream, m => m.CaughtUp is not null, cts.Token)));
            await Task.WhenAll(subscriptions.Select(s => ReadUntil(s.ResponseStream, m => m.CaughtUp is not null, cts.Token)));

            // One append that changes the deadline: every stream gets it.
            await system.Storage.AppendEventsAsync(new AppendEventsRequest { Events = { MaliReport.Met("2023-10-15") } }, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync.WaitAsync(TimelineSystem.Timeout, cancellationToken: TestContext.Current.CancellationToken);
            await Task.WhenAll(watches.Select(w => ReadUntil(w.ResponseStream, m => m.Status?.State == DeadlineState.Met, cts.Token)));
            await Task.WhenAll(subscriptions.Select(s => ReadUntil(s.ResponseStream, m => m.Event is not null, cts.Token)));

            var during = GC.GetTotalMemory(forceFullCollection: true);
            var growthMb = (during - before) / (1024.0 * 1024.0);
            Figures.Report($"2,000 open streams (1,000 per service, clients included) grew the managed heap by {growthMb:F1} MB");
            Assert.True(growthMb < 200, $"managed heap grew by {growthMb:F1} MB with 2,000 open streams");
        }
        finally
        {
            await cts.CancelAsync();
            foreach (var call in watches)
            {
                call.Dispose();
            }

            foreach (var call in subscriptions)
            {
                call.Dispose();
            }
        }
    }

    private static async Task ReadUntil<T>(IAsyncStreamReader<T> stream, Func<T, bool> done, CancellationToken cancellationToken)
    {
        while (await stream.MoveNext(cancellationToken))
        {
            if (done(stream.Current))
            {
                return;
            }
        }

        throw new InvalidOperationException("the stream ended early");
    }

    /// <summary>Records the deadline each call arrives at storage with.</summary>
    private sealed class DeadlineRecorder(ConcurrentQueue<DateTime> seen) : Interceptor
    {
        public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
        {
            if (request is ListEventsRequest)
            {
                seen.Enqueue(context.Deadline);
            }

            return continuation(request, context);
        }
    }

    public sealed class Sqlite() : PropagationAndLoadTests(StorageBackend.Sqlite);

    public sealed class Postgres() : PropagationAndLoadTests(StorageBackend.Postgres);
}
