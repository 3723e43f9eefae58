using System.Collections;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Timeline.IntegrationTests.Reliability.Probes;
using Timeline.Storage.V1;

namespace Timeline.IntegrationTests.Reliability.Sweep;

/// <summary>One generated request: what it is (for a failure report) and its bytes as sent.</summary>
internal sealed record Probe(string Description, byte[] Payload, IMessage? Message = null);

/// <summary>A change to a request message, to apply alone or with others.</summary>
internal sealed record Mutation(string Name, FieldPath Path, Action<IMessage> Apply);

/// <summary>
/// Requests generated from a method's request descriptor, as a gRPC client sends them: every
/// field set to every edge value of its type (<see cref="EdgeValues"/>), messages left out or
/// empty, repeated fields empty, huge or over their limits, maps with odd keys; strings that are
/// not UTF-8; bytes the parser must refuse (cut short, trailing garbage, unknown fields of every
/// wire type, deep groups, lengths past the end); and seeded random combinations of the above.
/// Appends stay refused by construction (each event expects a revision it does not have), so the
/// store must not change.
/// </summary>
internal static class GrpcProbes
{
    private const int Combinations = 120;
    private const string Utf8Placeholder = "\u007fSWEEP-NOT-UTF8\u007f";

    public static IEnumerable<Probe> For(MethodDescriptor method, Random random)
    {
        var sample = Samples.Valid(method);
        yield return new("the valid sample", sample.ToByteArray(), sample);

        var mutations = FieldPath.All(method.InputType).SelectMany(Mutations).ToList();
        foreach (var mutation in mutations)
        {
            yield return Apply(sample, [mutation], keepAppendsRefused: mutation.Path.Last.Name != "expected_revision");
        }

        foreach (var path in FieldPath.All(method.InputType).Where(p => p.Last.FieldType == FieldType.String || p.Last.IsMap))
        {
            foreach (var probe in NotUtf8(sample, path))
            {
                yield return probe;
            }
        }

        if (FieldPath.All(method.InputType).FirstOrDefault(p => p.Last.FieldType == FieldType.String && !p.Last.IsRepeated) is { } text)
        {
            var big = Copy(sample);
            text.Last.Accessor.SetValue(text.Holder(big), new string('m', 5 * 1024 * 1024));
            yield return new($"{text.Name} of 5 MiB (the message is over Grpc:MaxReceiveMessageBytes)", big.ToByteArray());
        }

        foreach (var probe in Wire(sample, method.InputType, random))
        {
            yield return probe;
        }

        // Combinations never touch the revision an append expects, so appends stay refused.
        var combinable = mutations.Where(m => m.Path.Last.Name != "expected_revision").ToList();
        for (var i = 0; i < Combinations && combinable.Count > 1; i++)
        {
            var chosen = Enumerable.Range(0, random.Next(2, 5)).Select(_ => combinable[random.Next(combinable.Count)]).ToList();
            yield return Apply(sample, chosen, keepAppendsRefused: true);
        }
    }

