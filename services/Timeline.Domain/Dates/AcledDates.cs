namespace Timeline.Domain.Dates;

/// <summary>ACLED's <c>event_date</c> + <c>time_precision</c> as a fuzzy date (ACLED codebook; data/README.md).</summary>
public static class AcledDates
{
    /// <summary>
    /// 1: the source gives the day. 2: only the week is known; the day stored is within it, so
    /// the ISO week (Monday–Sunday) around it, <see cref="DatePrecision.Week"/>. 3: only the month
    /// is known, so the whole month, <see cref="DatePrecision.Month"/>.
    /// </summary>
    /// <exception cref="FuzzyDateException">Any other precision code.</exception>
    public static FuzzyDate FromTimePrecision(CalendarDay date, int timePrecision) => timePrecision switch
    {
        1 => Periods.Day(date),
        2 => Periods.Week(date),
        3 => Periods.Month(date.Year, date.Month),
        _ => throw new FuzzyDateException(
            $"ACLED time_precision '{timePrecision}' for {FuzzyDateProto.FormatDay(date)} is not 1, 2 or 3",
            "time_precision is 1 (day), 2 (week) or 3 (month)"),
    };
}
