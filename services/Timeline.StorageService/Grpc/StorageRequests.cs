using Timeline.Domain.Events;
using Timeline.Domain.Validation;
using Timeline.Storage.V1;
using Timeline.StorageService.Storage;
using Timeline.V1;

namespace Timeline.StorageService.Grpc;

/// <summary>A ListEvents request, checked: what the log is asked for and how its page token is bound.</summary>
internal sealed record ListQuery(EventCriteria Criteria, DateTimeOffset? KnownAt, ChronologicalKey? After, int PageSize, ulong Fingerprint);

/// <summary>
/// What each EventStoreService request must hold, one entry per request, checked before the log is
/// called: the batch and its events (<see cref="NewEventValidator"/>), the filter
/// (<see cref="EventCriteria"/>), page size and token (<see cref="PageSizePolicy"/>,
/// <see cref="PageToken"/>), the event id and version of a read. Every text field is text both
/// databases hold (<see cref="StoredText"/>), so no request reaches a database with what it refuses. Each throws a
/// <see cref="ProblemException"/> naming the field and the reason. What depends on the log's state
/// (a position past its head, an unknown event) is the log's to say.
/// </summary>
internal sealed class StorageRequests(EventLimits limits)
{
    private readonly NewEventValidator validator = new(limits);

    /// <summary>The batch's events, normalized (ids still empty where the caller left them so).</summary>
    public List<NewEvent> Check(AppendEventsRequest request)
    {
        if (request.Events.Count == 0)
        {
            throw ProblemException.Invalid("events", "required: at least one event");
        }

        if (request.Events.Count > limits.MaxBatchSize)
        {
            throw ProblemException.Invalid("events", $"at most {limits.MaxBatchSize} events per batch, got {request.Events.Count}");
        }

        var violations = new List<FieldViolation>();
        var normalized = new List<NewEvent>(request.Events.Count);
        for (var i = 0; i < request.Events.Count; i++)
        {
            if (validator.Normalize(request.Events[i], $"events[{i}]", violations) is { } e)
            {
                normalized.Add(e);
            }
        }

        return violations.Count > 0 ? throw ProblemException.Invalid(violations, NewEventValidator.ReasonFor(violations)) : normalized;
    }

    public EventVersion Check(GetEventRequest request)
    {
        RequireEventId(request.EventId);
        if (request.Revision < 0)
        {
            throw ProblemException.Invalid("revision", "must not be negative");
        }

        if (request.Revision > 0 && request.KnownAt is not null)
        {
            throw ProblemException.Invalid("known_at", "give either revision or known_at, not both");
        }

        return (request.KnownAt, request.Revision) switch
        {
            ({ } knownAt, _) => new EventVersion.KnownAt(knownAt.ToDateTimeOffset()),
            (_, > 0) => new EventVersion.AtRevision(new EventRevision(request.Revision)),
            _ => EventVersion.Current.Instance,
        };
    }

    public void Check(GetEventHistoryRequest request) => RequireEventId(request.EventId);

    public ListQuery Check(ListEventsRequest request)
    {
        var size = limits.PageSizes.Resolve(request.PageSize);
        var criteria = EventCriteria.Check(request.Filter, limits);
        var fingerprint = PageTokens.Fingerprint(request.Filter, request.KnownAt);
        return new ListQuery(criteria, request.KnownAt?.ToDateTimeOffset(), PageToken.Decode(request.PageToken, fingerprint), size, fingerprint);
    }

    public (LogPosition From, EventCriteria Criteria, SubscriptionBatches Batches) Check(SubscribeEventsRequest request)
    {
        var criteria = EventCriteria.Check(request.Filter, limits);
        if (request.FromPosition < 0)
        {
            throw ProblemException.Invalid("from_position", "must not be negative (0 = from the start)");
        }

        if (request.MaxBatchRevisions < 0)
        {
            throw ProblemException.Invalid("max_batch_revisions", "must not be negative (0 = one revision per message, unless max_batch_bytes is set)");
        }

        if (request.MaxBatchBytes < 0)
        {
            throw ProblemException.Invalid("max_batch_bytes", "must not be negative (0 = the default bound, 1 MiB)");
        }

        return (new LogPosition(request.FromPosition), criteria, SubscriptionBatches.Of(request.MaxBatchRevisions, request.MaxBatchBytes));
    }

    private void RequireEventId(string eventId)
    {
        if (eventId.Length == 0)
        {
            throw ProblemException.Invalid("event_id", "required");
        }

        if (eventId.Length > limits.MaxEventIdLength)
        {
            throw ProblemException.Invalid("event_id", $"at most {limits.MaxEventIdLength} characters");
        }

        if (StoredText.Problem(eventId) is { } problem)
        {
            throw ProblemException.Invalid("event_id", $"'{NewEventValidator.Quote(eventId)}' {problem}");
        }
    }
}
