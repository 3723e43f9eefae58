using System.Globalization;

namespace Timeline.Domain.Dates;

/// <summary>
/// Renders a fuzzy date for people: "late August 2023", "Sat 14 Oct 2023", "2020", "Q3 2023",
/// "c. 1990s", "2021?". It never claims more precision than the bounds have, and
/// <see cref="NewsDates.Resolve"/> reads every rendering back to the same bounds. What no words
/// say exactly is shown as its EDTF.
/// </summary>
public static class FuzzyDateDisplay
{
    /// <summary>The rendering: "c. " marks approximate, a trailing "?" uncertain.</summary>
    public static string Render(FuzzyDate date)
    {
        ArgumentNullException.ThrowIfNull(date);
        var core = Core(date);
        if (core is null)
        {
            return date.Edtf;
        }

        return $"{(date.Approximate ? "c. " : "")}{core}{(date.Uncertain ? "?" : "")}";
    }

    /// <summary>"Sat 14 Oct 2023"; before 1 CE without the weekday, which no one then counted that way: "15 Mar 44 BCE".</summary>
    public static string Day(CalendarDay day) => day.Year >= 1
        ? $"{day.DayOfWeek.ToString()[..3]} {day.Day} {NewsVocabulary.MonthNames[day.Month - 1][..3]} {Year(day.Year)}"
        : $"{day.Day} {NewsVocabulary.MonthNames[day.Month - 1][..3]} {Year(day.Year)}";

    /// <summary>"2023"; years before 1000 carry their era, "409 CE", so they read back as years; year 0 and before are BCE ("44 BCE" is -0043).</summary>
    public static string Year(int year) =>
        year >= 1000 ? year.ToString(CultureInfo.InvariantCulture) : year >= 1 ? $"{year} CE" : $"{1 - year} BCE";

    private static string? Core(FuzzyDate date)
    {
        var (e, l) = (date.Earliest, date.Latest);
        var whole = date.Part == DatePart.None ? date : null;
        return date.Precision switch
        {
            DatePrecision.Day when e == l => Day(e),
            DatePrecision.Week when e.DayOfWeek == DayOfWeek.Monday && l == e.AddDays(6) => $"week of {Day(e)}",
            DatePrecision.Month when Matches(date, Periods.Month(e.Year, e.Month)) =>
                $"{PartPrefix(date.Part)}{NewsVocabulary.MonthNames[e.Month - 1]} {Year(e.Year)}",
            DatePrecision.Quarter when whole is not null && e.Month % 3 == 1 && Matches(date, Periods.Quarter(e.Year, ((e.Month - 1) / 3) + 1)) =>
                $"Q{((e.Month - 1) / 3) + 1} {Year(e.Year)}",
            DatePrecision.Season when whole is not null => Season(date),
            DatePrecision.Year when Matches(date, Periods.Year(e.Year)) => $"{PartPrefix(date.Part)}{Year(e.Year)}",
            // "the 1900s" could be a century, so decades starting a century are shown as a range ("late 2000s" is not ambiguous).
            DatePrecision.Decade when e.Year >= 1000 && (Periods.DecadeStart(e.Year) % 100 != 0 || (Periods.DecadeStart(e.Year) == 2000 && date.Part != DatePart.None)) && Matches(date, Periods.Decade(Periods.DecadeStart(e.Year))) =>
                $"{PartPrefix(date.Part)}{Periods.DecadeStart(e.Year)}s",
            _ => Range(date),
        };
    }

    /// <summary>Whether the bounds are exactly the period's, narrowed to the date's part.</summary>
    private static bool Matches(FuzzyDate date, FuzzyDate period)
    {
        var expected = Periods.WithPart(period, date.Part);
        return expected.Earliest == date.Earliest && expected.Latest == date.Latest;
    }

    private static string PartPrefix(DatePart part) => part switch
    {
        DatePart.Early => "early ",
        DatePart.Mid => "mid-",
        DatePart.Late => "late ",
        _ => "",
    };

    /// <summary>"summer 2023", "winter 2023/24", "spring 2001 (southern hemisphere)".</summary>
    private static string? Season(FuzzyDate date)
    {
        var code = SubYearCode(date.Edtf) ?? date.Earliest.Month switch { 3 => 21, 6 => 22, 9 => 23, 12 => 24, _ => 0 };
        if (code is < 21 or > 32 || !Matches(date, Periods.SubYear(date.Earliest.Year, code)))
        {
            return Range(date);
        }

        var year = date.Earliest.Year;
        var years = (code - 21) % 4 == 3 && year < 9999 ? $"{Year(year)}/{(year + 1) % 100:D2}" : Year(year);
        var hemisphere = code switch
        {
            >= 25 and <= 28 => " (northern hemisphere)",
            >= 29 => " (southern hemisphere)",
            _ => "",
        };
        return $"{NewsVocabulary.SeasonName(code)} {years}{hemisphere}";
    }

    private static int? SubYearCode(string edtf) =>
        edtf.Length >= 7 && edtf[4] == '-' && int.TryParse(edtf.AsSpan(5, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var code) && code > 12
            ? code
            : null;

    /// <summary>
    /// Both ends at the coarsest unit the bounds align to: "2004 – 2005", "June 2004 – August 2006",
    /// "Sun 1 Feb 2004 – Tue 8 Feb 2005"; a half year as "H1 2023"; an open end as "1985 or earlier".
    /// </summary>
    private static string? Range(FuzzyDate date)
    {
        var (e, l) = (date.Earliest, date.Latest);
        var openStart = e == CalendarDay.MinValue && (date.Edtf.StartsWith('/') || date.Edtf.StartsWith("..", StringComparison.Ordinal));
        var openEnd = l == CalendarDay.MaxValue && (date.Edtf.EndsWith('/') || date.Edtf.EndsWith("..", StringComparison.Ordinal));
        if (openStart && openEnd)
        {
            return null;
        }

        if (openStart)
        {
            return $"{End(l)} or earlier";
        }

        if (openEnd)
        {
            return $"{Start(e)} or later";
        }

        if (e.Year == l.Year && e is { Day: 1 } && (e.Month, l) is (1, { Month: 6, Day: 30 }) or (7, { Month: 12, Day: 31 }))
        {
            return $"H{(e.Month == 1 ? 1 : 2)} {Year(e.Year)}";
        }

        if (e is { Month: 1, Day: 1 } && l is { Month: 12, Day: 31 })
        {
            return e.Year == l.Year ? Year(e.Year) : $"{Year(e.Year)} – {Year(l.Year)}";
        }

        if (e.Day == 1 && l.Day == CalendarDay.DaysInMonth(l.Year, l.Month))
        {
            return (e.Year, e.Month) == (l.Year, l.Month) ? Month(e) : $"{Month(e)} – {Month(l)}";
        }

        return $"{Day(e)} – {Day(l)}";
    }

    private static string Start(CalendarDay day) =>
        day is { Month: 1, Day: 1 } ? Year(day.Year) : day.Day == 1 ? Month(day) : Day(day);

    private static string End(CalendarDay day) =>
        day is { Month: 12, Day: 31 } ? Year(day.Year) : day.Day == CalendarDay.DaysInMonth(day.Year, day.Month) ? Month(day) : Day(day);

    private static string Month(CalendarDay day) => $"{NewsVocabulary.MonthNames[day.Month - 1]} {Year(day.Year)}";
}
