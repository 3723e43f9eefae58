using Proto = Timeline.V1;

namespace Timeline.Domain.Dates;

/// <summary>Maps between the domain <see cref="FuzzyDate"/> and the wire <c>timeline.v1.FuzzyDate</c>.</summary>
public static class FuzzyDateProto
{
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

    /// <summary>A day as the contract writes it: <c>2023-10-14</c>, <c>-0044-03-15</c>. The one formatter of contract days.</summary>
    public static string FormatDay(CalendarDay day) => day.ToString();

    /// <summary>A contract day; the one parser of contract days (storage, timeline service, CLI all call it).</summary>
    /// <exception cref="FormatException">Not a day YYYY-MM-DD in years -9999 to 9999.</exception>
    public static CalendarDay ParseDay(string text) => CalendarDay.Parse(text);

    public static bool TryParseDay(string? text, out CalendarDay day) => CalendarDay.TryParse(text, out day);
}
