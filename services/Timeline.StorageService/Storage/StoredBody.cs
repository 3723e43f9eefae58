using System.Text;
using System.Text.Unicode;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;
using Timeline.V1;

namespace Timeline.StorageService.Storage;

/// <summary>
/// Whether a stored body can go to a client byte for byte, followed by its revision's ids
/// (<see cref="RevisionRecord"/>): true when the generated parser reads it as exactly the content a
/// parse would give, and it holds none of the id fields that the columns supply. Every body the
/// writers store passes: <see cref="RevisionBody"/> builds it from the content fields of a
/// validated <see cref="NewEvent"/> and Google.Protobuf serializes it. A body that does not pass (a
/// row written by other means, damaged bytes) takes the parsing path, as every body did before:
/// parsed, its ids set, serialized again; if it cannot be parsed the stream fails, and no client
/// ever receives a record it cannot read.
/// <para>
/// The walk is the parser's, without allocating: each tag and varint well-formed, each length
/// inside its message, each known field with the wire type the parser expects for it, strings valid
/// UTF-8, nested messages (and map entries) walked by their own descriptors; unknown fields are
/// kept, as the parser keeps them, except groups (deprecated, never written by proto3).
/// </para>
/// </summary>
internal static class StoredBody
{
    /// <summary>Deeper than this takes the parsing path (the content nests three levels: a deadline's due date).</summary>
    private const int MaxDepth = 16;

    /// <summary>What the walk expects of each field number of <see cref="EventRecord"/> and the messages in it, built once.</summary>
    private static readonly Shape Content = Shape.Of(EventRecord.Descriptor,
        refused: [EventRecord.EventIdFieldNumber, EventRecord.RevisionFieldNumber, EventRecord.PositionFieldNumber, EventRecord.RecordedAtFieldNumber, EventRecord.RecordedByFieldNumber]);

    public static bool PassesThrough(ReadOnlySpan<byte> body) => Walk(Content, body, 0);

    private static bool Walk(Shape shape, ReadOnlySpan<byte> bytes, int depth)
    {
        if (depth > MaxDepth)
        {
            return false;
        }

        var i = 0;
        while (i < bytes.Length)
        {
            if (!TryVarint(bytes, ref i, out var tag) || tag > uint.MaxValue)
            {
                return false;
            }

            var number = WireFormat.GetTagFieldNumber((uint)tag);
            if (number == 0)
            {
                return false;
            }

            var kind = shape.KindOf(number);
            switch (WireFormat.GetTagWireType((uint)tag))
            {
                case WireFormat.WireType.Varint when kind is Kind.Unknown or Kind.Varint:
                    if (!TryVarint(bytes, ref i, out _))
                    {
                        return false;
                    }

                    break;
                case WireFormat.WireType.Fixed64 when kind is Kind.Unknown or Kind.Fixed64:
                    if (!Skip(bytes, ref i, 8))
                    {
                        return false;
                    }

                    break;
                case WireFormat.WireType.Fixed32 when kind is Kind.Unknown or Kind.Fixed32:
                    if (!Skip(bytes, ref i, 4))
                    {
                        return false;
                    }

                    break;
                case WireFormat.WireType.LengthDelimited when kind is Kind.Unknown or Kind.Bytes or Kind.String or Kind.Message:
                    if (!TryVarint(bytes, ref i, out var length) || length > (ulong)(bytes.Length - i))
                    {
                        return false;
                    }

                    var value = bytes.Slice(i, (int)length);
                    i += (int)length;
                    if ((kind == Kind.String && !Utf8.IsValid(value)) || (kind == Kind.Message && !Walk(shape.Nested[number]!, value, depth + 1)))
                    {
                        return false;
                    }

                    break;

                // An id field, a wire type the parser does not read the field with (it would keep it
                // as unknown), a packed repeated scalar (the content has none), a group.
                default:
                    return false;
            }
        }

        return true;
    }

    private static bool Skip(ReadOnlySpan<byte> bytes, ref int i, int count)
    {
        if (bytes.Length - i < count)
        {
            return false;
        }

        i += count;
        return true;
    }