    /// <summary>Every change a field's type invites.</summary>
    private static IEnumerable<Mutation> Mutations(FieldPath path)
    {
        var field = path.Last;
        Mutation M(string name, Action<IMessage> apply) => new(name, path, root => apply(path.Holder(root)));
        IList List(IMessage holder) => (IList)field.Accessor.GetValue(holder);

        if (field.IsMap)
        {
            var key = field.MessageType.FindFieldByNumber(1);
            var value = field.MessageType.FindFieldByNumber(2);
            yield return M("{}", h => ((IDictionary)field.Accessor.GetValue(h)).Clear());
            foreach (var edge in EdgeValues.For(key).Take(12))
            {
                yield return M($"{{{edge.Name}: a value}}", h => ((IDictionary)field.Accessor.GetValue(h))[edge.Value] = Plain(value));
            }

            foreach (var edge in EdgeValues.For(value))
            {
                yield return M($"{{k: {edge.Name}}}", h => ((IDictionary)field.Accessor.GetValue(h))[Plain(key)] = edge.Value);
            }

            foreach (var count in new[] { 51, 1_000 })
            {
                yield return M($"{count} entries", h =>
                {
                    var map = (IDictionary)field.Accessor.GetValue(h);
                    for (var i = 0; i < count; i++)
                    {
                        map[$"k{i}"] = Plain(value);
                    }
                });
            }

            yield break;
        }

        if (field.IsRepeated)
        {
            yield return M("[]", h => List(h).Clear());
            if (field.FieldType == FieldType.Message)
            {
                yield return M("two copies of the first", h => Repeat(List(h), field, 2));
                yield return M("1,000 empty elements", h => Fill(List(h), 1_000, () => Activator.CreateInstance(field.MessageType.ClrType)!));
                yield return M("1,001 copies of the first", h => Repeat(List(h), field, 1_001));
            }
            else
            {
                foreach (var edge in EdgeValues.For(field))
                {
                    yield return M($"[{edge.Name}]", h =>
                    {
                        List(h).Clear();
                        List(h).Add(edge.Value);
                    });
                }

                yield return M("101 elements", h => Fill(List(h), 101, () => Plain(field)));
                yield return M("10,000 distinct elements", h =>
                {
                    List(h).Clear();
                    for (var i = 0; i < 10_000; i++)
                    {
                        List(h).Add(field.FieldType == FieldType.String ? $"v{i}" : Plain(field));
                    }
                });
            }

            yield break;
        }

        if (field.FieldType == FieldType.Message)
        {
            yield return M("unset", h => field.Accessor.Clear(h));
            yield return M("empty", h => field.Accessor.SetValue(h, Activator.CreateInstance(field.MessageType.ClrType)));
            yield break;
        }

        if (field.HasPresence)
        {
            yield return M("unset", h => field.Accessor.Clear(h));
        }

        foreach (var edge in EdgeValues.For(field))
        {
            yield return M(edge.Name, h => field.Accessor.SetValue(h, edge.Value));
        }
    }

    private static Probe Apply(IMessage sample, IReadOnlyList<Mutation> mutations, bool keepAppendsRefused)
    {
        var message = Copy(sample);
        foreach (var mutation in mutations)
        {
            mutation.Apply(message);
        }

        if (keepAppendsRefused && message is AppendEventsRequest append)
        {
            foreach (var e in append.Events)
            {
                e.ExpectedRevision = Samples.ConflictingCopy().ExpectedRevision;
            }
        }

        return new(string.Join(", ", mutations.Select(m => $"{m.Path.Name} = {m.Name}")), message.ToByteArray(), message);
    }

    /// <summary>The field holding bytes that are not UTF-8 (the same length as a placeholder, swapped after serializing).</summary>
    private static IEnumerable<Probe> NotUtf8(IMessage sample, FieldPath path)
    {
        var field = path.Last;
        var variants = new List<(string Name, Action<IMessage> Apply)>();
        if (field.IsMap)
        {
            var key = field.MessageType.FindFieldByNumber(1);
            if (key.FieldType == FieldType.String)
            {
                variants.Add(("a key", h => ((IDictionary)field.Accessor.GetValue(h))[Utf8Placeholder] = Plain(field.MessageType.FindFieldByNumber(2))));
            }

            if (field.MessageType.FindFieldByNumber(2).FieldType == FieldType.String)
            {
                variants.Add(("a value", h => ((IDictionary)field.Accessor.GetValue(h))["k"] = Utf8Placeholder));
            }
        }
        else if (field.IsRepeated)
        {
            variants.Add(("an element", h => ((IList)field.Accessor.GetValue(h)).Add(Utf8Placeholder)));
        }
        else
        {
            variants.Add(("the value", h => field.Accessor.SetValue(h, Utf8Placeholder)));
        }

        foreach (var (name, apply) in variants)
        {
            var message = Copy(sample);
            apply(path.Holder(message));
            var bytes = message.ToByteArray();
            var placeholder = System.Text.Encoding.UTF8.GetBytes(Utf8Placeholder);
            var at = bytes.AsSpan().IndexOf(placeholder);
            bytes.AsSpan(at, placeholder.Length).Fill(0xff);
            yield return new($"{path.Name}: {name} that is not UTF-8", bytes);
        }
    }

