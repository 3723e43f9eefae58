namespace Timeline.Domain.Dates;

/// <summary>
/// Calendar periods as inclusive day intervals, and the EDTF that names them. One place for the
/// rules both the EDTF parser and the news-phrase reader rely on (ARCHITECTURE §4).
/// </summary>
public static class Periods
{
    /// <summary>The first and last years a <see cref="CalendarDay"/> can hold (EDTF years, astronomical: 0000 is 1 BCE); years outside are refused.</summary>
    public const int MinYear = CalendarDay.MinYear;

    /// <inheritdoc cref="MinYear"/>
    public const int MaxYear = CalendarDay.MaxYear;

    /// <summary>A single day.</summary>
    public static FuzzyDate Day(CalendarDay day) => new()
    {
        Earliest = day,
        Latest = day,
        Precision = DatePrecision.Day,
        Edtf = FuzzyDateProto.FormatDay(day),
    };

    /// <summary>The ISO week (Monday to Sunday) that contains <paramref name="day"/>.</summary>
    public static FuzzyDate Week(CalendarDay day)
    {
        var monday = day.AddDays(-(((int)day.DayOfWeek + 6) % 7));
        if (CalendarDay.MaxValue.DayNumber - monday.DayNumber < 6)
        {
            throw new FuzzyDateException($"the week of {FuzzyDateProto.FormatDay(day)} ends after 9999-12-31", "use a day or month within -9999 to 9999");
        }

        var sunday = monday.AddDays(6);
        return new FuzzyDate
        {
            Earliest = monday,
            Latest = sunday,
            Precision = DatePrecision.Week,
            Edtf = $"{FuzzyDateProto.FormatDay(monday)}/{FuzzyDateProto.FormatDay(sunday)}",
        };
    }

    /// <summary>A calendar month.</summary>
    public static FuzzyDate Month(int year, int month) => new()
    {
        Earliest = new CalendarDay(year, month, 1),
        Latest = new CalendarDay(year, month, CalendarDay.DaysInMonth(year, month)),
        Precision = DatePrecision.Month,
        Edtf = $"{CalendarDay.FormatYear(year)}-{month:D2}",
    };

    /// <summary>A calendar year.</summary>
    public static FuzzyDate Year(int year) => new()
    {
        Earliest = new CalendarDay(year, 1, 1),
        Latest = new CalendarDay(year, 12, 31),
        Precision = DatePrecision.Year,
        Edtf = CalendarDay.FormatYear(year),
    };

    /// <summary>
    /// The ten years starting at <paramref name="firstYear"/> (a multiple of ten), EDTF <c>199X</c>;
    /// before year 0 EDTF has no unspecified digits, so the interval <c>-0049/-0040</c>.
    /// </summary>
    public static FuzzyDate Decade(int firstYear) => new()
    {
        Earliest = new CalendarDay(Math.Max(firstYear, MinYear), 1, 1),
        Latest = new CalendarDay(firstYear + 9, 12, 31),
        Precision = DatePrecision.Decade,
        Edtf = firstYear >= 0 ? CalendarDay.FormatYear(firstYear)[..3] + "X" : $"{CalendarDay.FormatYear(Math.Max(firstYear, MinYear))}/{CalendarDay.FormatYear(firstYear + 9)}",
    };

    /// <summary>Quarter 1–4 of a year, EDTF sub-year codes 33–36.</summary>
    public static FuzzyDate Quarter(int year, int quarter) => SubYear(year, 32 + quarter);

    /// <summary>
    /// An EDTF sub-year grouping (ISO 8601-2 codes 21–41) of one year: seasons (21–32; winter
    /// runs December to February and so ends in the next year), quarters (33–36),
    /// quadrimesters (37–39, the same days as early/mid/late in the year) and halves (40–41).
    /// </summary>
    public static FuzzyDate SubYear(int year, int code)
    {
        var (startMonth, months) = SubYearMonths(code);
        var start = new CalendarDay(year, startMonth, 1);

        // The last month counted from January of the year (14 is February of the next), so the end
        // is computed without stepping past 9999-12-31 (H2 9999 ends on it).
        var lastMonth = startMonth + months - 1;
        var endYear = year + ((lastMonth - 1) / 12);
        var endMonth = ((lastMonth - 1) % 12) + 1;
        var end = new CalendarDay(endYear, endMonth, CalendarDay.DaysInMonth(endYear, endMonth));
        var (precision, part) = code switch
        {
            <= 32 => (DatePrecision.Season, DatePart.None),
            <= 36 => (DatePrecision.Quarter, DatePart.None),
            <= 39 => (DatePrecision.Year, (DatePart)(code - 36)),
            _ => (DatePrecision.Range, DatePart.None),
        };
        return new FuzzyDate
        {
            Earliest = start,
            Latest = end,
            Precision = precision,
            Part = part,
            Edtf = $"{CalendarDay.FormatYear(year)}-{code}",
        };
    }

