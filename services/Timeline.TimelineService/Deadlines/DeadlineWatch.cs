using System.Runtime.CompilerServices;
using Timeline.Domain.Dates;
using Timeline.Domain.Deadlines;

namespace Timeline.TimelineServer.Deadlines;

/// <summary>
/// What a watch yields: a status (with the deadline it belongs to), or the caught-up marker; each
/// with the log position of the projection snapshot it was read from.
/// </summary>
public abstract record WatchUpdate(long Position)
{
    public sealed record Status(Domain.Deadlines.DeadlineStatus Value, TrackedDeadline Deadline, long Position) : WatchUpdate(Position);

    public sealed record CaughtUp(CalendarDay AsOf, long Position) : WatchUpdate(Position);
}

/// <summary>
/// Deadline statuses as of "today" (UTC, from the injected <see cref="TimeProvider"/>): first the
/// current ones, then a caught-up marker, then each change, whether an appended event caused it
/// or time passing did. Between changes the watch sleeps on its doorbell, which the projection
/// rings on every change and a timer rings at the next day on which a status changes by time alone.
/// </summary>
public sealed class DeadlineWatch(DeadlineProjection projection, TimeProvider time, ILogger<DeadlineWatch> logger)
{
    /// <summary>Timers cannot be set arbitrarily far ahead; a watch whose next change is further wakes, finds nothing, and sleeps again.</summary>
    private static readonly TimeSpan MaxSleep = TimeSpan.FromDays(7);

    public CalendarDay Today() => CalendarDay.FromDateTime(time.GetUtcNow().UtcDateTime);

    public async IAsyncEnumerable<WatchUpdate> WatchAsync(IReadOnlyCollection<string> deadlineIds, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Registered before the first read, so no change between reading and sleeping is lost.
        using var watcher = projection.Watch();
        TimelineServiceLog.WatchStarted(logger, deadlineIds.Count, projection.WatcherCount);
        try
        {
            await projection.WaitUntilCaughtUpAsync(cancellationToken);
            var window = projection.RiskWindowDays;
            var sent = new Dictionary<string, Domain.Deadlines.DeadlineStatus>(StringComparer.Ordinal);
            var today = Today();
            var snapshot = projection.Current;
            foreach (var update in Changes(snapshot, deadlineIds, today, window, sent))
            {
                yield return update;
            }

            yield return new WatchUpdate.CaughtUp(today, snapshot.Position);
            while (true)
            {
                using (ScheduleWake(watcher, snapshot, deadlineIds, today, window))
                {
                    await watcher.WaitAsync(cancellationToken);
                }

                today = Today();
                snapshot = projection.Current;
                foreach (var update in Changes(snapshot, deadlineIds, today, window, sent))
                {
                    yield return update;
                }
            }
        }
        finally
        {
            TimelineServiceLog.WatchEnded(logger, projection.WatcherCount - 1);
        }
    }

    private static IEnumerable<WatchUpdate> Changes(
        ProjectionSnapshot snapshot, IReadOnlyCollection<string> ids, CalendarDay today, int window, Dictionary<string, Domain.Deadlines.DeadlineStatus> sent)
    {
        foreach (var deadline in snapshot.Select(ids))
        {
            var status = deadline.Evaluate(today, window);
            if (status is not null && !status.IsSameStatusAs(sent.GetValueOrDefault(deadline.DeadlineId)))
            {
                sent[deadline.DeadlineId] = status;
                yield return new WatchUpdate.Status(status, deadline, snapshot.Position);
            }
        }
    }

    /// <summary>A one-shot timer on the injected clock for the start of the next day a status changes by time alone.</summary>
    private ITimer? ScheduleWake(ProjectionWatcher watcher, ProjectionSnapshot snapshot, IReadOnlyCollection<string> ids, CalendarDay today, int window)
    {
        var next = snapshot.Select(ids).Select(d => d.NextChange(today, window)).Where(d => d is not null).Min();
        if (next is not { } day)
        {
            return null;
        }

        var wake = new DateTimeOffset(((DateOnly)day).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        TimelineServiceLog.WatchTimer(logger, wake);
        var due = wake - time.GetUtcNow();
        due = due < TimeSpan.Zero ? TimeSpan.Zero : due > MaxSleep ? MaxSleep : due;
        var timer = time.CreateTimer(static state => ((ProjectionWatcher)state!).Ring(), watcher, due, Timeout.InfiniteTimeSpan);

        // A clock that passed the wake-up between the reading above and the timer's start (a test's
        // fake clock set forward just then) would leave the timer a whole interval late.
        if (time.GetUtcNow() >= wake)
        {
            watcher.Ring();
        }

        return timer;
    }
}
