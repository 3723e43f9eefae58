using System.Data.Common;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Timeline.V1;

namespace Timeline.StorageService.Storage;

/// <summary>One stored revision as Dapper reads it, from either backend.</summary>
internal sealed class RevisionRow
{
    public long Position { get; init; }

    public string EventId { get; init; } = "";

    public long Revision { get; init; }

    public long RecordedAt { get; init; }

    public string RecordedBy { get; init; } = "";

    public byte[] Body { get; init; } = [];

    public long Earliest { get; init; }

    public long Latest { get; init; }

    public bool Retracted { get; init; }

    public EventRecord ToRecord() => RevisionRecord.From(Body, EventId, Revision, Position, RecordedAt, RecordedBy);
}

/// <summary>
/// One committed revision on its way to subscribers, the same for catch-up and live: its ids and
/// provenance from their columns, its content as the stored body's bytes (a plain data reader, no
/// parsing). A live revision also carries the record the writer committed (<see cref="Committed"/>),
/// which the live filter matches without parsing the body. Its wire form (<see cref="Entry"/>) is
/// made once, whatever the number of subscribers that send it.
/// </summary>
internal sealed record StoredRevision(long Position, string EventId, long Revision, long RecordedAt, string RecordedBy, byte[] Body)
{
    private byte[]? entry;
    private bool entryMade;
    private object? entryLock;

    public LogPosition LogPosition => new(Position);

    /// <summary>The record as the writer committed it (the body's content with these ids): a live revision's; null for one read from the database.</summary>
    public EventRecord? Committed { get; init; }

    /// <summary>
    /// The revision as an <see cref="EventRecord"/> field numbered 1 (tag, length, record), which is
    /// both the <c>event</c> of a <c>SubscribeEventsResponse</c> and an element of a
    /// <c>RevisionBatch</c>'s <c>events</c>: made on first use, once (<see cref="RevisionEntry"/>).
    /// </summary>
    public byte[] Entry => LazyInitializer.EnsureInitialized(ref entry, ref entryMade, ref entryLock, () => RevisionEntry.Of(this))!;

    /// <summary>The revision as the contract has it: the writer's record, or the body parsed (<see cref="RevisionRecord.From"/>).</summary>
    public EventRecord ToRecord() => Committed ?? RevisionRecord.From(Body, EventId, Revision, Position, RecordedAt, RecordedBy);

    /// <summary>Its ids and provenance alone, as an <see cref="EventRecord"/> without content (<see cref="RevisionRecord.Ids"/>).</summary>
    public EventRecord Ids() => RevisionRecord.Ids(EventId, Revision, Position, RecordedAt, RecordedBy);

    /// <summary>
    /// Every row of a reader whose first columns are <see cref="LogSql.RevisionColumns"/>, in that
    /// order, by ordinal: no mapper, one record per row.
    /// </summary>
    public static async Task<IReadOnlyList<StoredRevision>> ReadAllAsync(DbDataReader reader, int expected, CancellationToken cancellationToken)
    {
        var rows = new List<StoredRevision>(expected);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new StoredRevision(
                reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetString(4), reader.GetFieldValue<byte[]>(5)));
        }

        return rows;
    }
}

/// <summary>
/// A stored revision as the contract has it: its content (the body, an <see cref="EventRecord"/>
/// without ids, <see cref="RevisionBody"/>) with its ids and provenance, which live in columns of
/// their own. Parsed, the ids are set on the parsed body; on the wire, a body without id fields
/// followed by the ids' bytes is the same record (<c>Grpc/SubscriptionFrame</c>, <see cref="StoredBody"/>).
/// </summary>
internal static class RevisionRecord
{
    public static EventRecord From(byte[] body, string eventId, long revision, long position, long recordedAt, string recordedBy) =>
        SetIds(EventRecord.Parser.ParseFrom(body), eventId, revision, position, recordedAt, recordedBy);

    /// <summary>A record holding only the ids and provenance.</summary>
    public static EventRecord Ids(string eventId, long revision, long position, long recordedAt, string recordedBy) =>
        SetIds(new EventRecord(), eventId, revision, position, recordedAt, recordedBy);

    private static EventRecord SetIds(EventRecord record, string eventId, long revision, long position, long recordedAt, string recordedBy)
    {
        record.EventId = eventId;
        record.Revision = revision;
        record.Position = position;
        record.RecordedAt = RecordTime.ToTimestamp(recordedAt);
        record.RecordedBy = recordedBy;
        return record;
    }
}

/// <summary><c>recorded_at</c> as both backends store it: Unix time in microseconds, UTC.</summary>
internal static class RecordTime
{
    public static long ToMicros(DateTimeOffset time) => (time - DateTimeOffset.UnixEpoch).Ticks / 10;

    public static Timestamp ToTimestamp(long micros) => Timestamp.FromDateTimeOffset(DateTimeOffset.UnixEpoch.AddTicks(micros * 10));
}

/// <summary>The content of a revision: what is compared to decide whether a re-append is a no-op.</summary>
internal static class RevisionBody
{
    public static EventRecord FromNewEvent(NewEvent e)
    {
        var content = new EventRecord
        {
            Occurred = e.Occurred,
            Title = e.Title,
            Summary = e.Summary,
            Kind = e.Kind,
            Location = e.Location,
            Source = e.Source,
            Deadline = e.Deadline,
            Retracted = e.Retracted,
        };
        content.Actors.AddRange(e.Actors);
        content.Tags.AddRange(e.Tags);
        content.Attributes.Add(e.Attributes);
        return content;
    }

    public static byte[] Serialize(EventRecord content) => content.ToByteArray();
}