    /// <summary>The first month (1 = January of the code's year) and the number of months of a sub-year code.</summary>
    public static (int StartMonth, int Months) SubYearMonths(int code) => code switch
    {
        // Seasons with no hemisphere, as the northern hemisphere's meteorological seasons.
        21 or 25 or 31 => (3, 3),
        22 or 26 or 32 => (6, 3),
        23 or 27 or 29 => (9, 3),
        24 or 28 or 30 => (12, 3),
        >= 33 and <= 36 => (1 + ((code - 33) * 3), 3),
        >= 37 and <= 39 => (1 + ((code - 37) * 4), 4),
        40 or 41 => (1 + ((code - 40) * 6), 6),
        _ => throw new ArgumentOutOfRangeException(nameof(code), code, "not an EDTF sub-year code (21–41)"),
    };

    /// <summary>
    /// Narrows a period to its first, middle or last third: months split at days 1–10, 11–20,
    /// 21–end; years Jan–Apr, May–Aug, Sep–Dec; decades years 0–3, 4–6, 7–9; a season or quarter
    /// into its three months; a week into Monday–Tuesday, Wednesday–Thursday, Friday–Sunday.
    /// The EDTF stays that of the whole period.
    /// </summary>
    public static FuzzyDate WithPart(FuzzyDate period, DatePart part)
    {
        if (part == DatePart.None)
        {
            return period;
        }

        var start = period.Earliest;
        var (earliest, latest) = (period.Precision, part) switch
        {
            (DatePrecision.Month, DatePart.Early) => (start, start.AddDays(9)),
            (DatePrecision.Month, DatePart.Mid) => (start.AddDays(10), start.AddDays(19)),
            (DatePrecision.Month, DatePart.Late) => (start.AddDays(20), period.Latest),
            (DatePrecision.Year, _) => (start.AddMonths(4 * ((int)part - 1)), start.AddMonths(4 * (int)part).AddDays(-1)),
            (DatePrecision.Decade, DatePart.Early) => (start, new CalendarDay(DecadeStart(start.Year) + 3, 12, 31)),
            (DatePrecision.Decade, DatePart.Mid) => (new CalendarDay(DecadeStart(start.Year) + 4, 1, 1), new CalendarDay(DecadeStart(start.Year) + 6, 12, 31)),
            (DatePrecision.Decade, DatePart.Late) => (new CalendarDay(DecadeStart(start.Year) + 7, 1, 1), period.Latest),
            (DatePrecision.Season or DatePrecision.Quarter, _) => (start.AddMonths((int)part - 1), start.AddMonths((int)part).AddDays(-1)),
            (DatePrecision.Week, DatePart.Early) => (start, start.AddDays(1)),
            (DatePrecision.Week, DatePart.Mid) => (start.AddDays(2), start.AddDays(3)),
            (DatePrecision.Week, DatePart.Late) => (start.AddDays(4), period.Latest),
            _ => throw new FuzzyDateException(
                $"early/mid/late applies to a week, a month, a season, a quarter, a year or a decade, not to '{period.Edtf}'",
                "write e.g. 'late August 2023', 'mid-2022', 'late summer 2021', 'early next week' or 'the early 1990s'"),
        };
        return period with { Earliest = earliest, Latest = latest, Part = part };
    }

    /// <summary>An interval from the start of <paramref name="from"/> to the end of <paramref name="to"/>.</summary>
    public static FuzzyDate Between(FuzzyDate from, FuzzyDate to)
    {
        if (to.Latest < from.Earliest)
        {
            throw new FuzzyDateException(
                $"the interval '{from.Edtf}' to '{to.Edtf}' ends before it starts",
                "give the earlier date first");
        }

        return new FuzzyDate
        {
            Earliest = from.Earliest,
            Latest = to.Latest,
            Precision = DatePrecision.Range,
            Approximate = from.Approximate || to.Approximate,
            Uncertain = from.Uncertain || to.Uncertain,
            Edtf = $"{StartSide(from.Edtf)}/{EndSide(to.Edtf)}",
        };
    }

    /// <summary>
    /// Strictly before <paramref name="date"/>: open start, ending the day before it begins, EDTF
    /// <c>../Y</c> with Y the year, month or day that ends there ("before 2020" is <c>../2019</c>).
    /// </summary>
    public static FuzzyDate Before(FuzzyDate date)
    {
        if (date.Earliest == CalendarDay.MinValue)
        {
            throw new FuzzyDateException($"nothing is before '{date.Edtf}': it starts on the first day a date can have", "give a date that has a start");
        }

        var end = date.Earliest.AddDays(-1);
        var side = end is { Month: 12, Day: 31 } ? CalendarDay.FormatYear(end.Year)
            : end.Day == CalendarDay.DaysInMonth(end.Year, end.Month) ? $"{CalendarDay.FormatYear(end.Year)}-{end.Month:D2}"
            : FuzzyDateProto.FormatDay(end);
        return Qualify(new FuzzyDate { Earliest = CalendarDay.MinValue, Latest = end, Precision = DatePrecision.Range, Edtf = $"../{side}" }, date.Approximate, date.Uncertain);
    }

