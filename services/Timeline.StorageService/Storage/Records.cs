using System.Data.Common;
using System.Text;
using System.Text.Unicode;
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
/// One committed revision on its way to live subscribers: its ids and provenance, its content as
/// the stored body's bytes, and the record the writer committed (<see cref="Committed"/>), which
/// the live filter matches without parsing the body (the PostgreSQL tail reads it from the
/// database, without one). Its wire form (<see cref="Entry"/>, the same bytes a catch-up page's
/// <see cref="WirePage"/> writes) is made once, whatever the number of subscribers that send it.
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
}

/// <summary>
/// One revision ready for a subscription's stream: its position and its entry, the bytes it goes
/// on the wire as (<see cref="RevisionEntry"/>), caught up or live alike.
/// </summary>
internal readonly record struct WireRevision(long Position, ReadOnlyMemory<byte> Entry)
{
    public LogPosition LogPosition => new(Position);

    public static WireRevision Of(StoredRevision revision) => new(revision.Position, revision.Entry);
}

/// <summary>
/// A page of revisions read from the database straight into their wire form: each row's entry
/// (<see cref="RevisionEntry"/>) is written into a buffer shared by the rows as the row is read, so a
/// row costs no object, no string and no copy of its body but the one into the buffer. The buffers
/// stay under the large object heap's threshold (a larger entry gets one of its own). A row whose
/// body does not pass through, or whose texts are not UTF-8, takes <see cref="StoredRevision"/>'s path.
/// </summary>
internal sealed class WirePage(int expected)
{
    private const int BufferSize = 64 * 1024;

    private readonly List<WireRevision> revisions = new(expected);
    private byte[] buffer = [];
    private int used;

    public IReadOnlyList<WireRevision> Revisions => revisions;

    /// <summary>Adds a row, its text columns as their UTF-8 bytes.</summary>
    public void Add(long position, ReadOnlySpan<byte> eventId, long revision, long recordedAt, ReadOnlySpan<byte> recordedBy, ReadOnlySpan<byte> body)
    {
        if (!StoredBody.PassesThrough(body) || !Utf8.IsValid(eventId) || !Utf8.IsValid(recordedBy))
        {
            var stored = new StoredRevision(position, Encoding.UTF8.GetString(eventId), revision, recordedAt, Encoding.UTF8.GetString(recordedBy), body.ToArray());
            revisions.Add(WireRevision.Of(stored));
            return;
        }

        var ids = new RevisionEntry.Ids(eventId, revision, position, recordedAt, recordedBy);
        var size = RevisionEntry.SizeOf(body.Length, ids);
        if (size > buffer.Length - used)
        {
            buffer = new byte[Math.Max(size, BufferSize)];
            used = 0;
        }

        var entry = buffer.AsMemory(used, size);
        RevisionEntry.Write(entry.Span, body, ids);
        used += size;
        revisions.Add(new WireRevision(position, entry));
    }

    /// <summary>
    /// Every row of a reader whose first columns are <see cref="LogSql.RevisionColumns"/>, in that
    /// order, by ordinal (the texts as strings: the provider decodes them).
    /// </summary>
    public static async Task<IReadOnlyList<WireRevision>> ReadAllAsync(DbDataReader reader, int expected, CancellationToken cancellationToken)
    {
        var page = new WirePage(expected);
        var body = new byte[4096];
        var texts = new byte[1024];
        while (await reader.ReadAsync(cancellationToken))
        {
            var length = (int)reader.GetBytes(5, 0, null, 0, 0);
            if (length > body.Length)
            {
                body = new byte[Math.Max(length, body.Length * 2)];
            }

            reader.GetBytes(5, 0, body, 0, length);
            var eventId = reader.GetString(1);
            var recordedBy = reader.GetString(4);
            var textLength = Encoding.UTF8.GetMaxByteCount(eventId.Length + recordedBy.Length);
            if (textLength > texts.Length)
            {
                texts = new byte[textLength];
            }

            var idLength = Encoding.UTF8.GetBytes(eventId, texts);
            var byLength = Encoding.UTF8.GetBytes(recordedBy, texts.AsSpan(idLength));
            page.Add(reader.GetInt64(0), texts.AsSpan(0, idLength), reader.GetInt64(2), reader.GetInt64(3), texts.AsSpan(idLength, byLength), body.AsSpan(0, length));
        }

        return page.Revisions;
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

    public static Timestamp ToTimestamp(long micros)
    {
        var (seconds, nanos) = Split(micros);
        return new Timestamp { Seconds = seconds, Nanos = nanos };
    }

    /// <summary>A <see cref="Timestamp"/>'s seconds and nanos for <paramref name="micros"/>: nanos in [0, 1e9), as Protobuf normalizes them.</summary>
    public static (long Seconds, int Nanos) Split(long micros)
    {
        var seconds = Math.DivRem(micros, 1_000_000, out var rest);
        return rest < 0 ? (seconds - 1, (int)(rest + 1_000_000) * 1_000) : (seconds, (int)rest * 1_000);
    }
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
