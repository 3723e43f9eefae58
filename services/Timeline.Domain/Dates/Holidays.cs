using System.Globalization;

namespace Timeline.Domain.Dates;

/// <summary>
/// Holidays whose dates can be computed, and those that cannot be, by name. Christian holidays by
/// the Gregorian calendar (Easter by the Gregorian computus, Orthodox Easter by the Julian one);
/// Islamic ones by the Umm al-Qura calendar that .NET ships (<see cref="UmAlQuraCalendar"/>,
/// Saudi Arabia's tabulated calendar: a country that fixes the date by sighting the moon may be a
/// day apart, and the calendar covers 1900–2077 only).
/// </summary>
public static class Holidays
{
    private static readonly UmAlQuraCalendar Hijri = new();

    /// <summary>How a computable holiday is placed in time.</summary>
    internal enum Rule
    {
        /// <summary>A fixed Gregorian day: <see cref="Holiday.Month"/>, <see cref="Holiday.Day"/>.</summary>
        Fixed,

        /// <summary>Days after (or before) Easter Sunday, Gregorian computus.</summary>
        Easter,

        /// <summary>Days after Orthodox Easter Sunday (Julian computus), as a Gregorian day.</summary>
        OrthodoxEaster,

        /// <summary>A day of a Hijri month (or the whole month when the day is 0), Umm al-Qura.</summary>
        Hijri,
    }

    /// <summary>One holiday: its names as word sequences and the rule that dates it.</summary>
    internal sealed record Holiday(string Name, string[][] Words, Rule Rule, int Month = 0, int Day = 0);

    /// <summary>The holidays the reader computes, longest names first so "Christmas Eve" wins over "Christmas".</summary>
    internal static readonly Holiday[] Computable =
    [
        new("Christmas Eve", [["christmas", "eve"]], Rule.Fixed, 12, 24),
        new("Christmas Day", [["christmas", "day"]], Rule.Fixed, 12, 25),
        new("Boxing Day", [["boxing", "day"]], Rule.Fixed, 12, 26),
        new("Christmas", [["christmas"], ["xmas"]], Rule.Fixed, 12, 25),
        new("New Year's Eve", [["new", "year", "s", "eve"], ["new", "years", "eve"], ["new", "year", "eve"]], Rule.Fixed, 12, 31),
        new("New Year's Day", [["new", "year", "s", "day"], ["new", "years", "day"], ["new", "year", "day"], ["new", "year", "s"], ["new", "year"]], Rule.Fixed, 1, 1),
        new("Orthodox Easter", [["orthodox", "easter", "sunday"], ["orthodox", "easter"]], Rule.OrthodoxEaster, 0, 0),
        new("Good Friday", [["good", "friday"]], Rule.Easter, 0, -2),
        new("Easter Monday", [["easter", "monday"]], Rule.Easter, 0, 1),
        new("Easter", [["easter", "sunday"], ["easter", "day"], ["easter"]], Rule.Easter, 0, 0),
        new("Eid al-Fitr", [["eid", "al", "fitr"], ["eid", "ul", "fitr"], ["eid", "el", "fitr"], ["eid", "fitr"], ["korite"], ["eid", "al", "saghir"], ["eid", "el", "seghir"]], Rule.Hijri, 10, 1),
        new("Eid al-Adha", [["eid", "al", "adha"], ["eid", "ul", "adha"], ["eid", "el", "adha"], ["eid", "adha"], ["tabaski"], ["eid", "al", "kabir"], ["eid", "el", "kebir"]], Rule.Hijri, 12, 10),
        new("Islamic New Year", [["islamic", "new", "year"], ["hijri", "new", "year"]], Rule.Hijri, 1, 1),
        new("Ashura", [["ashura"]], Rule.Hijri, 1, 10),
        new("Ramadan", [["ramadan"], ["ramadhan"]], Rule.Hijri, 9, 0),
    ];

    /// <summary>Holidays the reader knows but does not compute, with why: named in the refusal.</summary>
    internal static readonly (string[] Words, string Why)[] NotComputed =
    [
        (["eid"], "'Eid' alone could be Eid al-Fitr or Eid al-Adha; name which"),
        (["diwali"], "Diwali follows the Hindu lunisolar calendar, which this reader does not compute"),
        (["deepavali"], "Deepavali follows the Hindu lunisolar calendar, which this reader does not compute"),
        (["holi"], "Holi follows the Hindu lunisolar calendar, which this reader does not compute"),
        (["passover"], "Passover follows the Hebrew calendar, which this reader does not compute"),
        (["hanukkah"], "Hanukkah follows the Hebrew calendar, which this reader does not compute"),
        (["chanukah"], "Chanukah follows the Hebrew calendar, which this reader does not compute"),
        (["rosh", "hashanah"], "Rosh Hashanah follows the Hebrew calendar, which this reader does not compute"),
        (["yom", "kippur"], "Yom Kippur follows the Hebrew calendar, which this reader does not compute"),
        (["lunar", "new", "year"], "the Lunar New Year follows the Chinese lunisolar calendar, which this reader does not compute"),
        (["chinese", "new", "year"], "the Chinese New Year follows the Chinese lunisolar calendar, which this reader does not compute"),
        (["nowruz"], "Nowruz falls on the March equinox, which this reader does not compute"),
        (["vesak"], "Vesak follows lunisolar calendars that differ by country"),
        (["mawlid"], "Mawlid is 12 or 17 Rabi' al-awwal depending on the tradition"),
        (["thanksgiving"], "Thanksgiving differs by country (the fourth Thursday of November in the US, the second Monday of October in Canada)"),
        (["independence", "day"], "Independence Day differs by country"),
        (["labor", "day"], "Labor Day differs by country"),
        (["labour", "day"], "Labour Day differs by country"),
        (["mother", "s", "day"], "Mother's Day differs by country"),
        (["father", "s", "day"], "Father's Day differs by country"),
        (["memorial", "day"], "Memorial Day differs by country"),
        (["carnival"], "Carnival's dates differ by place"),
    ];