    /// <summary>
    /// Strictly after <paramref name="date"/>: open end, starting the day after it ends, EDTF
    /// <c>Y/..</c> ("after the 1990s" is <c>2000/..</c>).
    /// </summary>
    public static FuzzyDate After(FuzzyDate date)
    {
        if (date.Latest == CalendarDay.MaxValue)
        {
            throw new FuzzyDateException($"nothing is after '{date.Edtf}': it ends on the last day a date can have", "give a date that has an end");
        }

        var start = date.Latest.AddDays(1);
        var side = start is { Month: 1, Day: 1 } ? CalendarDay.FormatYear(start.Year)
            : start.Day == 1 ? $"{CalendarDay.FormatYear(start.Year)}-{start.Month:D2}"
            : FuzzyDateProto.FormatDay(start);
        return Qualify(new FuzzyDate { Earliest = start, Latest = CalendarDay.MaxValue, Precision = DatePrecision.Range, Edtf = $"{side}/.." }, date.Approximate, date.Uncertain);
    }

    /// <summary>The days from <paramref name="first"/> to <paramref name="last"/>, EDTF <c>first/last</c>.</summary>
    public static FuzzyDate Days(CalendarDay first, CalendarDay last) => Between(Day(first), Day(last));

    /// <summary>
    /// <paramref name="date"/> with its bounds cut to [<paramref name="earliest"/>, <paramref name="latest"/>]
    /// (what is known beyond the words: "in October" written on 16 October ends on the 16th); EDTF,
    /// precision and part stay those of the words.
    /// </summary>
    public static FuzzyDate Cut(FuzzyDate date, CalendarDay earliest, CalendarDay latest) => date with
    {
        Earliest = date.Earliest > earliest ? date.Earliest : earliest,
        Latest = date.Latest < latest ? date.Latest : latest,
    };

    /// <summary>On or before <paramref name="date"/>: open start, EDTF <c>../X</c>.</summary>
    public static FuzzyDate OnOrBefore(FuzzyDate date) => date with
    {
        Earliest = CalendarDay.MinValue,
        Precision = DatePrecision.Range,
        Part = DatePart.None,
        Edtf = $"../{EndSide(date.Edtf)}",
    };

    /// <summary>On or after <paramref name="date"/>: open end, EDTF <c>X/..</c>.</summary>
    public static FuzzyDate OnOrAfter(FuzzyDate date) => date with
    {
        Latest = CalendarDay.MaxValue,
        Precision = DatePrecision.Range,
        Part = DatePart.None,
        Edtf = $"{StartSide(date.Edtf)}/..",
    };

    /// <summary>
    /// The hundred years starting at <paramref name="firstYear"/>, EDTF <c>18XX</c>; there is no
    /// century precision, so a range. Before year 0, the interval: the 2nd century BCE is <c>-0199/-0100</c>.
    /// </summary>
    public static FuzzyDate Century(int firstYear) => new()
    {
        Earliest = new CalendarDay(Math.Max(firstYear, MinYear), 1, 1),
        Latest = new CalendarDay(firstYear + 99, 12, 31),
        Precision = DatePrecision.Range,
        Edtf = firstYear >= 0 ? CalendarDay.FormatYear(firstYear)[..2] + "XX" : $"{CalendarDay.FormatYear(Math.Max(firstYear, MinYear))}/{CalendarDay.FormatYear(firstYear + 99)}",
    };

    /// <summary>Marks a date approximate and/or uncertain, qualifying its EDTF (<c>~</c>, <c>?</c>, <c>%</c>).</summary>
    public static FuzzyDate Qualify(FuzzyDate date, bool approximate, bool uncertain)
    {
        if (!approximate && !uncertain)
        {
            return date;
        }

        var edtf = string.Join('/', date.Edtf.Split('/').Select(side => QualifySide(side, approximate, uncertain)));
        return date with
        {
            Approximate = date.Approximate || approximate,
            Uncertain = date.Uncertain || uncertain,
            Edtf = edtf,
        };
    }

    /// <summary>The first year of the decade containing <paramref name="year"/> (−43 is in the decade starting −50).</summary>
    public static int DecadeStart(int year) => year - (((year % 10) + 10) % 10);

    private static string StartSide(string edtf) => edtf.Contains('/') ? edtf[..edtf.IndexOf('/')] : edtf;

    private static string EndSide(string edtf) => edtf.Contains('/') ? edtf[(edtf.IndexOf('/') + 1)..] : edtf;

    private static string QualifySide(string side, bool approximate, bool uncertain)
    {
        if (side is "" or "..")
        {
            return side;
        }

        var hadApproximate = side.EndsWith('~') || side.EndsWith('%');
        var hadUncertain = side.EndsWith('?') || side.EndsWith('%');
        var bare = hadApproximate || hadUncertain ? side[..^1] : side;
        return (approximate || hadApproximate, uncertain || hadUncertain) switch
        {
            (true, true) => bare + "%",
            (true, false) => bare + "~",
            (false, true) => bare + "?",
            _ => bare,
        };
    }
}
