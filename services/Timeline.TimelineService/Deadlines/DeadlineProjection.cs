using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Timeline.Domain.Deadlines;
using Timeline.Domain.Validation;
using Timeline.V1;
using FuzzyDateProto = Timeline.Domain.Dates.FuzzyDateProto;

namespace Timeline.TimelineServer.Deadlines;

/// <summary>
/// The deadlines, in memory, rebuilt from storage's log and kept current by subscribing to it
/// (ARCHITECTURE §2, §6). One writer (<see cref="DeadlineProjectionWorker"/>) applies revisions;
/// readers take an immutable <see cref="Current"/> snapshot; watchers are rung after each change.
/// </summary>
public sealed class DeadlineProjection(IOptions<TimelineOptions> options, ILogger<DeadlineProjection> logger)
{
    private readonly ConcurrentDictionary<ProjectionWatcher, byte> _watchers = new();
    private readonly TaskCompletionSource _caughtUp = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile ProjectionSnapshot _current = ProjectionSnapshot.Empty;
    private volatile TaskCompletionSource _failed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Completed (and replaced) each time the projection's position moves, for callers waiting for a min_position.
    private volatile TaskCompletionSource _moved = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile Exception? _lastFailure;
    private volatile bool _live;
    private long _storageHead;

    // When the projection stopped following storage's log (a TransportClock timestamp); 0 while it follows.
    private long _stoppedFollowingAt;

    /// <summary>The latest state; safe to read from any thread.</summary>
    public ProjectionSnapshot Current => _current;

    /// <summary>True once the projection has caught up with storage at least once.</summary>
    public bool HasCaughtUp => _caughtUp.Task.IsCompleted;

    /// <summary>True while the subscription is caught up and connected.</summary>
    public bool IsLive => _live;

    /// <summary>The furthest log position storage is known to have reached (its head when the subscription started, or anything seen since).</summary>
    public long StorageHead => Math.Max(Interlocked.Read(ref _storageHead), _current.Position);

    /// <summary>How far the projection is behind storage's known head, in log positions.</summary>
    public long Lag => LagAt(_current.Position);

    /// <summary>
    /// How long the projection has not been following storage's log (disconnected, or resubscribed
    /// and catching up again) since it last was; null while it follows, or before it ever did.
    /// </summary>
    public TimeSpan? NotFollowingFor => Interlocked.Read(ref _stoppedFollowingAt) is var since and not 0 && HasCaughtUp
        ? TransportClock.GetElapsedTime(since)
        : null;

    /// <summary>
    /// The clock of transport time (how long storage has been out of reach), not valid time: a test
    /// or the demo that moves the injected <see cref="TimeProvider"/> must not move it.
    /// </summary>
    internal TimeProvider TransportClock { get; init; } = TimeProvider.System;

    /// <summary>How far a snapshot at <paramref name="position"/> is behind storage's known head.</summary>
    public long LagAt(long position) => Math.Max(0, StorageHead - position);

    /// <summary>How many watches are registered (each open WatchDeadlines call has one).</summary>
    public int WatcherCount => _watchers.Count;

    public int RiskWindowDays => options.Value.RiskWindowDays;

    /// <summary>
    /// Returns once the projection has caught up. Refuses with UNAVAILABLE when storage cannot be
    /// reached (or catching up takes longer than the configured timeout) instead of hanging.
    /// </summary>
    public async Task WaitUntilCaughtUpAsync(CancellationToken cancellationToken)
    {
        if (HasCaughtUp)
        {
            return;
        }

        if (_lastFailure is { } failure)
        {
            throw Unavailable(failure);
        }

        var failed = _failed.Task;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.CatchUpTimeout);
        try
        {
            await Task.WhenAny(_caughtUp.Task, failed).WaitAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The configured timeout, not the caller, gave up.
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (!HasCaughtUp)
        {
            throw Unavailable(_lastFailure);
        }
    }

    /// <summary>Registers a watcher that is rung after every change until it is disposed.</summary>
    public ProjectionWatcher Watch()
    {
        var watcher = new ProjectionWatcher(this);
        _watchers.TryAdd(watcher, 0);
        return watcher;
    }

    internal void Unwatch(ProjectionWatcher watcher) => _watchers.TryRemove(watcher, out _);

    /// <summary>Applies one stored revision: a new or corrected event replaces its earlier revision; a retracted one removes it.</summary>
    internal void Apply(EventRecord record)
    {
        TimelineServiceLog.Applied(logger, record.EventId, record.Revision, record.Position);
        var before = _current;
        var after = Applied(before, record);
        if (!ReferenceEquals(before, after))
        {
            _current = after;
            Ring();
        }

        SignalMoved();
    }

