using System.Globalization;
using System.Text;

namespace Timeline.Domain.Dates;

/// <summary>
/// One EDTF date as parsed: a year, then optionally a month (or sub-year code 21–41) and a day,
/// each with its digits (X = unspecified) and qualifiers. Knows its valid completions, its
/// bounds and its canonical spelling.
/// </summary>
internal sealed class EdtfDate(bool negative, IReadOnlyList<Component> components, int? significantDigits, string? time)
{
    private (CalendarDay Earliest, CalendarDay Latest)? bounds;

    private Component Year => components[0];

    private Component? MonthOrCode => components.Count > 1 ? components[1] : null;

    private Component? DayPart => components.Count > 2 ? components[2] : null;

    private bool Masked => components.Any(c => c.Digits.Contains('X'));

    private int? SubYearCode =>
        MonthOrCode is { } m && !m.Digits.Contains('X') && int.Parse(m.Digits, CultureInfo.InvariantCulture) is var v && v > 12 ? v : null;

    /// <summary>Whether any component is approximate (<c>~</c> or <c>%</c>).</summary>
    public bool Approximate => Effective().Any(q => q.HasFlag(Qualification.Approximate));

    /// <summary>Whether any component is uncertain (<c>?</c> or <c>%</c>).</summary>
    public bool Uncertain => Effective().Any(q => q.HasFlag(Qualification.Uncertain));

    /// <summary>Checks the grammar's value rules: months 01–12, codes 21–41, days that exist in some completion.</summary>
    public void Validate(EdtfParser parser)
    {
        if (negative && Year.Digits.Contains('X'))
        {
            throw parser.Invalid("unspecified digits (X) need a non-negative year");
        }

        if (negative && Year.Digits == "0000")
        {
            throw parser.Invalid("-0000 is not a year (the year before 0000 is -0001)");
        }

        if (SubYearCode is { } code)
        {
            if (code is < 21 or > 41)
            {
                throw parser.Invalid($"'{MonthOrCode!.Digits}' is neither a month (01–12) nor a sub-year grouping (21–41)");
            }

            if (DayPart is not null)
            {
                throw parser.Invalid("a season or other sub-year grouping has no day");
            }

            return;
        }

        var months = Months();
        if (months.Count == 0)
        {
            throw parser.Invalid($"'{MonthOrCode!.Digits}' matches no month 01–12");
        }

        var days = Days();
        if (days.Count == 0)
        {
            throw parser.Invalid($"'{DayPart!.Digits}' matches no day 01–31");
        }

        // Some completion must be a real calendar day (Feb 30 never is, 156X-09-31 never is).
        var years = Years();
        if (!years.Any(y => months.Any(m => days.Any(d => d <= DaysIn(y, m)))))
        {
            throw parser.Invalid("no completion of it is a real calendar day");
        }
    }

    /// <summary>The earliest and latest day of any valid completion; refuses what CalendarDay cannot hold.</summary>
    public (CalendarDay Earliest, CalendarDay Latest) Bounds(EdtfParser parser)
    {
        return bounds ??= Compute();

        (CalendarDay, CalendarDay) Compute()
        {
            var years = Years();
            if (SubYearCode is { } code)
            {
                var (startMonth, months) = Periods.SubYearMonths(code);
                if (years[^1] == Periods.MaxYear && startMonth + months - 1 > 12)
                {
                    throw parser.OutOfRange("that season ends after 9999-12-31, the last day a calendar date (CalendarDay) can hold");
                }

                return (Periods.SubYear(years[0], code).Earliest, Periods.SubYear(years[^1], code).Latest);
            }

            var monthList = Months();
            var dayList = Days();
            if (time is not null && UtcDayShift(time) is var shift and not 0)
            {
                // A time with a shift from UTC is on the UTC day (docs/DATES.md): 2020-05-01T23:30:00-04:00 is 2020-05-02.
                var local = First(years, monthList, dayList);
                if ((shift > 0 && local == CalendarDay.MaxValue) || (shift < 0 && local == CalendarDay.MinValue))
                {
                    throw parser.OutOfRange("in UTC that time falls outside -9999-01-01 to 9999-12-31");
                }

                var day = local.AddDays(shift);
                return (day, day);
            }

            return (First(years, monthList, dayList), Last(years, monthList, dayList));
        }
    }

