using System.Globalization;
using System.Text.Unicode;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Timeline.ServiceDefaults.Wire;

/// <summary>
/// Finds which field of a protobuf message's bytes the parser choked on, so a refusal can name it
/// (<c>events[0].title: is not valid UTF-8</c>). Walks the bytes the way the generated parser does:
/// known fields by number and wire type (a wire type that does not match is an unknown field, as in
/// the parser), strings checked as UTF-8, nested messages walked with their path, unknown fields
/// skipped. Only called after parsing failed, so it need not be fast.
/// </summary>
internal static class WireDiagnosis
{
    /// <summary>The field named when the message as a whole cannot be read (e.g. it ends inside a tag).</summary>
    public const string WholeRequest = "request";

    /// <summary>As the parser: deeper than this is refused.</summary>
    private const int MaxDepth = 100;

    public static (string Field, string Problem)? Locate(MessageDescriptor descriptor, byte[] payload)
    {
        try
        {
            Walk(descriptor, payload, "", 0);
            return null;
        }
        catch (Located located)
        {
            return (located.Field.Length == 0 ? WholeRequest : located.Field, located.Problem);
        }
        catch (Exception e) when (e is InvalidProtocolBufferException or ArgumentException or InvalidOperationException)
        {
            // Not what the parser refused; the caller names the message as a whole.
            return null;
        }
    }

    private static void Walk(MessageDescriptor descriptor, byte[] bytes, string prefix, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new Located(prefix, $"nested more than {MaxDepth} levels deep");
        }

        var input = new CodedInputStream(bytes);
        var seen = new Dictionary<int, int>();
        while (true)
        {
            uint tag;
            try
            {
                tag = input.ReadTag();
            }
            catch (InvalidProtocolBufferException e)
            {
                throw new Located(prefix, $"malformed after the last field read: {e.Message}");
            }

            if (tag == 0)
            {
                return;
            }

            var number = WireFormat.GetTagFieldNumber(tag);
            var wireType = WireFormat.GetTagWireType(tag);
            var field = descriptor.FindFieldByNumber(number);
            if (field is null || !Matches(field, wireType))
            {
                var unknown = Join(prefix, field?.Name ?? $"(field {number.ToString(CultureInfo.InvariantCulture)})");
                Read(unknown, input.SkipLastField);
                continue;
            }

            var index = seen.GetValueOrDefault(number);
            seen[number] = index + 1;
            var path = Join(prefix, field.Name) + (field.IsRepeated ? $"[{index.ToString(CultureInfo.InvariantCulture)}]" : "");
            if (wireType != WireFormat.WireType.LengthDelimited)
            {
                Read(path, input.SkipLastField);
                continue;
            }

            var value = Read(path, input.ReadBytes);
            switch (field.FieldType)
            {
                case FieldType.String when !Utf8.IsValid(value.Span):
                    throw new Located(path, "is not valid UTF-8");
                case FieldType.Message:
                    Walk(field.MessageType, value.ToByteArray(), path, depth + 1);
                    break;
                case FieldType.String:
                case FieldType.Bytes:
                    break;
                default:
                    // A packed repeated scalar.
                    Packed(path, field.FieldType, value.ToByteArray());
                    break;
            }
        }
    }

    private static void Packed(string path, FieldType type, byte[] bytes)
    {
        var input = new CodedInputStream(bytes);
        while (!input.IsAtEnd)
        {
            Read(path, () => type switch
            {
                FieldType.Double or FieldType.Fixed64 or FieldType.SFixed64 => (object)input.ReadFixed64(),
                FieldType.Float or FieldType.Fixed32 or FieldType.SFixed32 => input.ReadFixed32(),
                _ => input.ReadUInt64(),
            });
        }
    }

    /// <summary>Whether the parser reads this wire type as this field (repeated scalars come packed or not).</summary>
    private static bool Matches(FieldDescriptor field, WireFormat.WireType wireType) => field.FieldType switch
    {
        FieldType.String or FieldType.Bytes or FieldType.Message => wireType == WireFormat.WireType.LengthDelimited,
        FieldType.Group => wireType == WireFormat.WireType.StartGroup,
        _ when field.IsRepeated && wireType == WireFormat.WireType.LengthDelimited => true,
        FieldType.Double or FieldType.Fixed64 or FieldType.SFixed64 => wireType == WireFormat.WireType.Fixed64,
        FieldType.Float or FieldType.Fixed32 or FieldType.SFixed32 => wireType == WireFormat.WireType.Fixed32,
        _ => wireType == WireFormat.WireType.Varint,
    };

    private static T Read<T>(string path, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new Located(path, $"cannot be read: {e.Message}");
        }
    }

    private static void Read(string path, Action read) => Read(path, () =>
    {
        read();
        return 0;
    });

    private static string Join(string prefix, string name) => prefix.Length == 0 ? name : $"{prefix}.{name}";

    private sealed class Located(string field, string problem) : Exception(problem)
    {
        public string Field { get; } = field;

        public string Problem { get; } = problem;
    }
}
