using Timeline.Domain.Dates;

namespace Timeline.Domain.Tests.Dates;

public sealed class EdtfTests
{
    [Theory]
    [InlineData("2020", DatePrecision.Year, "2020-01-01", "2020-12-31")]
    [InlineData("2023-08", DatePrecision.Month, "2023-08-01", "2023-08-31")]
    [InlineData("2024-02", DatePrecision.Month, "2024-02-01", "2024-02-29")]
    [InlineData("2023-10-14", DatePrecision.Day, "2023-10-14", "2023-10-14")]
    [InlineData("1964/2008", DatePrecision.Range, "1964-01-01", "2008-12-31")]
    [InlineData("2004-06/2006-08", DatePrecision.Range, "2004-06-01", "2006-08-31")]
    [InlineData("2004-02-01/2005", DatePrecision.Range, "2004-02-01", "2005-12-31")]
    [InlineData("0001", DatePrecision.Year, "0001-01-01", "0001-12-31")]
    [InlineData("9999-12-31", DatePrecision.Day, "9999-12-31", "9999-12-31")]
    public void Level_0_bounds(string edtf, DatePrecision precision, string earliest, string latest)
    {
        var date = Edtf.Parse(edtf);

        Assert.Equal(precision, date.Precision);
        Assert.Equal(CalendarDay.Parse(earliest), date.Earliest);
        Assert.Equal(CalendarDay.Parse(latest), date.Latest);
        Assert.Equal(edtf, date.Edtf);
        Assert.Null(date.Text);
    }

    [Theory]
    [InlineData("")]
    [InlineData("2023-13")]
    [InlineData("2023-00")]
    [InlineData("2023-02-29")]
    [InlineData("2023-04-31")]
    [InlineData("2023-1")]
    [InlineData("198")]
    [InlineData("20231014")]
    [InlineData("2008/2004")]
    [InlineData("2023-10-14 ")]
    [InlineData("hello")]
    public void Level_0_refusals_quote_the_input(string edtf)
    {
        var error = Assert.Throws<FuzzyDateException>(() => Edtf.Parse(edtf));

        Assert.Contains($"'{edtf}'", error.Message);
        Assert.Contains("2023-08", error.Hint);
    }
}
