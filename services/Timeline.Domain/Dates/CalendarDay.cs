using System.Globalization;

namespace Timeline.Domain.Dates;

/// <summary>
/// A calendar day of the proleptic Gregorian calendar in years −9999 to 9999, numbered as EDTF
/// numbers years (astronomical: year 0000 is 1 BCE, −0043 is 44 BCE). <see cref="DayNumber"/> is
/// <see cref="DateOnly.DayNumber"/> for 0001-01-01 to 9999-12-31 and continues below zero before
/// it, so day numbers stored for <see cref="DateOnly"/> keep their meaning. Written as the contract
/// writes days: <c>2023-10-14</c>, <c>-0044-03-15</c>.
/// </summary>
public readonly record struct CalendarDay : IComparable<CalendarDay>, IComparable, IFormattable
{
    /// <summary>The first year and the last year a day can have.</summary>
    public const int MinYear = -9999;

    /// <inheritdoc cref="MinYear"/>
    public const int MaxYear = 9999;

    /// <summary>Days from 1970-01-01 to 0001-01-01 in the civil-days count below.</summary>
    private static readonly long DayZero = DaysFromCivil(1, 1, 1);

    private CalendarDay(int dayNumber, bool _) => DayNumber = dayNumber;

    /// <summary>The day <paramref name="year"/>-<paramref name="month"/>-<paramref name="day"/>.</summary>
    /// <exception cref="FuzzyDateException">The year is outside −9999–9999.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The month is not 1–12 or the month has no such day (29 February 2023).</exception>
    public CalendarDay(int year, int month, int day)
    {
        if (year is < MinYear or > MaxYear)
        {
            throw OutsideCalendar($"year {year}");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(month, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(month, 12);
        ArgumentOutOfRangeException.ThrowIfLessThan(day, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(day, DaysInMonth(year, month));
        DayNumber = (int)(DaysFromCivil(year, month, day) - DayZero);
    }

    /// <summary>−9999-01-01, the first day: the bound of an open or unknown start.</summary>
    public static CalendarDay MinValue { get; } = new(MinYear, 1, 1);

    /// <summary>9999-12-31, the last day: the bound of an open or unknown end.</summary>
    public static CalendarDay MaxValue { get; } = new(MaxYear, 12, 31);

    /// <summary>Days since 0001-01-01 (negative before it), as <see cref="DateOnly.DayNumber"/>.</summary>
    public int DayNumber { get; }

    public int Year => Civil().Year;

    public int Month => Civil().Month;

    public int Day => Civil().Day;

    /// <summary>The weekday in the proleptic Gregorian calendar (0001-01-01 was a Monday).</summary>
    public DayOfWeek DayOfWeek => (DayOfWeek)((((DayNumber % 7) + 7) % 7 + 1) % 7);

    /// <summary>The day with this <see cref="DayNumber"/>.</summary>
    /// <exception cref="FuzzyDateException">It is outside −9999-01-01 to 9999-12-31.</exception>
    public static CalendarDay FromDayNumber(long dayNumber) =>
        dayNumber >= MinValue.DayNumber && dayNumber <= MaxValue.DayNumber
            ? new CalendarDay((int)dayNumber, false)
            : throw OutsideCalendar($"day number {dayNumber}");

    /// <summary>The UTC calendar day of an instant.</summary>
    public static CalendarDay FromDateTime(DateTime time) => DateOnly.FromDateTime(time);

    public static implicit operator CalendarDay(DateOnly day) => new(day.DayNumber, false);

    /// <summary>The <see cref="DateOnly"/> of a day in 0001–9999.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The day is before 0001-01-01.</exception>
    public static explicit operator DateOnly(CalendarDay day) => DateOnly.FromDayNumber(day.DayNumber);

    public static bool operator <(CalendarDay a, CalendarDay b) => a.DayNumber < b.DayNumber;

    public static bool operator >(CalendarDay a, CalendarDay b) => a.DayNumber > b.DayNumber;

    public static bool operator <=(CalendarDay a, CalendarDay b) => a.DayNumber <= b.DayNumber;

    public static bool operator >=(CalendarDay a, CalendarDay b) => a.DayNumber >= b.DayNumber;

    /// <summary>Whether <paramref name="year"/> has a 29 February (proleptic Gregorian; year 0 is a leap year).</summary>
    public static bool IsLeapYear(int year) => year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);

    /// <summary>The days in a month of any year −9999–9999.</summary>
    public static int DaysInMonth(int year, int month) => month switch
    {
        2 => IsLeapYear(year) ? 29 : 28,
        4 or 6 or 9 or 11 => 30,
        >= 1 and <= 12 => 31,
        _ => throw new ArgumentOutOfRangeException(nameof(month), month, "a month is 1–12"),
    };

    /// <exception cref="FuzzyDateException">The result is outside the calendar.</exception>
    public CalendarDay AddDays(long days) => FromDayNumber(DayNumber + days);

    /// <summary>The same day <paramref name="months"/> later, or the month's last day when it is shorter (31 January + 1 month is 28 or 29 February).</summary>
    /// <exception cref="FuzzyDateException">The result is outside the calendar.</exception>
    public CalendarDay AddMonths(long months)
    {
        var (year, month, day) = Civil();
        var index = (year * 12L) + (month - 1) + months;
        var newYear = index >= 0 ? index / 12 : (index - 11) / 12;
        if (newYear is < MinYear or > MaxYear)
        {
            throw OutsideCalendar($"{Math.Abs(months)} month{(Math.Abs(months) == 1 ? "" : "s")} {(months < 0 ? "before" : "after")} {this}");
        }

        var newMonth = (int)(index - (newYear * 12)) + 1;
        return new CalendarDay((int)newYear, newMonth, Math.Min(day, DaysInMonth((int)newYear, newMonth)));
    }

    /// <exception cref="FuzzyDateException">The result is outside the calendar.</exception>
    public CalendarDay AddYears(long years) => AddMonths(years * 12);

    public int CompareTo(CalendarDay other) => DayNumber.CompareTo(other.DayNumber);

    public int CompareTo(object? obj) => obj is CalendarDay day ? CompareTo(day) : throw new ArgumentException("not a CalendarDay", nameof(obj));

    /// <summary>The contract's form: <c>2023-10-14</c>, <c>-0044-03-15</c>.</summary>
    public override string ToString()
    {
        var (year, month, day) = Civil();
        return string.Create(CultureInfo.InvariantCulture, $"{FormatYear(year)}-{month:D2}-{day:D2}");
    }

    /// <summary>A year as EDTF and the contract write it: four digits, '-' before year 0000 (1 BCE): <c>2023</c>, <c>-0043</c>.</summary>
    public static string FormatYear(long year) =>
        (year < 0 ? "-" : "") + Math.Abs(year).ToString("D4", CultureInfo.InvariantCulture);

    /// <summary><c>yyyy-MM-dd</c> (or null) is the contract's form; <c>MM-dd</c> the month and day.</summary>
    public string ToString(string? format, IFormatProvider? formatProvider) => format switch
    {
        null or "" or "yyyy-MM-dd" or "o" => ToString(),
        "MM-dd" => ToString()[^5..],
        _ => throw new FormatException($"CalendarDay formats are yyyy-MM-dd and MM-dd, not '{format}'"),
    };

    /// <summary>Reads the contract's form: four digits of year (with a leading '-' for years before 0000, which is 1 BCE), two of month and day.</summary>
    public static bool TryParse(string? text, out CalendarDay day)
    {
        day = default;
        if (text is null)
        {
            return false;
        }

        var negative = text.StartsWith('-');
        var body = negative ? text.AsSpan(1) : text.AsSpan();
        if (body.Length != 10 || body[4] != '-' || body[7] != '-' ||
            !Digits(body[..4], out var year) || !Digits(body.Slice(5, 2), out var month) || !Digits(body.Slice(8, 2), out var dayOfMonth) ||
            (negative && year == 0) || month is < 1 or > 12)
        {
            return false;
        }

        year = negative ? -year : year;
        if (dayOfMonth < 1 || dayOfMonth > DaysInMonth(year, month))
        {
            return false;
        }

        day = new CalendarDay(year, month, dayOfMonth);
        return true;
    }

    /// <summary>Reads the contract's form or throws <see cref="FormatException"/>.</summary>
    public static CalendarDay Parse(string text) =>
        TryParse(text, out var day) ? day : throw new FormatException($"'{text}' is not a day YYYY-MM-DD (years -9999 to 9999)");

    private static bool Digits(ReadOnlySpan<char> text, out int value)
    {
        value = 0;
        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        return true;
    }

    private static FuzzyDateException OutsideCalendar(string what) => new(
        $"{what} is outside the calendar, which runs from -9999-01-01 to 9999-12-31",
        "give a date in years -9999 to 9999 (EDTF years; -0043 is 44 BCE)");

    /// <summary>Days from 1970-01-01 to a civil date, proleptic Gregorian, any year (H. Hinnant's days_from_civil).</summary>
    private static long DaysFromCivil(int year, int month, int day)
    {
        long y = month <= 2 ? year - 1 : year;
        var era = (y >= 0 ? y : y - 399) / 400;
        var yearOfEra = y - (era * 400);
        var dayOfYear = (((153 * (month > 2 ? month - 3 : month + 9)) + 2) / 5) + day - 1;
        var dayOfEra = (yearOfEra * 365) + (yearOfEra / 4) - (yearOfEra / 100) + dayOfYear;
        return (era * 146097) + dayOfEra - 719468;
    }

    /// <summary>The inverse of <see cref="DaysFromCivil"/> (civil_from_days).</summary>
    private (int Year, int Month, int Day) Civil()
    {
        var z = DayNumber + DayZero + 719468;
        var era = (z >= 0 ? z : z - 146096) / 146097;
        var dayOfEra = z - (era * 146097);
        var yearOfEra = (dayOfEra - (dayOfEra / 1460) + (dayOfEra / 36524) - (dayOfEra / 146096)) / 365;
        var dayOfYear = dayOfEra - ((365 * yearOfEra) + (yearOfEra / 4) - (yearOfEra / 100));
        var mp = ((5 * dayOfYear) + 2) / 153;
        var day = (int)(dayOfYear - (((153 * mp) + 2) / 5) + 1);
        var month = (int)(mp < 10 ? mp + 3 : mp - 9);
        var year = (int)(yearOfEra + (era * 400) + (month <= 2 ? 1 : 0));
        return (year, month, day);
    }
}
