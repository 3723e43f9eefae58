using System.Diagnostics;
using Grpc.Core;
using Timeline.Storage.V1;
using Timeline.Tests.Shared;
using Timeline.V1;

namespace Timeline.IntegrationTests.Timeline;

/// <summary>WatchDeadlines over both real services: appends, time passing, storage restarts, cancellation.</summary>
public abstract class WatchDeadlinesTests(StorageBackend backend) : IAsyncLifetime
{
    private TimelineSystem _system = null!;

    public async ValueTask InitializeAsync()
    {
        _system = await TimelineSystem.StartAsync(MaliReport.ReportDay, backend);
        await _system.AppendAsync(MaliReport.Events());
    }

    public async ValueTask DisposeAsync() => await _system.DisposeAsync();

    private AsyncServerStreamingCall<WatchDeadlinesResponse> Watch(CancellationToken cancellationToken = default, DateTime? deadline = null) =>
        _system.Timeline.WatchDeadlines(new WatchDeadlinesRequest { DeadlineIds = { MaliReport.Deadline } }, deadline: deadline, cancellationToken: cancellationToken);

    [Fact]
    public async Task A_watch_starts_with_the_current_status_then_caught_up()
    {
        using var call = Watch(cancellationToken: TestContext.Current.CancellationToken);

        var (statuses, caughtUp) = await call.ResponseStream.InitialAsync();

        Assert.Equal(DeadlineState.AtRisk, Assert.Single(statuses).State);
        Assert.Equal("2023-10-16", caughtUp.AsOf);
    }

    [Fact]
    public async Task An_appended_event_that_changes_the_status_reaches_the_watcher_within_a_second()
    {
        _system.Clock.SetUtcNow(new DateTimeOffset(2023, 12, 31, 12, 0, 0, TimeSpan.Zero));
        using var call = Watch(cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(DeadlineState.OnTrack, Assert.Single((await call.ResponseStream.InitialAsync()).Statuses).State);

        // From the append's request to the watcher's update, as a user would time it: the raw
        // storage call, not AppendAsync, whose own polling of the projection would be in the time.
        var appended = Stopwatch.StartNew();
        await _system.Storage.AppendEventsAsync(new AppendEventsRequest { Events = { MaliReport.Met("2023-12-31") } }, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync.WaitAsync(Calls.Timeout, TestContext.Current.CancellationToken);
        var update = (await call.ResponseStream.NextAsync()).Status;

        Assert.True(appended.Elapsed < TimeSpan.FromSeconds(1), $"took {appended.Elapsed}");
        Assert.Equal(DeadlineState.Met, update.State);
        Assert.Equal("2023-12-31", update.Since);
        Assert.Equal("withdrawal-complete", Assert.Single(update.Reasons).EventId);
    }

    [Fact]
    public async Task Time_passing_ages_the_warning_out_and_then_misses_the_deadline()
    {
        using var call = Watch(cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(DeadlineState.AtRisk, Assert.Single((await call.ResponseStream.InitialAsync()).Statuses).State);

        _system.Clock.SetUtcNow(new DateTimeOffset(2023, 11, 14, 0, 0, 1, TimeSpan.Zero));
        var onTrack = (await call.ResponseStream.NextAsync()).Status;
        Assert.Equal((DeadlineState.OnTrack, "2023-11-14"), (onTrack.State, onTrack.Since));

        _system.Clock.SetUtcNow(new DateTimeOffset(2024, 1, 1, 0, 0, 1, TimeSpan.Zero));
        var missed = (await call.ResponseStream.NextAsync()).Status;
        Assert.Equal((DeadlineState.Missed, "2024-01-01"), (missed.State, missed.Since));
    }

    [Fact]
    public async Task A_watch_survives_a_storage_restart_and_misses_nothing_appended_after_it()
    {
        using var call = Watch(cancellationToken: TestContext.Current.CancellationToken);
        await call.ResponseStream.InitialAsync();

        await _system.RestartStorageAsync();

        // Appended as soon as storage is back, possibly before the timeline service has resubscribed.
        await _system.AppendAsync(MaliReport.Met("2023-10-16"));
        var update = (await call.ResponseStream.NextAsync()).Status;

        Assert.Equal(DeadlineState.Met, update.State);
        await Calls.EventuallyAsync(() => _system.Projection.IsLive, "the projection is live again");
        var listed = Assert.Single((await _system.Timeline.ListDeadlinesAsync(new ListDeadlinesRequest(), cancellationToken: TestContext.Current.CancellationToken).ResponseAsync.WaitAsync(Calls.Timeout, cancellationToken: TestContext.Current.CancellationToken)).Deadlines);
        Assert.Equal(DeadlineState.Met, listed.State);
    }

    [Fact]
    public async Task A_client_that_cancels_gets_Cancelled_and_the_server_keeps_nothing_for_it()
    {
        using var cts = new CancellationTokenSource();
        using var call = Watch(cts.Token);
        await call.ResponseStream.NextAsync();
        Assert.Equal(1, _system.Projection.WatcherCount);

        await cts.CancelAsync();

        var ex = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(CancellationToken.None).WaitAsync(Calls.Timeout, cancellationToken: TestContext.Current.CancellationToken));
        Assert.Equal(StatusCode.Cancelled, ex.StatusCode);
        await Calls.EventuallyAsync(() => _system.Projection.WatcherCount == 0, "the server has dropped the watch");
    }

    [Fact]
    public async Task A_watch_with_a_one_second_deadline_ends_with_DeadlineExceeded_and_leaves_nothing_behind()
    {
        // The channel's connection is made first, so the deadline is the watch's, not a cold
        // connection's (200 ms, the first call on the channel, could expire before the initial statuses).
        await _system.Timeline.ListDeadlinesAsync(new ListDeadlinesRequest(), cancellationToken: TestContext.Current.CancellationToken).ResponseAsync.WaitAsync(Calls.Timeout, TestContext.Current.CancellationToken);
        using var call = Watch(deadline: DateTime.UtcNow.AddSeconds(1), cancellationToken: TestContext.Current.CancellationToken);
        await call.ResponseStream.InitialAsync();

        var ex = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(CancellationToken.None).WaitAsync(Calls.Timeout, cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);
        await Calls.EventuallyAsync(() => _system.Projection.WatcherCount == 0, "the server has dropped the watch");
    }

    public sealed class Sqlite() : WatchDeadlinesTests(StorageBackend.Sqlite);

    public sealed class Postgres() : WatchDeadlinesTests(StorageBackend.Postgres);
}
