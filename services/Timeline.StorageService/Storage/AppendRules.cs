using System.Diagnostics;
using Timeline.Domain.Dates;
using Timeline.Domain.Validation;
using Timeline.V1;

namespace Timeline.StorageService.Storage;

/// <summary>
/// The append rules of ARCHITECTURE §3 for one event against its latest revision, the one home
/// both backends' writers call: <c>expected_revision</c>, content idempotency, retraction.
/// </summary>
internal static class AppendRules
{
    /// <summary>
    /// What to do with event <paramref name="index"/> of a batch, given its prepared content (null for a
    /// bare retraction) and the event's latest revision (null when it has none yet).
    /// </summary>
    /// <exception cref="ProblemException">FAILED_PRECONDITION on an <c>expected_revision</c> mismatch,
    /// NOT_FOUND for a retraction of an unknown event: the whole batch is refused.</exception>
    public static AppendDecision Decide(NewEvent e, int index, PreparedRevision? prepared, LatestRevision? latest)
    {
        var current = latest?.Revision ?? EventRevision.None;
        if (e.HasExpectedRevision && e.ExpectedRevision != current.Value)
        {
            // A retry of a conditional append whose acknowledgement was lost: the latest revision
            // is exactly what this request would have written (the revision after the expected one,
            // with the same content), so it is answered as the no-op it is, not refused.
            if (latest is not null && current.Value == e.ExpectedRevision + 1 && SameContent(prepared ?? PreparedRevision.Of(Tombstone(e, latest, index)), latest))
            {
                return AppendDecision.NoOp(latest);
            }

            throw new ProblemException(
                ProblemKind.FailedPrecondition,
                "REVISION_MISMATCH",
                $"events[{index}].expected_revision: expected revision {e.ExpectedRevision} of '{e.EventId}', but it is at {current}; nothing was stored",
                [new FieldViolation($"events[{index}].expected_revision", $"expected {e.ExpectedRevision}, current is {current}")]);
        }

        var content = prepared ?? PreparedRevision.Of(Tombstone(e, latest, index));
        return latest is not null && SameContent(content, latest)
            ? AppendDecision.NoOp(latest)
            : new AppendDecision(content, current.Next, null);
    }

    /// <summary>
    /// A stored revision as it is published and answered: the prepared content with its ids and
    /// provenance, and the body bytes it was stored as (what subscribers receive, <see cref="StoredRevision.Entry"/>).
    /// </summary>
    public static StoredRevision Committed(PreparedRevision revision, string eventId, EventRevision number, LogPosition position, long recordedAt, string recordedBy)
    {
        // The body is already serialized: the content itself becomes the published record.
        var record = revision.Content;
        record.EventId = eventId;
        record.Revision = number.Value;
        record.Position = position.Value;
        record.RecordedAt = RecordTime.ToTimestamp(recordedAt);
        record.RecordedBy = recordedBy;
        return new StoredRevision(position.Value, eventId, number.Value, recordedAt, recordedBy, revision.Body) { Committed = record };
    }

    private static bool SameContent(PreparedRevision content, LatestRevision latest) => content.Body.AsSpan().SequenceEqual(latest.Body);

    /// <summary>A bare retraction (no date given) stores the latest revision's content, marked retracted.</summary>
    private static EventRecord Tombstone(NewEvent e, LatestRevision? latest, int index)
    {
        if (latest is null)
        {
            throw new ProblemException(ProblemKind.NotFound, "EVENT_NOT_FOUND", $"events[{index}].event_id: no event '{e.EventId}' to retract; nothing was stored",
                [new FieldViolation($"events[{index}].event_id", "no such event to retract")]);
        }

        var content = EventRecord.Parser.ParseFrom(latest.Body);
        content.Retracted = true;
        return content;
    }
}

/// <summary>
/// The outcome of <see cref="AppendRules.Decide"/>: write <see cref="Content"/> as revision
/// <see cref="Revision"/>, or (when <see cref="Existing"/> is set) a no-op answering the existing revision.
/// </summary>
internal readonly record struct AppendDecision(PreparedRevision Content, EventRevision Revision, LatestRevision? Existing)
{
    public bool IsNoOp => Existing is not null;

    public static AppendDecision NoOp(LatestRevision latest) => new(null!, latest.Revision, latest);
}

/// <summary>A writer's view of an event's latest revision (with its provenance, so a no-op answers the stored record).</summary>
internal sealed record LatestRevision(LogPosition Position, EventRevision Revision, bool Retracted, byte[] Body, string? DeadlineId, long RecordedAt, string RecordedBy)
{
    /// <summary>The revision as the contract has it (a no-op's answer).</summary>
    public EventRecord ToRecord(string eventId) => RevisionRecord.From(Body, eventId, Revision.Value, Position.Value, RecordedAt, RecordedBy);
}

/// <summary>
/// An event's content, serialized body and day bounds (day numbers), worked out on the caller's
/// thread before it queues, so a writer spends its time on SQL.
/// </summary>
internal sealed record PreparedRevision(EventRecord Content, byte[] Body, int Earliest, int Latest)
{
    /// <summary>Null for a bare retraction, whose content is the latest revision's: only the writer can read that.</summary>
    public static PreparedRevision? For(NewEvent e) => e.Retracted && e.Occurred is null ? null : Of(RevisionBody.FromNewEvent(e));

    public static PreparedRevision Of(EventRecord content) => new(
        content,
        RevisionBody.Serialize(content),
        FuzzyDateProto.ParseDay(content.Occurred.Earliest).DayNumber,
        FuzzyDateProto.ParseDay(content.Occurred.Latest).DayNumber);

    /// <summary>The span class of the interval (see <see cref="SpanClasses"/>).</summary>
    public int SpanClass => SpanClasses.Of(Earliest, Latest);
}

/// <summary>A batch waiting for a writer, and the caller waiting for its commit.</summary>
internal sealed class PendingAppend(IReadOnlyList<NewEvent> events, string recordedBy)
{
    public IReadOnlyList<NewEvent> Events { get; } = events;

    public PreparedRevision?[] Prepared { get; } = [.. events.Select(PreparedRevision.For)];

    public string RecordedBy { get; } = recordedBy;

    /// <summary>The appending call's span, if traced, for the commit's link.</summary>
    public ActivityContext Caller { get; } = Activity.Current?.Context ?? default;

    public TaskCompletionSource<IReadOnlyList<AppendedEvent>> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The commit is refused for a reason of the service (shutting down, database failure): every batch of it alike.</summary>
    public static void FailAll(IEnumerable<PendingAppend> group, Exception error)
    {
        foreach (var pending in group)
        {
            pending.Completion.TrySetException(error);
        }
    }
}
