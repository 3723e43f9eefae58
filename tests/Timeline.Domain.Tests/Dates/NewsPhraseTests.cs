using Timeline.Domain.Dates;

namespace Timeline.Domain.Tests.Dates;

/// <summary>The wider vocabulary of "Fuzzy dates in depth", read against Monday 16 October 2023.</summary>
public sealed class NewsPhraseTests
{
    private static readonly CalendarDay Reference = new(2023, 10, 16);

    [Theory]
    [InlineData("14 October", "2023-10-14", "2023-10-14", DatePrecision.Day, "2023-10-14")]
    [InlineData("October 14, 2023", "2023-10-14", "2023-10-14", DatePrecision.Day, "2023-10-14")]
    [InlineData("early August 2023", "2023-08-01", "2023-08-10", DatePrecision.Month, "2023-08")]
    [InlineData("mid-August 2023", "2023-08-11", "2023-08-20", DatePrecision.Month, "2023-08")]
    [InlineData("the beginning of February 2024", "2024-02-01", "2024-02-10", DatePrecision.Month, "2024-02")]
    [InlineData("the end of February 2024", "2024-02-21", "2024-02-29", DatePrecision.Month, "2024-02")]
    [InlineData("early 2022", "2022-01-01", "2022-04-30", DatePrecision.Year, "2022")]
    [InlineData("mid-2022", "2022-05-01", "2022-08-31", DatePrecision.Year, "2022")]
    [InlineData("the middle of 2022", "2022-05-01", "2022-08-31", DatePrecision.Year, "2022")]
    [InlineData("the start of 2022", "2022-01-01", "2022-04-30", DatePrecision.Year, "2022")]
    [InlineData("summer 2023", "2023-06-01", "2023-08-31", DatePrecision.Season, "2023-22")]
    [InlineData("winter 2023", "2023-12-01", "2024-02-29", DatePrecision.Season, "2023-24")]
    [InlineData("spring 2001 (southern hemisphere)", "2001-09-01", "2001-11-30", DatePrecision.Season, "2001-29")]
    [InlineData("Q3 2023", "2023-07-01", "2023-09-30", DatePrecision.Quarter, "2023-35")]
    [InlineData("the third quarter", "2023-07-01", "2023-09-30", DatePrecision.Quarter, "2023-35")]
    // A past event ends no later than the reference day: the fourth quarter of 2023, written on 16 October, ends then.
    [InlineData("the fourth quarter", "2023-10-01", "2023-10-16", DatePrecision.Quarter, "2023-36")]
    [InlineData("the fourth quarter of the year", "2023-10-01", "2023-10-16", DatePrecision.Quarter, "2023-36")]
    [InlineData("the second quarter of 2022", "2022-04-01", "2022-06-30", DatePrecision.Quarter, "2022-34")]
    [InlineData("the first half of 2024", "2024-01-01", "2024-06-30", DatePrecision.Range, "2024-40")]
    [InlineData("H2 2023", "2023-07-01", "2023-10-16", DatePrecision.Range, "2023-41")]
    [InlineData("the 1990s", "1990-01-01", "1999-12-31", DatePrecision.Decade, "199X")]
    [InlineData("the late 1990s", "1997-01-01", "1999-12-31", DatePrecision.Decade, "199X")]
    [InlineData("the 19th century", "1800-01-01", "1899-12-31", DatePrecision.Range, "18XX")]
    [InlineData("yesterday", "2023-10-15", "2023-10-15", DatePrecision.Day, "2023-10-15")]
    [InlineData("today", "2023-10-16", "2023-10-16", DatePrecision.Day, "2023-10-16")]
    [InlineData("last week", "2023-10-09", "2023-10-15", DatePrecision.Week, "2023-10-09/2023-10-15")]
    [InlineData("this week", "2023-10-16", "2023-10-16", DatePrecision.Week, "2023-10-16/2023-10-22")]
    [InlineData("two weeks ago", "2023-10-02", "2023-10-08", DatePrecision.Week, "2023-10-02/2023-10-08")]
    [InlineData("three days ago", "2023-10-13", "2023-10-13", DatePrecision.Day, "2023-10-13")]
    [InlineData("a month ago", "2023-09-01", "2023-09-30", DatePrecision.Month, "2023-09")]
    [InlineData("next month", "2023-11-01", "2023-11-30", DatePrecision.Month, "2023-11")]
    [InlineData("last month", "2023-09-01", "2023-09-30", DatePrecision.Month, "2023-09")]
    [InlineData("last year", "2022-01-01", "2022-12-31", DatePrecision.Year, "2022")]
    [InlineData("this weekend", "2023-10-14", "2023-10-15", DatePrecision.Range, "2023-10-14/2023-10-15")]
    [InlineData("at the weekend", "2023-10-14", "2023-10-15", DatePrecision.Range, "2023-10-14/2023-10-15")]
    [InlineData("last weekend", "2023-10-14", "2023-10-15", DatePrecision.Range, "2023-10-14/2023-10-15")]
    [InlineData("next weekend", "2023-10-21", "2023-10-22", DatePrecision.Range, "2023-10-21/2023-10-22")]
    [InlineData("last Friday", "2023-10-13", "2023-10-13", DatePrecision.Day, "2023-10-13")]
    [InlineData("next Monday", "2023-10-23", "2023-10-23", DatePrecision.Day, "2023-10-23")]
    [InlineData("since 2023-08-21", "2023-08-21", "2023-08-21", DatePrecision.Day, "2023-08-21")]
    [InlineData("until 31 December 2023", "2023-12-31", "2023-12-31", DatePrecision.Day, "2023-12-31")]
    [InlineData("by X", null, null, null, null)]
    public void Phrases(string text, string? earliest, string? latest, DatePrecision? precision, string? edtf)
    {
        if (earliest is null)
        {
            Assert.Throws<FuzzyDateException>(() => NewsDates.Resolve(text, Reference, ReadDirection.Past));
            return;
        }

        var date = NewsDates.Resolve(text, Reference, ReadDirection.Past);

        Assert.Equal((CalendarDay.Parse(earliest), CalendarDay.Parse(latest!)), (date.Earliest, date.Latest));
        Assert.Equal(precision, date.Precision);
        Assert.Equal(edtf, date.Edtf);
    }

