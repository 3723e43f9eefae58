using System.Collections.Immutable;
using Timeline.Domain.Dates;
using Timeline.Domain.Deadlines;
using Timeline.V1;

namespace Timeline.TimelineServer.Deadlines;

/// <summary>The current revision of one event that bears on a deadline, as stored and as the rules see it.</summary>
public sealed record TrackedEvent(EventRecord Record, DeadlineEvent Event);

/// <summary>One deadline of the projection: its events by id. Immutable: a change makes a new one.</summary>
public sealed class TrackedDeadline(string deadlineId, ImmutableDictionary<string, TrackedEvent> events)
{
    public string DeadlineId { get; } = deadlineId;

    public ImmutableDictionary<string, TrackedEvent> Events { get; } = events;

    /// <summary>The events as the rules see them, made once per version of the deadline.</summary>
    public IReadOnlyList<DeadlineEvent> RuleEvents { get; } = [.. events.Values.Select(e => e.Event)];

    // One deadline version is shared by every watch: the status and the next change of the day
    // are computed once and reused (a watch of 10,000 deadlines re-reads all of them on each
    // change). Each cache is one immutable object swapped whole, so concurrent readers are safe.
    private DayResult<Domain.Deadlines.DeadlineStatus?>? evaluated;
    private DayResult<CalendarDay?>? nextChange;

    public Domain.Deadlines.DeadlineStatus? Evaluate(CalendarDay asOf, int riskWindowDays)
    {
        if (Volatile.Read(ref evaluated) is { } cached && cached.AsOf == asOf && cached.RiskWindowDays == riskWindowDays)
        {
            return cached.Value;
        }

        var status = DeadlineRules.Evaluate(DeadlineId, RuleEvents, asOf, riskWindowDays);
        Volatile.Write(ref evaluated, new(asOf, riskWindowDays, status));
        return status;
    }

    public CalendarDay? NextChange(CalendarDay asOf, int riskWindowDays)
    {
        if (Volatile.Read(ref nextChange) is { } cached && cached.AsOf == asOf && cached.RiskWindowDays == riskWindowDays)
        {
            return cached.Value;
        }

        var next = DeadlineRules.NextChange(DeadlineId, RuleEvents, asOf, riskWindowDays);
        Volatile.Write(ref nextChange, new(asOf, riskWindowDays, next));
        return next;
    }

    public IReadOnlyList<Domain.Deadlines.DeadlineStatus> Transitions(CalendarDay from, CalendarDay to, int riskWindowDays) =>
        DeadlineRules.Transitions(DeadlineId, RuleEvents, from, to, riskWindowDays);
}

/// <summary>A result computed for one day and risk window.</summary>
internal sealed record DayResult<T>(CalendarDay AsOf, int RiskWindowDays, T Value);

/// <summary>What the projection knew at one moment: every deadline by id, and the log position it has seen.</summary>
public sealed record ProjectionSnapshot(ImmutableSortedDictionary<string, TrackedDeadline> Deadlines, long Position)
{
    public static readonly ProjectionSnapshot Empty = new(ImmutableSortedDictionary<string, TrackedDeadline>.Empty.WithComparers(StringComparer.Ordinal), 0);

    /// <summary>Each tracked event's deadline, so applying a revision finds the one it replaces without visiting every deadline.</summary>
    public ImmutableDictionary<string, string> DeadlineOfEvent { get; init; } = ImmutableDictionary<string, string>.Empty.WithComparers(StringComparer.Ordinal);

    /// <summary>The deadlines asked for (all when <paramref name="ids"/> is empty), in id order.</summary>
    public IEnumerable<TrackedDeadline> Select(IReadOnlyCollection<string> ids) =>
        ids.Count == 0
            ? Deadlines.Values
            : ids.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Select(id => Deadlines.GetValueOrDefault(id)).OfType<TrackedDeadline>();
}
