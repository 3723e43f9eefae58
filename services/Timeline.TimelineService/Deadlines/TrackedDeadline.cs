using System.Collections.Immutable;
using Timeline.Domain.Deadlines;
using Timeline.V1;

namespace Timeline.TimelineService.Deadlines;

/// <summary>The current revision of one event that bears on a deadline, as stored and as the rules see it.</summary>
public sealed record TrackedEvent(EventRecord Record, DeadlineEvent Event);

/// <summary>One deadline of the projection: its events by id. Immutable: a change makes a new one.</summary>
public sealed class TrackedDeadline(string deadlineId, ImmutableDictionary<string, TrackedEvent> events)
{
    public string DeadlineId { get; } = deadlineId;

    public ImmutableDictionary<string, TrackedEvent> Events { get; } = events;

    /// <summary>The events as the rules see them, made once per version of the deadline.</summary>
    public IReadOnlyList<DeadlineEvent> RuleEvents { get; } = [.. events.Values.Select(e => e.Event)];

    public Domain.Deadlines.DeadlineStatus? Evaluate(DateOnly asOf, int riskWindowDays) =>
        DeadlineRules.Evaluate(DeadlineId, RuleEvents, asOf, riskWindowDays);

    public DateOnly? NextChange(DateOnly asOf, int riskWindowDays) =>
        DeadlineRules.NextChange(DeadlineId, RuleEvents, asOf, riskWindowDays);

    public IReadOnlyList<Domain.Deadlines.DeadlineStatus> Transitions(DateOnly from, DateOnly to, int riskWindowDays) =>
        DeadlineRules.Transitions(DeadlineId, RuleEvents, from, to, riskWindowDays);
}

/// <summary>What the projection knew at one moment: every deadline by id, and the log position it has seen.</summary>
public sealed record ProjectionSnapshot(ImmutableSortedDictionary<string, TrackedDeadline> Deadlines, long Position)
{
    public static readonly ProjectionSnapshot Empty = new(ImmutableSortedDictionary<string, TrackedDeadline>.Empty.WithComparers(StringComparer.Ordinal), 0);

    /// <summary>The deadlines asked for (all when <paramref name="ids"/> is empty), in id order.</summary>
    public IEnumerable<TrackedDeadline> Select(IReadOnlyCollection<string> ids) =>
        ids.Count == 0 ? Deadlines.Values : Deadlines.Values.Where(d => ids.Contains(d.DeadlineId));
}