    /// <summary>
    /// How many days the UTC day of a time is from the day written: hh:mm less its shift ("23:30:00-04:00" is
    /// 03:30 the next day, +1; "01:00:00+05:30" is 19:30 the day before, -1). Z, no shift or a local time: 0.
    /// </summary>
    private static int UtcDayShift(string time)
    {
        var zone = time[8..];
        if (zone is "" or "Z")
        {
            return 0;
        }

        var shift = (int.Parse(zone.AsSpan(1, 2), CultureInfo.InvariantCulture) * 60) + (zone.Length == 6 ? int.Parse(zone.AsSpan(4, 2), CultureInfo.InvariantCulture) : 0);
        var utc = (int.Parse(time.AsSpan(0, 2), CultureInfo.InvariantCulture) * 60) + int.Parse(time.AsSpan(3, 2), CultureInfo.InvariantCulture) - (zone[0] == '-' ? -shift : shift);
        return utc < 0 ? -1 : utc >= 24 * 60 ? 1 : 0;
    }

    /// <summary>The date as a <see cref="FuzzyDate"/> with its precision, part and canonical EDTF.</summary>
    public FuzzyDate ToFuzzyDate(EdtfParser parser)
    {
        var (earliest, latest) = Bounds(parser);
        var (precision, part) = (SubYearCode, Masked || significantDigits is not null) switch
        {
            ({ } code, false) => (Periods.SubYear(earliest.Year, code).Precision, Periods.SubYear(earliest.Year, code).Part),
            (null, false) => (components.Count switch { 1 => DatePrecision.Year, 2 => DatePrecision.Month, _ => DatePrecision.Day }, DatePart.None),
            _ => (Classify(earliest, latest), DatePart.None),
        };
        return new FuzzyDate
        {
            Earliest = earliest,
            Latest = latest,
            Precision = precision,
            Part = part,
            Approximate = Approximate,
            Uncertain = Uncertain,
            Edtf = Canonical(),
        };
    }

    /// <summary>
    /// The canonical spelling: one trailing qualifier when every component shares it (level 1),
    /// otherwise a group qualifier after the longest equally qualified leading run and individual
    /// qualifiers before the rest (level 2), e.g. <c>?2004-06-~11</c> becomes <c>2004?-06-~11</c>.
    /// </summary>
    public string Canonical()
    {
        var effective = Effective();
        var run = 0;
        if (effective[0] != Qualification.None)
        {
            while (run < effective.Length && effective[run] == effective[0])
            {
                run++;
            }
        }

        var text = new StringBuilder();
        for (var i = 0; i < components.Count; i++)
        {
            if (i > 0)
            {
                text.Append('-');
            }

            if (i >= run && effective[i] != Qualification.None)
            {
                text.Append(Symbol(effective[i]));
            }

            if (i == 0 && negative)
            {
                text.Append('-');
            }

            text.Append(components[i].Digits);
            if (i == 0 && significantDigits is { } s)
            {
                text.Append('S').Append(s);
            }

            if (i == run - 1)
            {
                text.Append(Symbol(effective[i]));
            }
        }

        if (time is not null)
        {
            text.Append('T').Append(time);
        }

        return text.ToString();
    }

    /// <summary>
    /// What each component is qualified with: its own prefix, plus every suffix at or after it
    /// (a suffix qualifies its component and everything to its left, ISO 8601-2 §8.2).
    /// </summary>
    private Qualification[] Effective()
    {
        var result = new Qualification[components.Count];
        var carried = Qualification.None;
        for (var i = components.Count - 1; i >= 0; i--)
        {
            carried |= components[i].Suffix;
            result[i] = carried | components[i].Prefix;
        }

        return result;
    }

