using Timeline.Domain.Dates;

namespace Timeline.Domain.Deadlines;

/// <summary>What an event does to a deadline. Numbers match <c>timeline.v1.DeadlineEffectType</c>.</summary>
public enum DeadlineEffectKind
{
    Set = 1,
    Reaffirmed = 2,
    Risk = 3,
    Progress = 4,
    Extended = 5,
    Met = 6,
    Cancelled = 7,
}

/// <summary>Where a deadline stands. Numbers match <c>timeline.v1.DeadlineState</c>.</summary>
public enum DeadlineState
{
    OnTrack = 1,
    AtRisk = 2,
    Met = 3,
    MetLate = 4,
    Missed = 5,
    Cancelled = 6,
}

/// <summary>
/// One event (its current revision) as the deadline rules see it: when it occurred, as an
/// interval of days, and what it does to the deadline.
/// </summary>
public sealed record DeadlineEvent
{
    public required string EventId { get; init; }

    public long Revision { get; init; } = 1;

    /// <summary>Log position; breaks ties between events that count on the same day.</summary>
    public long Position { get; init; }

    /// <summary>The event's own title, e.g. "UN warns tensions may impede MINUSMA's departure".</summary>
    public string Title { get; init; } = "";

    public required CalendarDay OccurredEarliest { get; init; }

    public required CalendarDay OccurredLatest { get; init; }

    public required DeadlineEffectKind Effect { get; init; }

    /// <summary>The due date; required for <see cref="DeadlineEffectKind.Set"/> and <see cref="DeadlineEffectKind.Extended"/>.</summary>
    public FuzzyDate? Due { get; init; }

    /// <summary>What is promised (the deadline's title), given with SET.</summary>
    public string? DeadlineTitle { get; init; }

    /// <summary>Who answers for the deadline.</summary>
    public string? Responsible { get; init; }

    /// <summary>The day from which the event counts: once it has certainly happened.</summary>
    public CalendarDay CountsFrom => OccurredLatest;
}

/// <summary>One event behind a status, and why it counts.</summary>
public sealed record DeadlineReason(DeadlineEvent Event, string Explanation);

/// <summary>A deadline's status as of a day (ARCHITECTURE §5), with what caused it.</summary>
public sealed record DeadlineStatus
{
    public required string DeadlineId { get; init; }

    public required string Title { get; init; }

    public string? Responsible { get; init; }

    public required DeadlineState State { get; init; }

    /// <summary>The due date in force (after any extension).</summary>
    public required FuzzyDate Due { get; init; }

    /// <summary>The due date first set.</summary>
    public required FuzzyDate OriginalDue { get; init; }

    /// <summary>Whole days from <see cref="AsOf"/> to the due date's latest day; negative once past.</summary>
    public required int DaysRemaining { get; init; }

    /// <summary>The day this status holds for.</summary>
    public required CalendarDay AsOf { get; init; }

    /// <summary>The day this status began.</summary>
    public required CalendarDay Since { get; init; }

    /// <summary>The events behind the status, most relevant first.</summary>
    public required IReadOnlyList<DeadlineReason> Reasons { get; init; }

    /// <summary>
    /// True when both describe the same status: the same state against the same due date, title and
    /// responsible actor. The day, the days remaining and the reasons may differ. A change of any of
    /// these starts a new status (and a watcher is told).
    /// </summary>
    public bool IsSameStatusAs(DeadlineStatus? other) =>
        other is not null
        && other.DeadlineId == DeadlineId
        && other.State == State
        && other.Due.Earliest == Due.Earliest
        && other.Due.Latest == Due.Latest
        && other.Due.Edtf == Due.Edtf
        && other.Title == Title
        && other.Responsible == Responsible;
}
