using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Timeline.Domain.Deadlines;
using Timeline.Domain.Validation;
using Timeline.TimelineServer;
using Timeline.TimelineServer.Deadlines;
using Timeline.V1;
using DeadlineState = Timeline.Domain.Deadlines.DeadlineState;

namespace Timeline.TimelineServer.Tests;

/// <summary>The deadline projection and watch without servers: revisions, retractions, readiness, timers.</summary>
public sealed class ProjectionTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly DeadlineProjection _projection = new(
        Options.Create(new TimelineOptions { CatchUpTimeout = TimeSpan.FromMilliseconds(300) }),
        NullLogger<DeadlineProjection>.Instance);

    private long _position;

    [Fact]
    public void A_later_revision_replaces_the_earlier_one_and_an_older_one_is_ignored()
    {
        _projection.Apply(Set(revision: 1, due: "2023-12-31"));
        _projection.Apply(Set(revision: 2, due: "2024-06-30"));
        _projection.Apply(Set(revision: 1, due: "2023-12-31"));

        var deadline = Assert.Single(_projection.Current.Deadlines.Values);
        var tracked = Assert.Single(deadline.Events.Values);
        Assert.Equal(2, tracked.Record.Revision);
        Assert.Equal(new DateOnly(2024, 6, 30), deadline.Evaluate(new DateOnly(2023, 10, 16), 30)!.Due.Latest);
    }

    [Fact]
    public void A_retracted_revision_removes_the_event_and_an_empty_deadline_disappears()
    {
        _projection.Apply(Set(revision: 1));
        var risk = Record("un-warning", DeadlineEffectType.Risk, "2023-10-14");
        _projection.Apply(risk);
        Assert.Equal(DeadlineState.AtRisk, Evaluate("2023-10-16"));

        var retracted = risk.Clone();
        retracted.Revision = 2;
        retracted.Position = ++_position;
        retracted.Retracted = true;
        _projection.Apply(retracted);

        Assert.Equal(DeadlineState.OnTrack, Evaluate("2023-10-16"));
        var set = Set(revision: 2);
        set.Retracted = true;
        _projection.Apply(set);
        Assert.Empty(_projection.Current.Deadlines);
    }

    [Fact]
    public void A_revision_moving_an_event_to_another_deadline_leaves_the_first()
    {
        _projection.Apply(Set(revision: 1));
        var moved = Set(revision: 2);
        moved.Deadline.DeadlineId = "other";
        _projection.Apply(moved);

        Assert.Equal(["other"], _projection.Current.Deadlines.Keys);
    }

    [Fact]
    public async Task Before_catching_up_a_caller_waits_and_gets_unavailable_once_storage_fails()
    {
        var waiting = _projection.WaitUntilCaughtUpAsync(CancellationToken.None);
        Assert.False(waiting.IsCompleted);

        _projection.MarkFailed(new RpcException(new Status(StatusCode.Unavailable, "connection refused")));

        var problem = await Assert.ThrowsAsync<ProblemException>(() => waiting.WaitAsync(Timeout, cancellationToken: TestContext.Current.CancellationToken));
        Assert.Equal(ProblemKind.Unavailable, problem.Kind);
        await Assert.ThrowsAsync<ProblemException>(() => _projection.WaitUntilCaughtUpAsync(CancellationToken.None).WaitAsync(Timeout, cancellationToken: TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_caller_waiting_for_catch_up_is_released_by_it_and_refused_after_the_timeout_otherwise()
    {
        var waiting = _projection.WaitUntilCaughtUpAsync(CancellationToken.None);
        _projection.MarkCaughtUp(0);
        await waiting.WaitAsync(Timeout, cancellationToken: TestContext.Current.CancellationToken);

        var fresh = new DeadlineProjection(Options.Create(new TimelineOptions { CatchUpTimeout = TimeSpan.FromMilliseconds(100) }), NullLogger<DeadlineProjection>.Instance);
        await Assert.ThrowsAsync<ProblemException>(() => fresh.WaitUntilCaughtUpAsync(CancellationToken.None).WaitAsync(Timeout, cancellationToken: TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_watch_wakes_on_its_timer_when_time_alone_changes_a_status_and_unregisters_when_cancelled()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2023, 10, 16, 9, 0, 0, TimeSpan.Zero));
        var watch = WatchOfAWarnedDeadline(clock);

        using var cts = new CancellationTokenSource();
        await using var updates = watch.WatchAsync([], cts.Token).GetAsyncEnumerator(cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(DeadlineState.AtRisk, (await Next(updates)).As<WatchUpdate.Status>().Value.State);
        Assert.Equal(new DateOnly(2023, 10, 16), (await Next(updates)).As<WatchUpdate.CaughtUp>().AsOf);
        Assert.Equal(1, _projection.WatcherCount);

        var next = Next(updates);
        clock.Advance(TimeSpan.FromDays(28));
        Assert.False(next.IsCompleted);
        clock.SetUtcNow(new DateTimeOffset(2023, 11, 14, 0, 0, 0, TimeSpan.Zero));
        var onTrack = (await next).As<WatchUpdate.Status>().Value;
        Assert.Equal((DeadlineState.OnTrack, new DateOnly(2023, 11, 14)), (onTrack.State, onTrack.Since));

        var cancelled = Next(updates);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        await updates.DisposeAsync();
        Assert.Equal(0, _projection.WatcherCount);
    }

    [Fact]
    public async Task A_clock_that_passes_the_wake_up_while_the_timer_is_being_set_still_wakes_the_watch()
    {
        var clock = new ClockMovingAtTimer(new DateTimeOffset(2023, 10, 16, 9, 0, 0, TimeSpan.Zero));
        var watch = WatchOfAWarnedDeadline(clock);

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var updates = watch.WatchAsync([], cts.Token).GetAsyncEnumerator(cancellationToken: cts.Token);
        Assert.Equal(DeadlineState.AtRisk, (await Next(updates)).As<WatchUpdate.Status>().Value.State);
        Assert.IsType<WatchUpdate.CaughtUp>(await Next(updates));

        // The watch reads the clock (the warning ages out on 2023-11-14), then sets its timer; the
        // clock reaches that day in between, as a test's clock set forward or a suspended VM's would.
        clock.JumpAtNextTimer = new DateTimeOffset(2023, 11, 14, 0, 0, 1, TimeSpan.Zero);
        var next = updates.MoveNextAsync().AsTask();
        var woke = await Task.WhenAny(next, Task.Delay(Timeout, TestContext.Current.CancellationToken)) == next;
        await cts.CancelAsync();
        Assert.True(woke, "the watch slept through the day its status changed (its timer was set from the clock read before the jump)");
        Assert.True(await next);
        var onTrack = updates.Current.As<WatchUpdate.Status>().Value;
        Assert.Equal((DeadlineState.OnTrack, new DateOnly(2023, 11, 14)), (onTrack.State, onTrack.Since));
        await updates.DisposeAsync();
    }

    /// <summary>A fake clock that moves to <see cref="JumpAtNextTimer"/> just before the next timer is created.</summary>
    private sealed class ClockMovingAtTimer(DateTimeOffset start) : FakeTimeProvider(start)
    {
        public DateTimeOffset? JumpAtNextTimer { get; set; }

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            if (JumpAtNextTimer is { } to)
            {
                JumpAtNextTimer = null;
                SetUtcNow(to);
            }

            return base.CreateTimer(callback, state, dueTime, period);
        }
    }

    /// <summary>A watch on a deadline due 2023-12-31 and warned of on 2023-10-14 (at risk until the warning ages out on 2023-11-14).</summary>
    private DeadlineWatch WatchOfAWarnedDeadline(TimeProvider clock)
    {
        _projection.Apply(Set(revision: 1));
        _projection.Apply(Record("un-warning", DeadlineEffectType.Risk, "2023-10-14"));
        _projection.MarkCaughtUp(_position);
        return new DeadlineWatch(_projection, clock, NullLogger<DeadlineWatch>.Instance);
    }

    private static async Task<WatchUpdate> Next(IAsyncEnumerator<WatchUpdate> updates)
    {
        Assert.True(await updates.MoveNextAsync().AsTask().WaitAsync(Timeout));
        return updates.Current;
    }

    private DeadlineState? Evaluate(string day) =>
        _projection.Current.Deadlines.Values.Single().Evaluate(DateOnly.Parse(day, System.Globalization.CultureInfo.InvariantCulture), 30)?.State;

    private EventRecord Set(long revision, string due = "2023-12-31")
    {
        var record = Record("unsc-2690", DeadlineEffectType.Set, "2023-06-30", revision);
        record.Deadline.Due = Day(due);
        record.Deadline.Title = "MINUSMA's departure complete";
        return record;
    }

    private EventRecord Record(string id, DeadlineEffectType effect, string occurred, long revision = 1) => new()
    {
        EventId = id,
        Revision = revision,
        Position = ++_position,
        Title = id,
        Occurred = Day(occurred),
        Deadline = new DeadlineEffect { DeadlineId = "minusma-withdrawal", Effect = effect },
    };

    private static FuzzyDate Day(string day) => new() { Edtf = day, Earliest = day, Latest = day, Precision = DatePrecision.Day };
}

internal static class WatchUpdateExtensions
{
    public static T As<T>(this WatchUpdate update)
        where T : WatchUpdate => Assert.IsType<T>(update);
}
