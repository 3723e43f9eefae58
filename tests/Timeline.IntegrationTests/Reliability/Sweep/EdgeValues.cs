using Google.Protobuf.Reflection;

namespace Timeline.IntegrationTests.Reliability.Sweep;

/// <summary>A value to put in a field, with how a failure report names it.</summary>
internal sealed record Edge(string Name, object Value);

/// <summary>
/// The values a field's type can hold that code tends not to expect: each end of every integer
/// type, zero and minus one, NaN and the infinities, unknown enum numbers, and text that is empty,
/// blank, huge, or full of control characters, NULs, line separators and other oddities.
/// </summary>
internal static class EdgeValues
{
    /// <summary>Over every per-field length limit, under the message-size limit.</summary>
    public const int LongText = 100_001;

    public static readonly IReadOnlyList<Edge> Texts =
    [
        new("empty", ""), new("blank", "   "), new("x", "x"), new("NUL", "\0"), new("NUL inside", "a\0b"), new("U+0001", "\u0001"),
        new("U+001F", "x\u001f"), new("DEL", "\u007f"), new("NEL", "\u0085"), new("line separator", "a\u2028b"), new("BOM", "\uFEFFx"),
        new("replacement char", "\uFFFD"), new("CRLF", "a\r\nb"), new("tab", "\t"), new("quotes", "'\"\\`"), new("percent", "%00%s%n"),
        new("markup", "<script>alert(1)</script>"), new("path", "../../etc/passwd"), new("sql", "x'; DROP TABLE revisions; --"),
        new("accents", "\u00e9t\u00e9"), new("emoji", "\U0001F600"), new("right-to-left", "\u202Eabc"), new("129 chars", new string('a', 129)),
        new("1001 chars", new string('b', 1_001)), new($"{LongText} chars", new string('c', LongText)),
        new("day 0001-01-01", "0001-01-01"), new("day 9999-12-31", "9999-12-31"), new("day 0000-01-01", "0000-01-01"), new("day 10000-01-01", "10000-01-01"),
        new("day 2023-02-29", "2023-02-29"), new("day 9999-12-32", "9999-12-32"), new("day -0001-01-01", "-0001-01-01"), new("a number", "-9223372036854775808"),
        // Dates at the calendar's ends (issue 14 item 2): as EDTF, as text, and days far from any reference.
        new("day -9999-01-01", "-9999-01-01"), new("day -10000-12-31", "-10000-12-31"), new("EDTF 9999-41", "9999-41"), new("EDTF 9999-24", "9999-24"),
        new("Q4 9999", "Q4 9999"), new("second half of 9999", "the second half of 9999"), new("winter 9999", "winter 9999"),
        new("huge days ago", "99999999 days ago"), new("huge weeks", "within 613566757 weeks"), new("yesterday", "yesterday"), new("next month", "next month"),
    ];

    public static IReadOnlyList<Edge> For(FieldDescriptor field) => field.FieldType switch
    {
        FieldType.String => Texts,
        FieldType.Bool => [new("true", true), new("false", false)],
        FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 => Ints(0, 1, -1, 2, int.MinValue, int.MaxValue, int.MinValue + 1, 1_000, 1_001, 1_000_000),
        FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 => Longs(0, 1, -1, 2, 7, long.MinValue, long.MaxValue, (long)int.MaxValue + 1, 1_000_000_000_000, TimestampEnds.Min - 1, TimestampEnds.Max + 1),
        FieldType.UInt32 or FieldType.Fixed32 => [new("0", 0u), new("1", 1u), new("max", uint.MaxValue)],
        FieldType.UInt64 or FieldType.Fixed64 => [new("0", 0ul), new("1", 1ul), new("max", ulong.MaxValue)],
        FieldType.Double => Doubles(0, -0.0, 1, -1, double.NaN, double.PositiveInfinity, double.NegativeInfinity, double.MaxValue, double.MinValue, double.Epsilon, 90.0000001, -180.0000001),
        FieldType.Float => [.. new[] { 0f, float.NaN, float.PositiveInfinity, float.NegativeInfinity, float.MaxValue, float.MinValue }.Select(f => new Edge(f.ToString(System.Globalization.CultureInfo.InvariantCulture), f))],
        FieldType.Enum => [.. new[] { 0, 1, field.EnumType.Values.Max(v => v.Number), field.EnumType.Values.Max(v => v.Number) + 1, -1, 9_999, int.MaxValue, int.MinValue }
            .Distinct().Select(n => new Edge($"enum {n}", Enum.ToObject(field.EnumType.ClrType, n)))],
        FieldType.Bytes => [new("empty bytes", Google.Protobuf.ByteString.Empty), new("bytes", Google.Protobuf.ByteString.CopyFrom(0xff, 0x00))],
        _ => [],
    };

    private static Edge[] Ints(params int[] values) => [.. values.Select(v => new Edge(v.ToString(System.Globalization.CultureInfo.InvariantCulture), v))];

    private static Edge[] Longs(params long[] values) => [.. values.Select(v => new Edge(v.ToString(System.Globalization.CultureInfo.InvariantCulture), v))];

    private static Edge[] Doubles(params double[] values) => [.. values.Select(v => new Edge(v.ToString("R", System.Globalization.CultureInfo.InvariantCulture), v))];

    /// <summary>The Unix seconds of 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z.</summary>
    private static class TimestampEnds
    {
        public const long Min = -62_135_596_800;
        public const long Max = 253_402_300_799;
    }
}
