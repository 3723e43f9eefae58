using Timeline.Domain.Validation;
using Timeline.V1;

namespace Timeline.StorageService.Storage;

/// <summary>
/// What one group commit writes, decided in memory before anything reaches the database, the one
/// home both backends' writers call. Given the latest stored revision of every event the group
/// touches (one set-based read per group) and the last position of the log, each batch is decided
/// with <see cref="AppendRules"/> against what is stored and what the earlier batches of the group
/// staged; a refused batch is dropped here alone, so nothing of it is ever written and no
/// savepoint is needed. Positions follow the log's head without gaps, in the group's order.
/// </summary>
internal sealed class GroupPlan
{
    private readonly Dictionary<string, int> lastOfEvent = new(StringComparer.Ordinal);
    private readonly IReadOnlyDictionary<string, LatestRevision> stored;

    private GroupPlan(IReadOnlyDictionary<string, LatestRevision> stored) => this.stored = stored;

    /// <summary>The new revisions, in position order.</summary>
    public List<PlannedRevision> Revisions { get; } = [];

    /// <summary>The new revisions as they are published and answered.</summary>
    public List<StoredRevision> Committed { get; } = [];

    /// <summary>For each new revision whose event bore on a deadline before it: that deadline, by position.</summary>
    public Dictionary<long, string> PreviousDeadlines { get; } = [];

    public List<BatchOutcome> Outcomes { get; } = [];

    /// <summary>The last position the plan hands out (the head it was given when it writes nothing).</summary>
    public LogPosition Head { get; private set; }

    /// <summary>Every event id the group touches, once each: what the writer reads the latest revisions of.</summary>
    public static string[] EventIds(List<PendingAppend> group) =>
        [.. group.SelectMany(p => p.Events).Select(e => e.EventId).Distinct(StringComparer.Ordinal)];

    /// <summary>
    /// Decides the group. <paramref name="stored"/> holds the latest stored revision of each event
    /// the group touches that has one (an event missing from it has none).
    /// </summary>
    public static GroupPlan Decide(List<PendingAppend> group, IReadOnlyDictionary<string, LatestRevision> stored, LogPosition head, long recordedAt)
    {
        var plan = new GroupPlan(stored) { Head = head };
        var latestOf = new Dictionary<string, LatestRevision>(stored, StringComparer.Ordinal);
        foreach (var pending in group)
        {
            // The batch's changes are staged apart, so a refusal drops exactly this batch.
            var staged = new Dictionary<string, LatestRevision>(StringComparer.Ordinal);
            var batchRows = new List<(NewEvent Event, AppendDecision Decision, LogPosition Position, LatestRevision? Previous, int Result)>();
            var results = new List<AppendedEvent>(pending.Events.Count);
            try
            {
                for (var i = 0; i < pending.Events.Count; i++)
                {
                    var e = pending.Events[i];
                    var latest = staged.GetValueOrDefault(e.EventId) ?? latestOf.GetValueOrDefault(e.EventId);
                    var decision = AppendRules.Decide(e, i, pending.Prepared[i], latest);
                    if (decision.Existing is { } existing)
                    {
                        results.Add(new AppendedEvent(e.EventId, existing.Revision, existing.Position, NoOp: true, existing.ToRecord(e.EventId)));
                        continue;
                    }

                    var position = new LogPosition(plan.Head.Value + batchRows.Count + 1);
                    var content = decision.Content.Content;
                    staged[e.EventId] = new LatestRevision(position, decision.Revision, content.Retracted, decision.Content.Body, content.Deadline?.DeadlineId, recordedAt, pending.RecordedBy);
                    batchRows.Add((e, decision, position, latest, results.Count));

                    // Its record is made once the batch is accepted (below).
                    results.Add(null!);
                }
            }
            catch (ProblemException problem)
            {
                plan.Outcomes.Add(new BatchOutcome(pending, null, problem));
                continue;
            }

            foreach (var (eventId, latest) in staged)
            {
                latestOf[eventId] = latest;
            }

            foreach (var (e, decision, position, previous, result) in batchRows)
            {
                plan.lastOfEvent[e.EventId] = plan.Revisions.Count;
                plan.Revisions.Add(new PlannedRevision(e.EventId, decision.Revision, position, decision.Content, pending.RecordedBy));
                var committed = AppendRules.Committed(decision.Content, e.EventId, decision.Revision, position, recordedAt, pending.RecordedBy);
                plan.Committed.Add(committed);
                results[result] = new AppendedEvent(e.EventId, decision.Revision, position, NoOp: false, committed.Committed!);
                if (previous?.DeadlineId is { } previousDeadline)
                {
                    plan.PreviousDeadlines[position.Value] = previousDeadline;
                }
            }

            plan.Head = new LogPosition(plan.Head.Value + batchRows.Count);
            plan.Outcomes.Add(new BatchOutcome(pending, results, null));
        }

        return plan;
    }

    /// <summary>
    /// Each event's new latest revision (the group's last revision of it) for the current view, in
    /// event id order, and whether the view already holds a row for that event (an update) or not
    /// (an insert): the writer knows which from its read, so it needs no conflict check.
    /// </summary>
    public IEnumerable<(PlannedRevision Revision, bool InView)> CurrentRows() =>
        lastOfEvent.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => (Revisions[p.Value], stored.ContainsKey(p.Key)));

    /// <summary>A row per tag of each new revision, in key order (tag, position), so the inserts walk each B-tree once.</summary>
    public List<(string Value, long Position)> TagRows() => KeyRows(r => r.Record.Tags);

    /// <summary>A row per distinct actor of each new revision, in key order (actor, position).</summary>
    public List<(string Value, long Position)> ActorRows() => KeyRows(r => r.Record.Actors);

    private List<(string Value, long Position)> KeyRows(Func<PlannedRevision, IEnumerable<string>> values)
    {
        var rows = new List<(string Value, long Position)>();
        foreach (var revision in Revisions)
        {
            // Validation deduplicates; a tombstone's content comes from a stored body, so once more here.
            foreach (var value in values(revision).Distinct(StringComparer.Ordinal))
            {
                rows.Add((value, revision.Position.Value));
            }
        }

        rows.Sort((a, b) => string.CompareOrdinal(a.Value, b.Value) is var c && c != 0 ? c : a.Position.CompareTo(b.Position));
        return rows;
    }
}

/// <summary>One new revision of a group commit: its event, number, position, content and provenance.</summary>
internal sealed record PlannedRevision(string EventId, EventRevision Revision, LogPosition Position, PreparedRevision Content, string RecordedBy)
{
    public EventRecord Record => Content.Content;

    public string Country => Record.Location?.Country ?? string.Empty;

    public string? DeadlineId => Record.Deadline?.DeadlineId;
}
