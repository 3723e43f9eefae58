using System.Globalization;
using Proto = Timeline.V1;

namespace Timeline.Domain.Dates;

/// <summary>Maps between the domain <see cref="FuzzyDate"/> and the wire <c>timeline.v1.FuzzyDate</c>.</summary>
public static class FuzzyDateProto
{
    public const string DateFormat = "yyyy-MM-dd";

    public static Proto.FuzzyDate ToProto(this FuzzyDate date) => new()
    {
        Edtf = date.Edtf,
        Precision = (Proto.DatePrecision)(int)date.Precision,
        Part = (Proto.DatePart)(int)date.Part,
        Approximate = date.Approximate,
        Uncertain = date.Uncertain,
        Earliest = FormatDay(date.Earliest),
        Latest = FormatDay(date.Latest),
        Text = date.Text ?? string.Empty,
        Reference = date.Reference is { } reference ? FormatDay(reference) : string.Empty,
        Display = date.Display,
    };

    /// <summary>Reads a stored (already resolved) wire date back; its bounds are trusted as written.</summary>
    public static FuzzyDate FromProto(Proto.FuzzyDate date) => new()
    {
        Edtf = date.Edtf,
        Precision = (DatePrecision)(int)date.Precision,
        Part = (DatePart)(int)date.Part,
        Approximate = date.Approximate,
        Uncertain = date.Uncertain,
        Earliest = ParseDay(date.Earliest),
        Latest = ParseDay(date.Latest),
        Text = string.IsNullOrEmpty(date.Text) ? null : date.Text,
        Reference = string.IsNullOrEmpty(date.Reference) ? null : ParseDay(date.Reference),
    };

    public static string FormatDay(DateOnly day) => day.ToString(DateFormat, CultureInfo.InvariantCulture);

    public static DateOnly ParseDay(string text) => DateOnly.ParseExact(text, DateFormat, CultureInfo.InvariantCulture);

    public static bool TryParseDay(string? text, out DateOnly day) =>
        DateOnly.TryParseExact(text, DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out day);
}
