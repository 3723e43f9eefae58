using System.Globalization;
using Timeline.Domain.Dates;
using Timeline.Domain.Validation;

namespace Timeline.TimelineService;

/// <summary>
/// Calendar days as the contract writes them ("YYYY-MM-DD"), read as request fields or from storage.
/// </summary>
internal static class ProtoDates
{
    private const string DayFormat = FuzzyDateProto.DateFormat;

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
    public static FuzzyDate? ToDomain(V1.FuzzyDate? proto) =>
        proto is not null && TryParse(proto.Earliest, out var earliest) && TryParse(proto.Latest, out var latest) && earliest <= latest
            && (string.IsNullOrEmpty(proto.Reference) || TryParse(proto.Reference, out _))
            ? FuzzyDateProto.FromProto(proto)
            : null;

    public static V1.FuzzyDate ToProto(FuzzyDate date) => date.ToProto();
}
