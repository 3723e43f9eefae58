using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Timeline.Domain.Dates;

namespace Timeline.Domain.Tests.Dates;

/// <summary>
/// Years before 1 CE (issue 13 §4): EDTF's astronomical numbering (0000 is 1 BCE, -0043 is 44 BCE),
/// proleptic Gregorian, years -9999 to 9999, through parsing, bounds, ordering, display and the
/// contract's day strings, with day numbers that are DateOnly's from year 1 on.
/// </summary>
public sealed class NegativeYearTests
{
    public static Arbitrary<CalendarDay> Days() =>
        Gen.Choose(CalendarDay.MinValue.DayNumber, CalendarDay.MaxValue.DayNumber).Select(n => CalendarDay.FromDayNumber(n)).ToArbitrary();

    [Property(Arbitrary = [typeof(NegativeYearTests)], MaxTest = 3000)]
    public bool A_day_reads_back_from_its_contract_string_and_from_its_parts(CalendarDay day) =>
        FuzzyDateProto.ParseDay(FuzzyDateProto.FormatDay(day)) == day && new CalendarDay(day.Year, day.Month, day.Day) == day;

    [Property(Arbitrary = [typeof(NegativeYearTests)], MaxTest = 3000)]
    public bool Order_is_the_day_number_order_and_the_next_day_is_one_more(CalendarDay a, CalendarDay b) =>
        (a < b) == (a.DayNumber < b.DayNumber) &&
        (a == CalendarDay.MaxValue || (a.AddDays(1).DayNumber == a.DayNumber + 1 && a.AddDays(1) > a));

    [Property(MaxTest = 2000)]
    public bool From_year_1_the_day_number_is_DateOnlys_so_stored_day_numbers_keep_their_meaning(PositiveInt offset)
    {
        var date = DateOnly.MinValue.AddDays(offset.Get % (DateOnly.MaxValue.DayNumber + 1));
        var day = (CalendarDay)date;
        return day.DayNumber == date.DayNumber && (day.Year, day.Month, day.Day, day.DayOfWeek) == (date.Year, date.Month, date.Day, date.DayOfWeek)
            && FuzzyDateProto.FormatDay(day) == date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
    }

    [Theory]
    [InlineData("-0044-03-15", -44, 3, 15)]
    [InlineData("0000-02-29", 0, 2, 29)]
    [InlineData("-0001-12-31", -1, 12, 31)]
    [InlineData("-9999-01-01", -9999, 1, 1)]
    public void Contract_days_before_1_ce_parse_with_a_leading_minus(string text, int year, int month, int day)
    {
        Assert.Equal(new CalendarDay(year, month, day), FuzzyDateProto.ParseDay(text));
        Assert.Equal(text, FuzzyDateProto.FormatDay(new CalendarDay(year, month, day)));
    }

    [Theory]
    [InlineData("-0000-01-01")]
    [InlineData("-0001-02-29")]
    [InlineData("-10000-01-01")]
    [InlineData("+2023-01-01")]
    [InlineData("-44-03-15")]
    public void Malformed_contract_days_are_refused(string text) => Assert.False(FuzzyDateProto.TryParseDay(text, out _));

    [Fact]
    public void Days_before_1_ce_follow_the_proleptic_gregorian_calendar()
    {
        Assert.Equal(-1, new CalendarDay(0, 12, 31).DayNumber);
        Assert.Equal(366, new CalendarDay(1, 1, 1).DayNumber - new CalendarDay(0, 1, 1).DayNumber);
        Assert.Equal(365, new CalendarDay(-1, 1, 1).AddYears(1).DayNumber - new CalendarDay(-1, 1, 1).DayNumber);
        Assert.Equal(DayOfWeek.Sunday, new CalendarDay(0, 12, 31).DayOfWeek);
        Assert.Equal(new CalendarDay(-1, 2, 28), new CalendarDay(0, 2, 29).AddYears(-1));
        Assert.Equal(new CalendarDay(-44, 1, 15), new CalendarDay(-44, 3, 15).AddMonths(-2));
    }

    [Theory]
    [InlineData("-0044-03-15", "-0044-03-15", "-0044-03-15", DatePrecision.Day, "15 Mar 45 BCE")]
    [InlineData("-0043", "-0043-01-01", "-0043-12-31", DatePrecision.Year, "44 BCE")]
    [InlineData("0000", "0000-01-01", "0000-12-31", DatePrecision.Year, "1 BCE")]
    [InlineData("-0500-08", "-0500-08-01", "-0500-08-31", DatePrecision.Month, "August 501 BCE")]
    [InlineData("-0043~", "-0043-01-01", "-0043-12-31", DatePrecision.Year, "c. 44 BCE")]
    [InlineData("-0100/0100", "-0100-01-01", "0100-12-31", DatePrecision.Range, "101 BCE – 100 CE")]
    [InlineData("-9999", "-9999-01-01", "-9999-12-31", DatePrecision.Year, "10000 BCE")]
    [InlineData("-1950S2", "-1999-01-01", "-1900-12-31", DatePrecision.Range, "2000 BCE – 1901 BCE")]
    [InlineData("-0044-33", "-0044-01-01", "-0044-03-31", DatePrecision.Quarter, "Q1 45 BCE")]
    public void Edtf_years_before_1_ce_have_their_bounds_and_display(string edtf, string earliest, string latest, DatePrecision precision, string display)
    {
        var date = Edtf.Parse(edtf);

        Assert.Equal((CalendarDay.Parse(earliest), CalendarDay.Parse(latest), precision), (date.Earliest, date.Latest, date.Precision));
        Assert.Equal(display, date.Display);
        var back = NewsDates.Resolve(display, new CalendarDay(2023, 10, 16), ReadDirection.Past);
        Assert.Equal((date.Earliest, date.Latest), (back.Earliest, back.Latest));
    }

    [Theory]
    [InlineData("15 March 44 BCE", "-0043-03-15", "-0043-03-15", "-0043-03-15")]
    [InlineData("44 BC", "-0043-01-01", "-0043-12-31", "-0043")]
    [InlineData("c. 64 BCE", "-0063-01-01", "-0063-12-31", "-0063~")]
    [InlineData("the 2nd century BC", "-0199-01-01", "-0100-12-31", "-0199/-0100")]
    [InlineData("from 50 BC to 30 AD", "-0049-01-01", "0030-12-31", "-0049/0030")]
    [InlineData("before 1 CE", "-9999-01-01", "0000-12-31", "../0000")]
    [InlineData("after 10 BC", "-0008-01-01", "2023-10-16", "-0008/..")]
    public void News_text_with_bce_years(string text, string earliest, string latest, string edtf)
    {
        var date = NewsDates.Resolve(text, new CalendarDay(2023, 10, 16), ReadDirection.Past);

        Assert.Equal((CalendarDay.Parse(earliest), CalendarDay.Parse(latest), edtf), (date.Earliest, date.Latest, date.Edtf));
    }

    [Fact]
    public void A_bce_event_sorts_before_a_year_1_event_and_an_open_start_before_both()
    {
        var dates = new[] { "0001-01-01", "-0044-03-15", "../0001", "0000" }.Select(Edtf.Parse).ToList();

        dates.Sort((a, b) => Chronology.Compare(a.Earliest, a.Latest, 0, b.Earliest, b.Latest, 0));

        Assert.Equal(["../0001", "-0044-03-15", "0000", "0001-01-01"], dates.Select(d => d.Edtf));
    }
}