    /// <summary>
    /// Applies consecutive stored revisions (a batch of the subscription), in order, as
    /// <see cref="Apply"/> does each: watchers are rung once for the batch, after its last revision.
    /// </summary>
    internal void Apply(IReadOnlyList<EventRecord> records)
    {
        var before = _current;
        var after = before;
        foreach (var record in records)
        {
            TimelineServiceLog.Applied(logger, record.EventId, record.Revision, record.Position);
            after = Applied(after, record);
        }

        if (!ReferenceEquals(before, after))
        {
            _current = after;
            Ring();
        }

        SignalMoved();
    }

    /// <summary>Records how far the subscription has examined the log (a checkpoint) without a change.</summary>
    internal void Advance(long position)
    {
        var current = _current;
        if (position > current.Position)
        {
            _current = current with { Position = position };
            SignalMoved();
        }
    }

    /// <summary>
    /// Returns once the projection has caught up and read the log at least up to
    /// <paramref name="minPosition"/>. Waits at most <paramref name="wait"/>, then refuses: with
    /// OUT_OF_RANGE (PAST_END_OF_LOG, naming min_position) when this replica follows storage live
    /// and neither it nor storage's head has reached the position (the log does not have it yet);
    /// otherwise with UNAVAILABLE (PROJECTION_BEHIND) naming the position it has reached, so the
    /// caller can try another replica that has read further.
    /// </summary>
    /// <param name="conclusive">
    /// Whether <paramref name="wait"/> is long enough to tell "past the end of the log" from "not
    /// seen yet" (longer than a checkpoint interval): false when the caller's deadline shortened it.
    /// </param>
    public async Task WaitForPositionAsync(long minPosition, TimeSpan wait, bool conclusive, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(wait);
        try
        {
            while (!(HasCaughtUp && _current.Position >= minPosition))
            {
                var moved = _moved.Task;
                if (HasCaughtUp && _current.Position >= minPosition)
                {
                    break;
                }

                // Before the catch-up the marker may come first; after it, only a move can help.
                await (HasCaughtUp ? moved : Task.WhenAny(moved, _caughtUp.Task)).WaitAsync(timeout.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The wait, not the caller, gave up.
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (conclusive && HasCaughtUp && IsLive && _current.Position < minPosition && StorageHead < minPosition)
        {
            // Following storage live for longer than a checkpoint interval and still short of it:
            // the log itself has not reached the position, so no replica can answer it (a position
            // an append returned is always in the log). Not retried: the caller asked past the end.
            throw new ProblemException(
                ProblemKind.OutOfRange,
                "PAST_END_OF_LOG",
                $"min_position {minPosition} is past the end of the log: this replica follows storage live and has read it up to position {_current.Position}; pass a position an append returned",
                [new FieldViolation("min_position", $"past the end of the log (position {_current.Position})")]);
        }

        if (!(HasCaughtUp && _current.Position >= minPosition))
        {
            var reached = HasCaughtUp ? $"has read the log up to position {_current.Position}" : $"has not caught up with storage yet (at position {_current.Position})";
            throw new ProblemException(
                ProblemKind.Unavailable,
                "PROJECTION_BEHIND",
                $"this replica {reached}, short of min_position {minPosition}, after waiting {wait.TotalSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)} s; try another replica or retry");
        }
    }

    /// <summary>Forgets everything, to rebuild from position 0 (storage's log is not the one projected).</summary>
    internal void Reset()
    {
        StopFollowing();
        _current = ProjectionSnapshot.Empty;
        Interlocked.Exchange(ref _storageHead, 0);
        Ring();
    }

    internal void MarkConnected() => _lastFailure = null;

    /// <summary>Records storage's head as announced when a subscription starts.</summary>
    internal void SawStorageHead(long head)
    {
        var known = Interlocked.Read(ref _storageHead);
        while (head > known)
        {
            var previous = Interlocked.CompareExchange(ref _storageHead, head, known);
            if (previous == known)
            {
                return;
            }

            known = previous;
        }
    }

    internal void MarkCaughtUp(long position)
    {
        Advance(position);
        SignalMoved();
        _live = true;
        Interlocked.Exchange(ref _stoppedFollowingAt, 0);
        _lastFailure = null;
        if (_caughtUp.TrySetResult())
        {
            TimelineServiceLog.CaughtUp(logger, _current.Position, _current.Deadlines.Count);
        }

        Ring();
    }

    /// <summary>The subscription failed; <paramref name="lastHeard"/> (a <see cref="TransportClock"/> timestamp) is when storage last answered, when known.</summary>
    internal void MarkFailed(Exception exception, long? lastHeard = null)
    {
        StopFollowing(lastHeard);
        _lastFailure = exception;
        var failed = _failed;
        _failed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        failed.TrySetResult();
    }

    private void StopFollowing(long? since = null)
    {
        _live = false;
        Interlocked.CompareExchange(ref _stoppedFollowingAt, since is > 0 ? since.Value : TransportClock.GetTimestamp(), 0);
    }

    private ProjectionSnapshot Applied(ProjectionSnapshot snapshot, EventRecord record)
    {
        var deadlines = snapshot.Deadlines;
        var position = Math.Max(snapshot.Position, record.Position);
        var index = snapshot.DeadlineOfEvent;
        var previous = index.TryGetValue(record.EventId, out var previousId) ? deadlines[previousId] : null;
        if (previous is not null && previous.Events[record.EventId].Record.Revision >= record.Revision)
        {
            return snapshot with { Position = position };
        }

        if (previous is not null)
        {
            var remaining = previous.Events.Remove(record.EventId);
            deadlines = remaining.IsEmpty ? deadlines.Remove(previous.DeadlineId) : deadlines.SetItem(previous.DeadlineId, new TrackedDeadline(previous.DeadlineId, remaining));
            index = index.Remove(record.EventId);
        }

        if (!record.Retracted && ToRuleEvent(record) is { } ruleEvent)
        {
            var id = record.Deadline.DeadlineId;
            var deadline = deadlines.TryGetValue(id, out var existing) ? existing : new TrackedDeadline(id, ImmutableDictionary<string, TrackedEvent>.Empty.WithComparers(StringComparer.Ordinal));
            deadlines = deadlines.SetItem(id, new TrackedDeadline(id, deadline.Events.SetItem(record.EventId, new TrackedEvent(record, ruleEvent))));
            index = index.SetItem(record.EventId, id);
        }

        return new ProjectionSnapshot(deadlines, position) { DeadlineOfEvent = index };
    }

    private DeadlineEvent? ToRuleEvent(EventRecord record)
    {
        var effect = record.Deadline;
        if (effect is null || string.IsNullOrEmpty(effect.DeadlineId) || effect.Effect == DeadlineEffectType.Unspecified)
        {
            return null;
        }

        if (!FuzzyDateProto.TryParseDay(record.Occurred?.Earliest, out var earliest) || !FuzzyDateProto.TryParseDay(record.Occurred?.Latest, out var latest))
        {
            TimelineServiceLog.EventIgnored(logger, record.EventId, record.Revision, "occurred has no earliest/latest day");
            return null;
        }

        var due = ProtoDates.ToDomain(effect.Due);
        if (due is null && effect.Effect is DeadlineEffectType.Set or DeadlineEffectType.Extended)
        {
            TimelineServiceLog.EventIgnored(logger, record.EventId, record.Revision, $"{effect.Effect} without a due date");
            return null;
        }

        return new DeadlineEvent
        {
            EventId = record.EventId,
            Revision = record.Revision,
            Position = record.Position,
            Title = record.Title,
            OccurredEarliest = earliest,
            OccurredLatest = latest,
            Effect = (DeadlineEffectKind)effect.Effect,
            Due = due,
            DeadlineTitle = string.IsNullOrEmpty(effect.Title) ? null : effect.Title,
            Responsible = string.IsNullOrEmpty(effect.Responsible) ? null : effect.Responsible,
        };
    }

    private void SignalMoved()
    {
        var moved = _moved;
        _moved = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        moved.TrySetResult();
    }

    private void Ring()
    {
        foreach (var watcher in _watchers.Keys)
        {
            watcher.Ring();
        }
    }

    private static ProblemException Unavailable(Exception? cause) => new(
        ProblemKind.Unavailable,
        "STORAGE_UNAVAILABLE",
        cause is null
            ? "the deadline projection has not caught up with the storage service yet; retry later"
            : $"the storage service cannot be reached ({cause.Message}); retry later");
}

/// <summary>
/// One watch's doorbell: a bounded channel of one slot. Rings coalesce, which loses nothing because
/// the watcher re-reads the whole current snapshot when it wakes.
/// </summary>
public sealed class ProjectionWatcher : IDisposable
{
    private readonly DeadlineProjection _projection;
    private readonly Channel<bool> _doorbell = Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });

    internal ProjectionWatcher(DeadlineProjection projection) => _projection = projection;

    /// <summary>Wakes the watcher (from the projection or from its timer).</summary>
    public void Ring() => _doorbell.Writer.TryWrite(true);

    /// <summary>Waits for the next ring.</summary>
    public async ValueTask WaitAsync(CancellationToken cancellationToken) => await _doorbell.Reader.ReadAsync(cancellationToken);

    public void Dispose()
    {
        _projection.Unwatch(this);
        _doorbell.Writer.TryComplete();
    }
}
