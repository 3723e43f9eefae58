using Timeline.Domain.Events;
using Timeline.V1;

namespace Timeline.StorageService.Storage;

/// <summary>
/// The event log as the gRPC layer needs it (ARCHITECTURE §3, §9): append a batch; read one event
/// (current, one revision, or as known at a time); its history; the current or known-at view in
/// chronological keyset pages; revisions after a position up to a head; the head. Implemented by
/// <see cref="Sqlite.SqliteEventLog"/> and <see cref="Postgres.PostgresEventLog"/>.
/// <para>
/// What crosses: the contract's messages as payload (<see cref="NewEvent"/> in, already validated
/// and normalized; <see cref="EventRecord"/> out, or a <see cref="WireRevision"/> whose entry is one), since they are the content the log stores and
/// mirroring them would be a second shape to keep in step (docs/adr/0004); everything else is a
/// domain value: <see cref="LogPosition"/>, <see cref="EventRevision"/>, <see cref="EventVersion"/>,
/// <see cref="EventCriteria"/>, <see cref="ChronologicalKey"/>, <see cref="DateTimeOffset"/>. No
/// Dapper, SQLite, Npgsql or gRPC type (no ServerCallContext, stream writer, Metadata, RpcException,
/// Timestamp): the test <c>SeamTests</c> checks by reflection.
/// </para>
/// <para>
/// Failures are <see cref="Timeline.Domain.Validation.ProblemException"/>s: a refusal that is the
/// caller's (REVISION_MISMATCH, EVENT_NOT_FOUND) or UNAVAILABLE when the database could not answer.
/// </para>
/// </summary>
internal interface IEventLog
{
    /// <summary>
    /// Appends a validated batch atomically and completes once it is durably committed: one result
    /// per event, in order (a no-op when the event's latest revision has the same content).
    /// </summary>
    Task<IReadOnlyList<AppendedEvent>> AppendAsync(IReadOnlyList<NewEvent> events, string recordedBy);

    /// <summary>One event as it stands, at a revision, or as known at a time; null when there is none.</summary>
    Task<EventRecord?> ReadEventAsync(string eventId, EventVersion version, CancellationToken cancellationToken);

    /// <summary>Every revision of an event, oldest first; empty when there is no such event.</summary>
    Task<IReadOnlyList<EventRecord>> ReadHistoryAsync(string eventId, CancellationToken cancellationToken);

    /// <summary>
    /// One page of the current view (or the view as known at <paramref name="knownAt"/>), tombstones
    /// left out, in chronological order (earliest, latest, position), strictly after <paramref name="after"/>.
    /// </summary>
    Task<EventPage> ListAsync(EventCriteria criteria, DateTimeOffset? knownAt, ChronologicalKey? after, int pageSize, CancellationToken cancellationToken);

    /// <summary>
    /// Matching revisions in log order with position in (<paramref name="after"/>, <paramref name="upTo"/>],
    /// at most <paramref name="limit"/>; a deadline filter also keeps a revision whose previous one bore on the deadline.
    /// In their wire form, read straight from the rows (<see cref="WirePage"/>): the bodies are not parsed.
    /// </summary>
    Task<IReadOnlyList<WireRevision>> ReadAfterAsync(LogPosition after, LogPosition upTo, EventCriteria criteria, int limit, CancellationToken cancellationToken);

    /// <summary>The last committed position in the database (0 for an empty log).</summary>
    Task<LogPosition> ReadHeadAsync(CancellationToken cancellationToken);
}