    private static char Symbol(Qualification q) => q switch
    {
        Qualification.Uncertain => '?',
        Qualification.Approximate => '~',
        _ => '%',
    };

    /// <summary>The years the year component can be, ascending; negative ones for a '-' year (no X there).</summary>
    private List<int> Years()
    {
        if (significantDigits is { } s)
        {
            // The years whose first s digits are those written: 1950S2 is 1900–1999, -1950S2 is -1999 to -1900.
            var scale = (int)Math.Pow(10, 4 - s);
            var first = int.Parse(Year.Digits, CultureInfo.InvariantCulture) / scale * scale;
            return negative ? [.. Enumerable.Range(first, scale).Select(y => -y).Reverse()] : [.. Enumerable.Range(first, scale)];
        }

        return negative ? [-int.Parse(Year.Digits, CultureInfo.InvariantCulture)] : Completions(Year.Digits, 0, 9999);
    }

    private List<int> Months() => MonthOrCode is { } m ? Completions(m.Digits, 1, 12) : [.. Enumerable.Range(1, 12)];

    private List<int> Days() => DayPart is { } d ? Completions(d.Digits, 1, 31) : [.. Enumerable.Range(1, 31)];

    /// <summary>The numbers in [min, max] whose digits match <paramref name="mask"/> (X matches any digit), ascending.</summary>
    private static List<int> Completions(string mask, int min, int max)
    {
        IEnumerable<int> numbers = [0];
        foreach (var c in mask)
        {
            var digits = c == 'X' ? Enumerable.Range(0, 10) : [c - '0'];
            numbers = numbers.SelectMany(n => digits.Select(d => (n * 10) + d)).ToList();
        }

        return [.. numbers.Where(n => n >= min && n <= max)];
    }

    private static CalendarDay First(List<int> years, List<int> months, List<int> days)
    {
        foreach (var y in years)
        {
            foreach (var m in months)
            {
                foreach (var d in days.Where(d => d <= DaysIn(y, m)))
                {
                    return new CalendarDay(y, m, d);
                }
            }
        }

        throw new InvalidOperationException("validated dates have a completion");
    }

    private static CalendarDay Last(List<int> years, List<int> months, List<int> days)
    {
        for (var yi = years.Count - 1; yi >= 0; yi--)
        {
            for (var mi = months.Count - 1; mi >= 0; mi--)
            {
                for (var di = days.Count - 1; di >= 0; di--)
                {
                    if (days[di] <= DaysIn(years[yi], months[mi]))
                    {
                        return new CalendarDay(years[yi], months[mi], days[di]);
                    }
                }
            }
        }

        throw new InvalidOperationException("validated dates have a completion");
    }

    /// <summary>Days in a month of any year, proleptic Gregorian (year 0 is a leap year).</summary>
    private static int DaysIn(int year, int month) => CalendarDay.DaysInMonth(year, month);

    /// <summary>The precision the bounds show: a day, a calendar month, year or decade, or else a range.</summary>
    internal static DatePrecision Classify(CalendarDay earliest, CalendarDay latest)
    {
        if (earliest == latest)
        {
            return DatePrecision.Day;
        }

        var monthEnd = new CalendarDay(earliest.Year, earliest.Month, CalendarDay.DaysInMonth(earliest.Year, earliest.Month));
        if (earliest.Day == 1 && latest == monthEnd)
        {
            return DatePrecision.Month;
        }

        if (earliest is { Month: 1, Day: 1 } && latest is { Month: 12, Day: 31 })
        {
            if (latest.Year == earliest.Year)
            {
                return DatePrecision.Year;
            }

            if (earliest.Year % 10 == 0 && latest.Year == earliest.Year + 9)
            {
                return DatePrecision.Decade;
            }
        }

        return DatePrecision.Range;
    }
}
