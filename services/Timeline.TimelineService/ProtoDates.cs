using System.Globalization;
using Timeline.Domain.Dates;
using Timeline.Domain.Validation;

namespace Timeline.TimelineService;

/// <summary>
/// Calendar days as the contract writes them ("YYYY-MM-DD") and the proto fuzzy date.
/// </summary>
/// <remarks>
/// Stop-gap until <c>Timeline.Domain.Dates.FuzzyDateProto</c> lands on main; then the two
/// fuzzy-date conversions here should delegate to it.
/// </remarks>
internal static class ProtoDates
{
    private const string DayFormat = "yyyy-MM-dd";

    public static string Format(DateOnly day) => day.ToString(DayFormat, CultureInfo.InvariantCulture);

    public static bool TryParse(string? text, out DateOnly day) =>
        DateOnly.TryParseExact(text, DayFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out day);

    /// <summary>A request field that must be a day; refused with a field violation otherwise.</summary>
    public static DateOnly ParseField(string field, string? text) =>
        TryParse(text, out var day) ? day : throw ProblemException.Invalid(field, "must be a date YYYY-MM-DD");

    /// <summary>An optional request field: empty means null.</summary>
    public static DateOnly? ParseOptionalField(string field, string? text) =>
        string.IsNullOrEmpty(text) ? null : ParseField(field, text);

    /// <summary>A fuzzy date as storage sent it; null when it has no readable bounds.</summary>
    public static FuzzyDate? ToDomain(V1.FuzzyDate? proto)
    {
        if (proto is null || !TryParse(proto.Earliest, out var earliest) || !TryParse(proto.Latest, out var latest) || latest < earliest)
        {
            return null;
        }

        return new FuzzyDate
        {
            Earliest = earliest,
            Latest = latest,
            Precision = proto.Precision == V1.DatePrecision.Unspecified ? DatePrecision.Day : (DatePrecision)proto.Precision,
            Part = (DatePart)proto.Part,
            Approximate = proto.Approximate,
            Uncertain = proto.Uncertain,
            Edtf = proto.Edtf,
            Text = string.IsNullOrEmpty(proto.Text) ? null : proto.Text,
            Reference = TryParse(proto.Reference, out var reference) ? reference : null,
        };
    }

    public static V1.FuzzyDate ToProto(FuzzyDate date) => new()
    {
        Edtf = date.Edtf,
        Precision = (V1.DatePrecision)date.Precision,
        Part = (V1.DatePart)date.Part,
        Approximate = date.Approximate,
        Uncertain = date.Uncertain,
        Earliest = Format(date.Earliest),
        Latest = Format(date.Latest),
        Text = date.Text ?? "",
        Reference = date.Reference is { } reference ? Format(reference) : "",
        Display = date.Display,
    };
}
