using Timeline.Domain.Dates;
using Timeline.Domain.Validation;

namespace Timeline.TimelineServer;

/// <summary>
/// Calendar days in the timeline service's requests (as_of, from, to) and in what storage sends,
/// refused on their field when they are not days. Formatting and parsing themselves are the
/// domain's one formatter of contract days (<see cref="FuzzyDateProto"/>).
/// </summary>
internal static class ProtoDates
{
    /// <summary>A request field that must be a day; refused with a field violation otherwise.</summary>
    public static CalendarDay ParseField(string field, string? text) =>
        FuzzyDateProto.TryParseDay(text, out var day) ? day : throw ProblemException.Invalid(field, "must be a date YYYY-MM-DD (years -9999 to 9999)");

    /// <summary>An optional request field: empty means null.</summary>
    public static CalendarDay? ParseOptionalField(string field, string? text) =>
        string.IsNullOrEmpty(text) ? null : ParseField(field, text);

    /// <summary>A fuzzy date as storage sent it; null when it has no readable bounds.</summary>
    public static FuzzyDate? ToDomain(V1.FuzzyDate? proto) =>
        proto is not null && FuzzyDateProto.TryParseDay(proto.Earliest, out var earliest) && FuzzyDateProto.TryParseDay(proto.Latest, out var latest) && earliest <= latest
            && (string.IsNullOrEmpty(proto.Reference) || FuzzyDateProto.TryParseDay(proto.Reference, out _))
            ? FuzzyDateProto.FromProto(proto)
            : null;
}
