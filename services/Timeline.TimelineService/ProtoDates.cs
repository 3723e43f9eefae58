using Timeline.Domain.Dates;
using Timeline.Domain.Validation;

namespace Timeline.TimelineService;

/// <summary>
/// Calendar days as the contract writes them ("YYYY-MM-DD", "-0044-03-15"), read as request fields or
/// from storage, through the domain's one parser and formatter of contract days (<see cref="FuzzyDateProto"/>).
/// </summary>
internal static class ProtoDates
{
    public static string Format(CalendarDay day) => FuzzyDateProto.FormatDay(day);

    public static bool TryParse(string? text, out CalendarDay day) => FuzzyDateProto.TryParseDay(text, out day);

    /// <summary>A request field that must be a day; refused with a field violation otherwise.</summary>
    public static CalendarDay ParseField(string field, string? text) =>
        TryParse(text, out var day) ? day : throw ProblemException.Invalid(field, "must be a date YYYY-MM-DD (years -9999 to 9999)");

    /// <summary>An optional request field: empty means null.</summary>
    public static CalendarDay? ParseOptionalField(string field, string? text) =>
        string.IsNullOrEmpty(text) ? null : ParseField(field, text);

    /// <summary>A fuzzy date as storage sent it; null when it has no readable bounds.</summary>
    public static FuzzyDate? ToDomain(V1.FuzzyDate? proto) =>
        proto is not null && TryParse(proto.Earliest, out var earliest) && TryParse(proto.Latest, out var latest) && earliest <= latest
            && (string.IsNullOrEmpty(proto.Reference) || TryParse(proto.Reference, out _))
            ? FuzzyDateProto.FromProto(proto)
            : null;

    public static V1.FuzzyDate ToProto(FuzzyDate date) => date.ToProto();
}
