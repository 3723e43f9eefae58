using System.Text.Unicode;
using Google.Protobuf;
using Google.Protobuf.Reflection;
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

    public static bool PassesThrough(ReadOnlySpan<byte> body) => Walk(EventRecord.Descriptor, body, 0);

    /// <summary>The fields the revision's columns supply: a body that carries one would be overridden by them, so it is not passed through.</summary>
    private static bool IsIdField(int number) => number is EventRecord.EventIdFieldNumber or EventRecord.RevisionFieldNumber
        or EventRecord.PositionFieldNumber or EventRecord.RecordedAtFieldNumber or EventRecord.RecordedByFieldNumber;

    private static bool Walk(MessageDescriptor descriptor, ReadOnlySpan<byte> bytes, int depth)
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
            if (number == 0 || (depth == 0 && IsIdField(number)))
            {
                return false;
            }

            var field = descriptor.FindFieldByNumber(number);
            switch (WireFormat.GetTagWireType((uint)tag))
            {
                case WireFormat.WireType.Varint:
                    if (!TryVarint(bytes, ref i, out _) || (field is not null && !IsVarint(field.FieldType)))
                    {
                        return false;
                    }

                    break;
                case WireFormat.WireType.Fixed64:
                    if (!Skip(bytes, ref i, 8) || (field is not null && field.FieldType is not (FieldType.Double or FieldType.Fixed64 or FieldType.SFixed64)))
                    {
                        return false;
                    }

                    break;
                case WireFormat.WireType.Fixed32:
                    if (!Skip(bytes, ref i, 4) || (field is not null && field.FieldType is not (FieldType.Float or FieldType.Fixed32 or FieldType.SFixed32)))
                    {
                        return false;
                    }

                    break;
                case WireFormat.WireType.LengthDelimited:
                    if (!TryVarint(bytes, ref i, out var length) || length > (ulong)(bytes.Length - i))
                    {
                        return false;
                    }

                    var value = bytes.Slice(i, (int)length);
                    i += (int)length;
                    var ok = field?.FieldType switch
                    {
                        null or FieldType.Bytes => true,
                        FieldType.String => Utf8.IsValid(value),
                        FieldType.Message => Walk(field.MessageType, value, depth + 1),

                        // A packed repeated scalar: the content has none.
                        _ => false,
                    };
                    if (!ok)
                    {
                        return false;
                    }

                    break;
                default:
                    return false;
            }
        }

        return true;
    }

    private static bool IsVarint(FieldType type) => type is FieldType.Int32 or FieldType.Int64 or FieldType.UInt32 or FieldType.UInt64
        or FieldType.SInt32 or FieldType.SInt64 or FieldType.Bool or FieldType.Enum;

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
}