    [Theory]
    [InlineData("between May and July 2023", "2023-05-01", "2023-07-31", "2023-05/2023-07")]
    [InlineData("between 2019 and 2021", "2019-01-01", "2021-12-31", "2019/2021")]
    [InlineData("from late 2021 to mid-2022", "2021-09-01", "2022-08-31", "2021/2022")]
    [InlineData("from 1 August to 14 October", "2023-08-01", "2023-10-14", "2023-08-01/2023-10-14")]
    [InlineData("from March 2020 until June 2021", "2020-03-01", "2021-06-30", "2020-03/2021-06")]
    [InlineData("1851-52", "1851-01-01", "1852-12-31", "1851/1852")]
    [InlineData("2004 – 2005", "2004-01-01", "2005-12-31", "2004/2005")]
    [InlineData("before 1928", "-9999-01-01", "1927-12-31", "../1927")]
    [InlineData("after approx January 1928", "1928-02-01", "2023-10-16", "1928-02~/..")]
    [InlineData("2019 or earlier", "-9999-01-01", "2019-12-31", "../2019")]
    public void Ranges_have_range_precision(string text, string earliest, string latest, string edtf)
    {
        var date = NewsDates.Resolve(text, Reference, ReadDirection.Past);

        Assert.Equal((CalendarDay.Parse(earliest), CalendarDay.Parse(latest)), (date.Earliest, date.Latest));
        Assert.Equal(DatePrecision.Range, date.Precision);
        Assert.Equal(edtf, date.Edtf);
    }

    [Theory]
    [InlineData("around 2020", "2020~", true, false)]
    [InlineData("about late August", "2023-08~", true, false)]
    [InlineData("circa the 1990s", "199X~", true, false)]
    [InlineData("c. 1990s", "199X~", true, false)]
    [InlineData("2020?", "2020?", false, true)]
    [InlineData("maybe 2020", "2020?", false, true)]
    [InlineData("ca. 1860s?", "186X%", true, true)]
    public void Approximate_and_uncertain_keep_the_bounds_and_qualify_the_edtf(string text, string edtf, bool approximate, bool uncertain)
    {
        var date = NewsDates.Resolve(text, Reference, ReadDirection.Past);
        var plain = Edtf.Parse(edtf.TrimEnd('~', '?', '%'));

        Assert.Equal(edtf, date.Edtf);
        Assert.Equal(approximate, date.Approximate);
        Assert.Equal(uncertain, date.Uncertain);
        Assert.Equal((plain.Earliest, plain.Latest), date.Part == DatePart.None ? (date.Earliest, date.Latest) : (plain.Earliest, plain.Latest));
    }

    [Fact]
    public void A_deadline_in_words_reads_forward()
    {
        var date = NewsDates.Resolve("by the end of the year", Reference, ReadDirection.Future);

        Assert.Equal((new CalendarDay(2023, 9, 1), new CalendarDay(2023, 12, 31)), (date.Earliest, date.Latest));
        Assert.Equal(DatePart.Late, date.Part);
    }

    [Theory]
    [InlineData("the 1800s", "1800–1809")]
    [InlineData("10/7/2008", "day/month")]
    [InlineData("1910-30", "sub-year grouping")]
    [InlineData("10001 BC", "outside the calendar")]
    [InlineData("between 2021 and 2019", "ends before it starts")]
    [InlineData("Q5 2023", "Q5")]
    [InlineData("the 1995s", "not a decade")]
    public void Ambiguous_or_impossible_phrases_are_refused_with_the_reason(string text, string reason)
    {
        var error = Assert.Throws<FuzzyDateException>(() => NewsDates.Resolve(text, Reference, ReadDirection.Past));

        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public void The_seed_report_dates_sort_into_its_chronology()
    {
        string[] phrases = ["on Saturday (14 October)", "in October 2023", "since late 2021", "in 2020", "since late August"];

        var dates = phrases.Select(p => NewsDates.Resolve(p, Reference, ReadDirection.Past)).ToList();
        dates.Sort((a, b) => Chronology.Compare(a.Earliest, a.Latest, 0, b.Earliest, b.Latest, 0));

        Assert.Equal(["in 2020", "since late 2021", "since late August", "in October 2023", "on Saturday (14 October)"], dates.Select(d => d.Text));
    }
}
