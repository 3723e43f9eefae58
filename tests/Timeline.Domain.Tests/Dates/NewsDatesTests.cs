using Timeline.Domain.Dates;

namespace Timeline.Domain.Tests.Dates;

public sealed class NewsDatesTests
{
    private static readonly CalendarDay Reference = new(2023, 10, 16);

    /// <summary>ARCHITECTURE §4's table, read against the MINUSMA report's date.</summary>
    [Theory]
    [InlineData("in 2020", ReadDirection.Past, "2020", DatePrecision.Year, DatePart.None, "2020-01-01", "2020-12-31")]
    [InlineData("since late 2021", ReadDirection.Past, "2021", DatePrecision.Year, DatePart.Late, "2021-09-01", "2021-12-31")]
    [InlineData("since late August", ReadDirection.Past, "2023-08", DatePrecision.Month, DatePart.Late, "2023-08-21", "2023-08-31")]
    [InlineData("on Saturday (14 October)", ReadDirection.Past, "2023-10-14", DatePrecision.Day, DatePart.None, "2023-10-14", "2023-10-14")]
    [InlineData("by 31 December", ReadDirection.Future, "2023-12-31", DatePrecision.Day, DatePart.None, "2023-12-31", "2023-12-31")]
    [InlineData("by the end of 2023", ReadDirection.Future, "2023", DatePrecision.Year, DatePart.Late, "2023-09-01", "2023-12-31")]
    public void Architecture_table(string text, ReadDirection direction, string edtf, DatePrecision precision, DatePart part, string earliest, string latest)
    {
        var date = NewsDates.Resolve(text, Reference, direction);

        Assert.Equal(edtf, date.Edtf);
        Assert.Equal(precision, date.Precision);
        Assert.Equal(part, date.Part);
        Assert.Equal(CalendarDay.Parse(earliest), date.Earliest);
        Assert.Equal(CalendarDay.Parse(latest), date.Latest);
        Assert.Equal(text, date.Text);
        Assert.Equal(Reference, date.Reference);
        Assert.False(date.Approximate);
        Assert.False(date.Uncertain);
    }

    [Theory]
    [InlineData("Saturday (14 October)")]
    [InlineData("on Saturday 14 October")]
    [InlineData("Sat 14 Oct 2023")]
    [InlineData("Saturday, October 14, 2023")]
    [InlineData("14 October")]
    [InlineData("October 14, 2023")]
    [InlineData("14th October")]
    [InlineData("on Saturday")]
    public void Forms_of_the_same_day(string text)
    {
        var date = NewsDates.Resolve(text, Reference, ReadDirection.Past);

        Assert.Equal(new CalendarDay(2023, 10, 14), date.Earliest);
        Assert.Equal(date.Earliest, date.Latest);
        Assert.Equal(DatePrecision.Day, date.Precision);
    }

    [Theory]
    [InlineData("Friday (14 October)", "Saturday")]
    [InlineData("Sun 14 Oct 2023", "Saturday")]
    public void A_weekday_that_disagrees_with_the_date_is_refused(string text, string actual)
    {
        var error = Assert.Throws<FuzzyDateException>(() => NewsDates.Resolve(text, Reference, ReadDirection.Past));

        Assert.Contains(text, error.Message);
        Assert.Contains(actual, error.Message);
        Assert.False(string.IsNullOrWhiteSpace(error.Hint));
    }

    [Theory]
    [InlineData("late October", ReadDirection.Past, "2022-10-21", "2022-10-31")]
    [InlineData("late October", ReadDirection.Future, "2023-10-21", "2023-10-31")]
    [InlineData("October", ReadDirection.Past, "2023-10-01", "2023-10-16")]
    [InlineData("early October", ReadDirection.Future, "2024-10-01", "2024-10-10")]
    [InlineData("mid-October", ReadDirection.Future, "2023-10-11", "2023-10-20")]
    [InlineData("20 October", ReadDirection.Past, "2022-10-20", "2022-10-20")]
    [InlineData("16 October", ReadDirection.Past, "2023-10-16", "2023-10-16")]
    [InlineData("16 October", ReadDirection.Future, "2023-10-16", "2023-10-16")]
    [InlineData("15 October", ReadDirection.Future, "2024-10-15", "2024-10-15")]
    [InlineData("December", ReadDirection.Future, "2023-12-01", "2023-12-31")]
    [InlineData("December", ReadDirection.Past, "2022-12-01", "2022-12-31")]
    public void Without_a_year_past_reads_back_and_future_reads_forward(string text, ReadDirection direction, string earliest, string latest)
    {
        var date = NewsDates.Resolve(text, Reference, direction);

        Assert.Equal(CalendarDay.Parse(earliest), date.Earliest);
        Assert.Equal(CalendarDay.Parse(latest), date.Latest);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("soon")]
    [InlineData("in 2020 or so")]
    [InlineData("31 February")]
    [InlineData("Friday (14 October)")]
    [InlineData("late H1 2023")]
    public void What_cannot_be_read_is_refused_with_the_text_quoted(string text)
    {
        var error = Assert.Throws<FuzzyDateException>(() => NewsDates.Resolve(text, Reference, ReadDirection.Past));

        Assert.Contains($"'{text.Trim()}'", error.Message);
    }
}
