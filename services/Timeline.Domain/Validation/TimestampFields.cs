using System.Collections;
using System.Collections.Concurrent;
using System.Globalization;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;

namespace Timeline.Domain.Validation;

/// <summary>
/// The one rule for every <c>google.protobuf.Timestamp</c> a caller sends, and the one place that
/// finds them: <c>seconds</c> within 0001-01-01T00:00:00Z..9999-12-31T23:59:59Z and <c>nanos</c>
/// within 0..999,999,999 (the range <c>timestamp.proto</c> itself documents; outside it
/// <see cref="Timestamp.ToDateTimeOffset"/> throws). The fields are found from the message
/// descriptors, nested, repeated and map fields included, so a Timestamp field added to the
/// contract later is checked without anyone remembering to.
/// </summary>
public static class TimestampFields
{
    /// <summary>0001-01-01T00:00:00Z in Unix seconds.</summary>
    public const long MinSeconds = -62_135_596_800;

    /// <summary>9999-12-31T23:59:59Z in Unix seconds.</summary>
    public const long MaxSeconds = 253_402_300_799;

    public const int MaxNanos = 999_999_999;

    /// <summary>What a valid value looks like, for refusals.</summary>
    public const string Expected = "an instant from 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999999Z (RFC 3339 in JSON, e.g. 2023-10-16T00:00:00Z)";

    private static readonly ConcurrentDictionary<MessageDescriptor, bool> MayHoldTimestamps = new();

    /// <summary>Why <paramref name="value"/> is not a valid instant, or null when it is.</summary>
    public static string? Problem(Timestamp value)
    {
        if (value.Nanos is < 0 or > MaxNanos)
        {
            return $"nanos {value.Nanos.ToString(CultureInfo.InvariantCulture)} is outside 0..999999999; must be {Expected}";
        }

        if (value.Seconds is < MinSeconds or > MaxSeconds)
        {
            return $"seconds {value.Seconds.ToString(CultureInfo.InvariantCulture)} is {(value.Seconds < MinSeconds ? "before 0001-01-01" : "after 9999-12-31")}; must be {Expected}";
        }

        return null;
    }

    /// <summary>Every Timestamp field of <paramref name="message"/> (at any depth) that is out of range, by field path (<c>known_at</c>, <c>a.b[2].at</c>).</summary>
    public static IReadOnlyList<FieldViolation> Check(IMessage message)
    {
        var violations = new List<FieldViolation>();
        Visit(message, "", violations);
        return violations;
    }

    /// <summary>Refuses <paramref name="message"/> with INVALID_ARGUMENT naming each out-of-range Timestamp field.</summary>
    public static void Require(IMessage message)
    {
        if (!MayHold(message.Descriptor))
        {
            return;
        }

        var violations = Check(message);
        if (violations.Count > 0)
        {
            throw ProblemException.Invalid(violations, "INVALID_TIMESTAMP");
        }
    }

    private static void Visit(IMessage message, string prefix, List<FieldViolation> violations)
    {
        if (message is Timestamp timestamp)
        {
            if (Problem(timestamp) is { } problem)
            {
                violations.Add(new FieldViolation(prefix, problem));
            }

            return;
        }

        if (!MayHold(message.Descriptor))
        {
            return;
        }

        foreach (var field in message.Descriptor.Fields.InFieldNumberOrder())
        {
            if (field.FieldType != FieldType.Message)
            {
                continue;
            }

            var path = prefix.Length == 0 ? field.Name : $"{prefix}.{field.Name}";
            var value = field.Accessor.GetValue(message);
            if (field.IsMap)
            {
                foreach (DictionaryEntry entry in (IDictionary)value)
                {
                    if (entry.Value is IMessage item)
                    {
                        Visit(item, $"{path}[{entry.Key}]", violations);
                    }
                }
            }
            else if (field.IsRepeated)
            {
                var index = 0;
                foreach (var item in (IEnumerable)value)
                {
                    if (item is IMessage m)
                    {
                        Visit(m, $"{path}[{index}]", violations);
                    }

                    index++;
                }
            }
            else if (value is IMessage nested)
            {
                Visit(nested, path, violations);
            }
        }
    }

    /// <summary>True when a message of this type can contain a Timestamp at some depth (computed once per type).</summary>
    private static bool MayHold(MessageDescriptor descriptor) =>
        MayHoldTimestamps.GetOrAdd(descriptor, d => Reaches(d, []));

    private static bool Reaches(MessageDescriptor descriptor, HashSet<MessageDescriptor> visiting)
    {
        if (descriptor.FullName == Timestamp.Descriptor.FullName)
        {
            return true;
        }

        if (!visiting.Add(descriptor))
        {
            return false;
        }

        return descriptor.Fields.InFieldNumberOrder().Any(f => f.FieldType == FieldType.Message && Reaches(f.MessageType, visiting));
    }
}
