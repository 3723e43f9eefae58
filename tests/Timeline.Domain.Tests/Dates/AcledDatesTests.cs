using Timeline.Domain.Dates;

namespace Timeline.Domain.Tests.Dates;

public sealed class AcledDatesTests
{
    [Theory]
    [InlineData("2020-08-18", 1, "2020-08-18", "2020-08-18", DatePrecision.Day)]
    [InlineData("2020-08-18", 2, "2020-08-17", "2020-08-23", DatePrecision.Week)]
    [InlineData("2020-08-17", 2, "2020-08-17", "2020-08-23", DatePrecision.Week)]
    [InlineData("2020-08-23", 2, "2020-08-17", "2020-08-23", DatePrecision.Week)]
    [InlineData("2020-12-31", 2, "2020-12-28", "2021-01-03", DatePrecision.Week)]
    [InlineData("2020-02-15", 3, "2020-02-01", "2020-02-29", DatePrecision.Month)]
    public void Time_precision_maps_to_day_iso_week_or_month(string date, int precision, string earliest, string latest, DatePrecision expected)
    {
        var fuzzy = AcledDates.FromTimePrecision(CalendarDay.Parse(date), precision);

        Assert.Equal((CalendarDay.Parse(earliest), CalendarDay.Parse(latest)), (fuzzy.Earliest, fuzzy.Latest));
        Assert.Equal(expected, fuzzy.Precision);
        Assert.Equal(fuzzy.Earliest, Edtf.Parse(fuzzy.Edtf).Earliest);
        Assert.Equal(fuzzy.Latest, Edtf.Parse(fuzzy.Edtf).Latest);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    [InlineData(-1)]
    public void Other_precisions_are_refused(int precision)
    {
        var error = Assert.Throws<FuzzyDateException>(() => AcledDates.FromTimePrecision(new CalendarDay(2020, 8, 18), precision));

        Assert.Contains($"'{precision}'", error.Message);
    }
}