    /// <summary>Bytes no generated client sends.</summary>
    private static IEnumerable<Probe> Wire(IMessage sample, MessageDescriptor descriptor, Random random)
    {
        var valid = sample.ToByteArray();
        yield return new("no bytes at all (every field default)", []);
        if (valid.Length > 1)
        {
            yield return new("cut one byte short", valid[..^1]);
            yield return new("cut in half", valid[..(valid.Length / 2)]);
        }

        yield return new("a trailing 0xFF", [.. valid, 0xff]);
        yield return new("a tag for field 0", [.. valid, 0x00]);
        yield return new("a length past the end", [.. valid, .. Tag(1, WireFormat.WireType.LengthDelimited), 0xff, 0xff, 0xff, 0xff, 0x07]);
        yield return new("a varint of eleven bytes", [.. valid, .. Tag(1, WireFormat.WireType.Varint), .. Enumerable.Repeat((byte)0xff, 10), 0x01]);
        yield return new("an end-group with no start", [.. valid, .. Tag(9_999, WireFormat.WireType.EndGroup)]);
        yield return new("an unknown field of each wire type", [.. valid,
            .. Tag(9_999, WireFormat.WireType.Varint), 0x01,
            .. Tag(9_998, WireFormat.WireType.Fixed64), 0, 0, 0, 0, 0, 0, 0, 0,
            .. Tag(9_997, WireFormat.WireType.LengthDelimited), 0x01, 0x41,
            .. Tag(9_996, WireFormat.WireType.Fixed32), 0, 0, 0, 0,
            .. Tag(9_995, WireFormat.WireType.StartGroup), .. Tag(9_995, WireFormat.WireType.EndGroup),
            .. Tag(536_870_911, WireFormat.WireType.Varint), 0x00]);
        yield return new("groups nested 150 deep", [.. valid,
            .. Enumerable.Repeat(Tag(9_999, WireFormat.WireType.StartGroup), 150).SelectMany(t => t),
            .. Enumerable.Repeat(Tag(9_999, WireFormat.WireType.EndGroup), 150).SelectMany(t => t)]);
        foreach (var field in descriptor.Fields.InFieldNumberOrder())
        {
            // The wrong wire type for a known field: the parser keeps it as an unknown field.
            var wrong = field.FieldType is FieldType.String or FieldType.Bytes or FieldType.Message
                ? [.. Tag(field.FieldNumber, WireFormat.WireType.Varint), 0x05]
                : (byte[])[.. Tag(field.FieldNumber, WireFormat.WireType.LengthDelimited), 0x01, 0x41];
            yield return new($"{field.Name} with the wrong wire type", [.. valid, .. wrong]);
        }

        for (var i = 0; i < 12; i++)
        {
            var noise = new byte[random.Next(1, 64)];
            random.NextBytes(noise);
            yield return new($"random bytes #{i}: {Convert.ToHexString(noise)}", noise);
        }
    }

    public static IMessage Copy(IMessage message) => message.Descriptor.Parser.ParseFrom(message.ToByteArray());

    private static byte[] Tag(int number, WireFormat.WireType type)
    {
        using var stream = new MemoryStream();
        var output = new CodedOutputStream(stream);
        output.WriteTag(number, type);
        output.Flush();
        return stream.ToArray();
    }

    private static void Repeat(IList list, FieldDescriptor field, int count)
    {
        var first = list.Count > 0 ? (IMessage)list[0]! : (IMessage)Activator.CreateInstance(field.MessageType.ClrType)!;
        Fill(list, count, () => Copy(first));
    }

    private static void Fill(IList list, int count, Func<object> make)
    {
        list.Clear();
        for (var i = 0; i < count; i++)
        {
            list.Add(make());
        }
    }

    /// <summary>An ordinary value of a scalar field.</summary>
    private static object Plain(FieldDescriptor field) => field.FieldType switch
    {
        FieldType.String => "v",
        FieldType.Bool => true,
        FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 => 1,
        FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 => 1L,
        FieldType.UInt32 or FieldType.Fixed32 => 1u,
        FieldType.UInt64 or FieldType.Fixed64 => 1ul,
        FieldType.Double => 1d,
        FieldType.Float => 1f,
        FieldType.Enum => Enum.ToObject(field.EnumType.ClrType, 1),
        FieldType.Message => Activator.CreateInstance(field.MessageType.ClrType)!,
        _ => Google.Protobuf.ByteString.Empty,
    };
}
