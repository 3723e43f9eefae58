namespace Timeline.Domain.Dates;

/// <summary>How precise a fuzzy date is. Numbers match <c>timeline.v1.DatePrecision</c>.</summary>
public enum DatePrecision
{
    Day = 1,
    Week = 2,
    Month = 3,
    Quarter = 4,
    Season = 5,
    Year = 6,
    Decade = 7,
    Range = 8,
}

/// <summary>The first, middle or last third of a period. Numbers match <c>timeline.v1.DatePart</c>.</summary>
public enum DatePart
{
    None = 0,
    Early = 1,
    Mid = 2,
    Late = 3,
}

/// <summary>Which way a phrase is read from its reference date (ARCHITECTURE §4).</summary>
public enum ReadDirection
{
    /// <summary>Something that happened: the latest matching date on or before the reference.</summary>
    Past,

    /// <summary>A deadline: the first matching date on or after the reference.</summary>
    Future,
}

/// <summary>
/// A date as a source gave it: an inclusive interval of calendar days with its precision,
/// the canonical EDTF form and, when it came from prose, the words it came from.
/// </summary>
public sealed record FuzzyDate
{
    /// <summary>The first day it can be, inclusive; <see cref="CalendarDay.MinValue"/> for an open or unknown start.</summary>
    public required CalendarDay Earliest { get; init; }

    /// <summary>The last day it can be, inclusive; <see cref="CalendarDay.MaxValue"/> for an open or unknown end.</summary>
    public required CalendarDay Latest { get; init; }

    /// <summary>The unit the source gave; <see cref="DatePrecision.Range"/> for intervals and shapes no unit names.</summary>
    public required DatePrecision Precision { get; init; }

    /// <summary>Early, mid or late in the period; the bounds are already narrowed to it.</summary>
    public DatePart Part { get; init; }

    /// <summary>EDTF <c>~</c> (or <c>%</c>) on any component or interval end; the bounds are not widened.</summary>
    public bool Approximate { get; init; }

    /// <summary>EDTF <c>?</c> (or <c>%</c>) on any component or interval end.</summary>
    public bool Uncertain { get; init; }

    /// <summary>Canonical EDTF (ISO 8601-2).</summary>
    public required string Edtf { get; init; }

    /// <summary>The source's words, verbatim, when the date was read from text.</summary>
    public string? Text { get; init; }

    /// <summary>The date <see cref="Text"/> was read against.</summary>
    public CalendarDay? Reference { get; init; }

    /// <summary>A human rendering that claims no more precision than the date has.</summary>
    public string Display => FuzzyDateDisplay.Render(this);
}

/// <summary>A date that cannot be read; the message quotes the input, the hint lists accepted forms.</summary>
public sealed class FuzzyDateException(string message, string hint) : Exception(message)
{
    /// <summary>The forms that are accepted, for the caller to show next to the refusal.</summary>
    public string Hint { get; } = hint;
}