    /// <summary>A base-128 varint of at most 10 bytes, as the parser reads one.</summary>
    private static bool TryVarint(ReadOnlySpan<byte> bytes, ref int i, out ulong value)
    {
        value = 0;
        for (var shift = 0; shift < 70 && i < bytes.Length; shift += 7)
        {
            var b = bytes[i++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>How the parser reads a field: by the wire type it expects, or not at all (refused).</summary>
    private enum Kind : byte
    {
        Unknown,
        Varint,
        Fixed64,
        Fixed32,
        String,
        Bytes,
        Message,
        Refused,
    }

    /// <summary>A message descriptor as arrays indexed by field number (a dictionary lookup per field cost more than the rest of the walk).</summary>
    private sealed class Shape
    {
        private readonly Kind[] kinds;

        private Shape(int size)
        {
            kinds = new Kind[size];
            Nested = new Shape?[size];
        }

        public Shape?[] Nested { get; }

        public Kind KindOf(int number) => number < kinds.Length ? kinds[number] : Kind.Unknown;

        public static Shape Of(MessageDescriptor descriptor, int[] refused)
        {
            var shape = Of(descriptor, new Dictionary<MessageDescriptor, Shape>());
            foreach (var number in refused)
            {
                shape.kinds[number] = Kind.Refused;
            }

            return shape;
        }

        private static Shape Of(MessageDescriptor descriptor, Dictionary<MessageDescriptor, Shape> built)
        {
            if (built.TryGetValue(descriptor, out var known))
            {
                return known;
            }

            var fields = descriptor.Fields.InFieldNumberOrder();
            var shape = new Shape(fields.Count == 0 ? 1 : fields[^1].FieldNumber + 1);
            built[descriptor] = shape;
            foreach (var field in fields)
            {
                shape.kinds[field.FieldNumber] = KindOf(field);
                if (field.FieldType == FieldType.Message)
                {
                    shape.Nested[field.FieldNumber] = Of(field.MessageType, built);
                }
            }

            return shape;
        }

        private static Kind KindOf(FieldDescriptor field) => field.FieldType switch
        {
            FieldType.Int32 or FieldType.Int64 or FieldType.UInt32 or FieldType.UInt64 or FieldType.SInt32 or FieldType.SInt64 or FieldType.Bool or FieldType.Enum => Kind.Varint,
            FieldType.Double or FieldType.Fixed64 or FieldType.SFixed64 => Kind.Fixed64,
            FieldType.Float or FieldType.Fixed32 or FieldType.SFixed32 => Kind.Fixed32,
            FieldType.String => Kind.String,
            FieldType.Bytes => Kind.Bytes,
            FieldType.Message => Kind.Message,
            _ => Kind.Refused,
        };
    }
}

/// <summary>
/// A revision's wire form: an <see cref="EventRecord"/> as a field numbered 1 (its tag, its length,
/// the record), which is what both the <c>event</c> of a <c>SubscribeEventsResponse</c> and each
/// element of a <c>RevisionBatch</c> are. A body that passes (<see cref="StoredBody.PassesThrough"/>)
/// goes in byte for byte, followed by the ids' bytes (concatenated messages parse as their merge),
/// written here field by field as Google.Protobuf writes <see cref="RevisionRecord.Ids"/>; any other
/// is parsed, its ids set, and serialized.
/// </summary>
internal static class RevisionEntry
{
    private const byte Tag = 1 << 3 | (byte)WireFormat.WireType.LengthDelimited;
    private const byte EventIdTag = EventRecord.EventIdFieldNumber << 3 | (byte)WireFormat.WireType.LengthDelimited;
    private const byte RevisionTag = EventRecord.RevisionFieldNumber << 3;
    private const byte PositionTag = EventRecord.PositionFieldNumber << 3;
    private const byte RecordedAtTag = EventRecord.RecordedAtFieldNumber << 3 | (byte)WireFormat.WireType.LengthDelimited;
    private const byte SecondsTag = Timestamp.SecondsFieldNumber << 3;
    private const byte NanosTag = Timestamp.NanosFieldNumber << 3;

    /// <summary><c>recorded_by</c> (16) takes a two-byte tag.</summary>
    private static readonly byte[] RecordedByTag = [(EventRecord.RecordedByFieldNumber << 3 | (byte)WireFormat.WireType.LengthDelimited) | 0x80, EventRecord.RecordedByFieldNumber >> 4];

    /// <exception cref="InvalidProtocolBufferException">A body that does not pass and cannot be parsed.</exception>
    public static byte[] Of(StoredRevision revision)
    {
        if (StoredBody.PassesThrough(revision.Body))
        {
            var ids = new Ids(Encoding.UTF8.GetBytes(revision.EventId), revision.Revision, revision.Position, revision.RecordedAt, Encoding.UTF8.GetBytes(revision.RecordedBy));
            var bytes = new byte[SizeOf(revision.Body.Length, ids)];
            Write(bytes, revision.Body, ids);
            return bytes;
        }

        var record = revision.ToRecord();
        var recordSize = record.CalculateSize();
        var whole = new byte[1 + CodedOutputStream.ComputeLengthSize(recordSize) + recordSize];
        whole[0] = Tag;
        var at = 1 + WriteVarint(whole.AsSpan(1), (uint)recordSize);
        record.WriteTo(whole.AsSpan(at));
        return whole;
    }

    /// <summary>The size of the entry of a passing body of <paramref name="bodyLength"/> bytes with these ids.</summary>
    public static int SizeOf(int bodyLength, in Ids ids)
    {
        var record = bodyLength + ids.Size;
        return 1 + CodedOutputStream.ComputeLengthSize(record) + record;
    }

    /// <summary>Writes the entry of a passing body (<see cref="StoredBody.PassesThrough"/>) with these ids; <paramref name="destination"/> is <see cref="SizeOf"/> long.</summary>
    public static void Write(Span<byte> destination, ReadOnlySpan<byte> body, in Ids ids)
    {
        destination[0] = Tag;
        var i = 1 + WriteVarint(destination[1..], (uint)(body.Length + ids.Size));
        body.CopyTo(destination[i..]);
        i += body.Length;
        if (ids.EventId.Length > 0)
        {
            destination[i++] = EventIdTag;
            i += WriteVarint(destination[i..], (uint)ids.EventId.Length);
            ids.EventId.CopyTo(destination[i..]);
            i += ids.EventId.Length;
        }

        if (ids.Revision != 0)
        {
            destination[i++] = RevisionTag;
            i += WriteVarint(destination[i..], (ulong)ids.Revision);
        }

        if (ids.Position != 0)
        {
            destination[i++] = PositionTag;
            i += WriteVarint(destination[i..], (ulong)ids.Position);
        }

        destination[i++] = RecordedAtTag;
        i += WriteVarint(destination[i..], (uint)ids.TimestampSize);
        if (ids.Seconds != 0)
        {
            destination[i++] = SecondsTag;
            i += WriteVarint(destination[i..], (ulong)ids.Seconds);
        }

        if (ids.Nanos != 0)
        {
            destination[i++] = NanosTag;
            i += WriteVarint(destination[i..], (ulong)ids.Nanos);
        }

        if (ids.RecordedBy.Length > 0)
        {
            RecordedByTag.CopyTo(destination[i..]);
            i += RecordedByTag.Length;
            i += WriteVarint(destination[i..], (uint)ids.RecordedBy.Length);
            ids.RecordedBy.CopyTo(destination[i..]);
        }
    }

    /// <summary>Writes <paramref name="value"/> as a base-128 varint; returns its length.</summary>
    public static int WriteVarint(Span<byte> span, ulong value)
    {
        var i = 0;
        while (value >= 0x80)
        {
            span[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[i] = (byte)value;
        return i + 1;
    }

    /// <summary>
    /// A revision's ids and provenance as their columns hold them (the texts as UTF-8), the fields
    /// <see cref="RevisionRecord.Ids"/> sets: <c>recorded_at</c> (microseconds) as a
    /// <see cref="Timestamp"/>'s seconds and nanos (<see cref="RecordTime.Split"/>).
    /// </summary>
    public readonly ref struct Ids
    {
        public Ids(ReadOnlySpan<byte> eventId, long revision, long position, long recordedAt, ReadOnlySpan<byte> recordedBy)
        {
            EventId = eventId;
            Revision = revision;
            Position = position;
            RecordedBy = recordedBy;
            (Seconds, Nanos) = RecordTime.Split(recordedAt);
            TimestampSize = (Seconds == 0 ? 0 : 1 + CodedOutputStream.ComputeInt64Size(Seconds)) + (Nanos == 0 ? 0 : 1 + CodedOutputStream.ComputeInt32Size(Nanos));
            Size = (eventId.Length == 0 ? 0 : 1 + CodedOutputStream.ComputeLengthSize(eventId.Length) + eventId.Length)
                + (revision == 0 ? 0 : 1 + CodedOutputStream.ComputeInt64Size(revision))
                + (position == 0 ? 0 : 1 + CodedOutputStream.ComputeInt64Size(position))
                + 1 + CodedOutputStream.ComputeLengthSize(TimestampSize) + TimestampSize
                + (recordedBy.Length == 0 ? 0 : 2 + CodedOutputStream.ComputeLengthSize(recordedBy.Length) + recordedBy.Length);
        }

        public ReadOnlySpan<byte> EventId { get; }

        public long Revision { get; }

        public long Position { get; }

        public long Seconds { get; }

        public int Nanos { get; }

        public ReadOnlySpan<byte> RecordedBy { get; }

        public int TimestampSize { get; }

        /// <summary>The encoded size of the ids' fields.</summary>
        public int Size { get; }
    }
}
