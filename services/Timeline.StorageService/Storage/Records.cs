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

internal static class RevisionRecord
{
    /// <summary>A stored revision as the contract has it: its content (the body) with its ids and provenance.</summary>
    public static EventRecord From(byte[] body, string eventId, long revision, long position, long recordedAt, string recordedBy)
    {
        var record = EventRecord.Parser.ParseFrom(body);
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