    /// <summary>The first Hijri year whose dates the Umm al-Qura calendar holds entirely, and the last.</summary>
    private static readonly (int First, int Last) HijriYears = (Hijri.GetYear(Hijri.MinSupportedDateTime) + 1, Hijri.GetYear(Hijri.MaxSupportedDateTime) - 1);

    /// <summary>Easter Sunday of a Gregorian year (anonymous Gregorian algorithm, proleptic for any year).</summary>
    public static CalendarDay Easter(int year)
    {
        var a = year % 19;
        var b = year / 100;
        var c = year % 100;
        var d = b / 4;
        var e = b % 4;
        var f = (b + 8) / 25;
        var g = (b - f + 1) / 3;
        var h = ((19 * a) + b - d - g + 15) % 30;
        var i = c / 4;
        var k = c % 4;
        var l = (32 + (2 * e) + (2 * i) - h - k) % 7;
        var m = (a + (11 * h) + (22 * l)) / 451;
        var month = (h + l - (7 * m) + 114) / 31;
        var day = ((h + l - (7 * m) + 114) % 31) + 1;
        return new CalendarDay(year, month, day);
    }

    /// <summary>Orthodox Easter Sunday (Julian computus, Meeus), as the Gregorian day it falls on.</summary>
    public static CalendarDay OrthodoxEaster(int year)
    {
        var a = year % 4;
        var b = year % 7;
        var c = year % 19;
        var d = ((19 * c) + 15) % 30;
        var e = ((2 * a) + (4 * b) - d + 34) % 7;
        var month = (d + e + 114) / 31;
        var day = ((d + e + 114) % 31) + 1;

        // Julian to Gregorian: the calendars drift apart by a day each century year not divisible by 400.
        var drift = (year / 100) - (year / 400) - 2;
        return new CalendarDay(year, month, day).AddDays(drift);
    }

    /// <summary>The holiday in Gregorian year <paramref name="year"/>; an Islamic one that falls twice in that year is refused.</summary>
    internal static FuzzyDate InYear(Holiday holiday, int year)
    {
        if (holiday.Rule is Rule.Easter or Rule.OrthodoxEaster && year < 1)
        {
            throw new FuzzyDateException($"{holiday.Name} is computed for the years 1 CE to 9999 only, not {FuzzyDateDisplay.Year(year)}", "give the date");
        }

        if (holiday.Rule != Rule.Hijri)
        {
            return Periods.Day(holiday.Rule switch
            {
                Rule.Fixed => new CalendarDay(year, holiday.Month, holiday.Day),
                Rule.Easter => Easter(year).AddDays(holiday.Day),
                _ => OrthodoxEaster(year).AddDays(holiday.Day),
            });
        }

        var inYear = HijriYearsAround(year).Select(hy => InHijriYear(holiday, hy)).Where(d => d.Earliest.Year == year).ToList();
        return inYear.Count switch
        {
            1 => inYear[0],
            0 => throw OutsideHijri(holiday, year),
            _ => throw new FuzzyDateException(
                $"{holiday.Name} begins twice in {year} ({string.Join(" and ", inYear.Select(d => FuzzyDateProto.FormatDay(d.Earliest)))}), so '{holiday.Name} {year}' is ambiguous",
                "give the date, or read it against a reference date without the year"),
        };
    }

    /// <summary>The n-th occurrence counted from the one in (or begun in) <paramref name="year"/>, for placing a holiday without a year.</summary>
    internal static FuzzyDate Occurrence(Holiday holiday, int year, int offset)
    {
        if (holiday.Rule != Rule.Hijri)
        {
            return InYear(holiday, year + offset);
        }

        var first = HijriYearsAround(year).FirstOrDefault();
        return first == 0 ? throw OutsideHijri(holiday, year) : InHijriYear(holiday, first + offset);
    }

    private static IEnumerable<int> HijriYearsAround(int year)
    {
        if (year < 1900 || year > 2077)
        {
            return [];
        }

        var from = Hijri.GetYear(new DateTime(Math.Max(year, 1901), 1, 1));
        var to = Hijri.GetYear(new DateTime(Math.Min(year, 2076), 12, 31));
        return Enumerable.Range(from, to - from + 1).Where(hy => hy >= HijriYears.First && hy <= HijriYears.Last);
    }

    private static FuzzyDate InHijriYear(Holiday holiday, int hijriYear)
    {
        if (hijriYear < HijriYears.First || hijriYear > HijriYears.Last)
        {
            throw new FuzzyDateException(
                $"{holiday.Name} of Hijri year {hijriYear} is outside the Umm al-Qura calendar .NET ships (Hijri {HijriYears.First}–{HijriYears.Last}, about 1901–2076)",
                "give the date");
        }

        var first = CalendarDay.FromDateTime(Hijri.ToDateTime(hijriYear, holiday.Month, Math.Max(holiday.Day, 1), 0, 0, 0, 0));
        return holiday.Day > 0
            ? Periods.Day(first)
            : Periods.Days(first, first.AddDays(Hijri.GetDaysInMonth(hijriYear, holiday.Month) - 1));
    }

    private static FuzzyDateException OutsideHijri(Holiday holiday, int year) => new(
        $"{holiday.Name} {year} is outside the Umm al-Qura calendar .NET ships (about 1901–2076)",
        "give the date");
}
