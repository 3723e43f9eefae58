using Timeline.Domain.Dates;

namespace Timeline.Domain.Tests.Dates;

/// <summary>
/// The wire-service families of issue 28, read by the date reader against Monday 16 October 2023:
/// each phrase is read to the days it can only mean, as an event (back) and as a deadline (forward),
/// or refused with a reason that says why. Extraction's side (roles) is in Extract/WireFamiliesExtractTests.
/// </summary>
public sealed class WireFamiliesTests
{
    private static readonly CalendarDay Monday = CalendarDay.Parse("2023-10-16");

    private static void Reads(string text, ReadDirection direction, string earliest, string latest)
    {
        var date = NewsDates.Resolve(text, Monday, direction);
        Assert.True((CalendarDay.Parse(earliest), CalendarDay.Parse(latest)) == (date.Earliest, date.Latest),
            $"'{text}' ({direction}) read {date.Earliest}..{date.Latest}, expected {earliest}..{latest}");
    }

    private static void Refuses(string text, string reason)
    {
        foreach (var direction in new[] { ReadDirection.Past, ReadDirection.Future })
        {
            var error = Assert.Throws<FuzzyDateException>(() => NewsDates.Resolve(text, Monday, direction));
            Assert.Contains($"'{text}'", error.Message);
            Assert.Contains(reason, error.Message);
        }
    }

    [Theory]
    [InlineData("Thursday evening", "2023-10-12", "2023-10-12", "2023-10-19", "2023-10-19")]
    [InlineData("on Friday morning", "2023-10-13", "2023-10-13", "2023-10-20", "2023-10-20")]
    [InlineData("yesterday afternoon", "2023-10-15", "2023-10-15", "2023-10-15", "2023-10-15")]
    [InlineData("overnight", "2023-10-15", "2023-10-16", "2023-10-15", "2023-10-16")]
    [InlineData("last night", "2023-10-15", "2023-10-16", "2023-10-15", "2023-10-16")]
    [InlineData("tonight", "2023-10-16", "2023-10-16", "2023-10-16", "2023-10-17")]
    [InlineData("Friday night", "2023-10-13", "2023-10-14", "2023-10-20", "2023-10-21")]
    [InlineData("in the early hours of Monday", "2023-10-16", "2023-10-16", "2023-10-16", "2023-10-16")]
    [InlineData("in the early hours of Sunday", "2023-10-15", "2023-10-15", "2023-10-22", "2023-10-22")]
    [InlineData("in the early hours of 3 May", "2023-05-03", "2023-05-03", "2024-05-03", "2024-05-03")]
    [InlineData("the night of 6 to 7 May", "2023-05-06", "2023-05-07", "2024-05-06", "2024-05-07")]
    [InlineData("on the night of 30 September to 1 October", "2023-09-30", "2023-10-01", "2024-09-30", "2024-10-01")]
    [InlineData("the night of Friday", "2023-10-13", "2023-10-14", "2023-10-20", "2023-10-21")]
    [InlineData("the morning of 5 May 2021", "2021-05-05", "2021-05-05", "2021-05-05", "2021-05-05")]
    public void Parts_of_a_day_are_that_day_and_a_night_runs_into_the_next(string text, string pastFrom, string pastTo, string dueFrom, string dueTo)
    {
        Reads(text, ReadDirection.Past, pastFrom, pastTo);
        Reads(text, ReadDirection.Future, dueFrom, dueTo);
    }

    [Fact]
    public void A_part_of_a_day_keeps_the_weekday_check() =>
        Reads("Saturday (14 October) evening", ReadDirection.Past, "2023-10-14", "2023-10-14");

    [Theory]
    [InlineData("the night of 6 to 8 May", "a night runs from one day into the next")]
    [InlineData("the night of May", "a part of a day goes with a day")]
    public void A_night_that_is_not_two_days_in_a_row_is_refused(string text, string reason) => Refuses(text, reason);

    [Theory]
    [InlineData("the second Wednesday of June", "2023-06-14", "2024-06-12")]
    [InlineData("the last Monday of the month", "2023-10-30", "2023-10-30")]
    [InlineData("the first Friday in May 2024", "2024-05-03", "2024-05-03")]
    [InlineData("the third Sunday of next month", "2023-11-19", "2023-11-19")]
    [InlineData("the last Friday of last month", "2023-09-29", "2023-09-29")]
    [InlineData("the fourth Thursday of November 2022", "2022-11-24", "2022-11-24")]
    [InlineData("the fifth Tuesday of October", "2019-10-29", "2023-10-31")] // the last one over by the reference: 2020–2022 have none
    public void Ordinal_weekdays_are_the_day_they_count_to(string text, string past, string due)
    {
        Reads(text, ReadDirection.Past, past, past);
        Reads(text, ReadDirection.Future, due, due);
    }

    [Fact]
    public void An_ordinal_weekday_the_month_does_not_have_is_refused() =>
        Refuses("the fifth Monday of June 2023", "has no fifth Monday");

    [Theory]
    [InlineData("the 12 months to June", "2022-07-01", "2023-06-30", "2023-07-01", "2024-06-30")]
    [InlineData("in the three months to September", "2023-07-01", "2023-09-30", "2024-07-01", "2024-09-30")]
    [InlineData("the 12 months to 30 September 2023", "2022-10-01", "2023-09-30", "2022-10-01", "2023-09-30")]
    [InlineData("the year to March", "2022-04-01", "2023-03-31", "2023-04-01", "2024-03-31")]
    [InlineData("the six months ending June 2023", "2023-01-01", "2023-06-30", "2023-01-01", "2023-06-30")]
    [InlineData("year to date", "2023-01-01", "2023-10-16", "2023-01-01", "2023-10-16")]
    [InlineData("month to date", "2023-10-01", "2023-10-16", "2023-10-01", "2023-10-16")]
    [InlineData("in the first eight months", "2023-01-01", "2023-08-31", "2024-01-01", "2024-08-31")]
    [InlineData("the first eight months of 2022", "2022-01-01", "2022-08-31", "2022-01-01", "2022-08-31")]
    [InlineData("the first three months of this year", "2023-01-01", "2023-03-31", "2023-01-01", "2023-03-31")]
    [InlineData("the first half", "2023-01-01", "2023-06-30", "2024-01-01", "2024-06-30")]
    [InlineData("the April-June quarter", "2023-04-01", "2023-06-30", "2024-04-01", "2024-06-30")]
    [InlineData("the July to September quarter of 2022", "2022-07-01", "2022-09-30", "2022-07-01", "2022-09-30")]
    [InlineData("the October-December 2022 quarter", "2022-10-01", "2022-12-31", "2022-10-01", "2022-12-31")]
    public void Reporting_periods_are_the_months_they_report_on(string text, string pastFrom, string pastTo, string dueFrom, string dueTo)
    {
        Reads(text, ReadDirection.Past, pastFrom, pastTo);
        Reads(text, ReadDirection.Future, dueFrom, dueTo);
    }

    [Fact]
    public void A_quarter_of_other_than_three_months_is_refused() =>
        Refuses("the January-June quarter", "a quarter is three months");

    [Theory]
    [InlineData("the month before last", "2023-08-01", "2023-08-31")]
    [InlineData("the week before last", "2023-10-02", "2023-10-08")]
    [InlineData("the year before last", "2021-01-01", "2021-12-31")]
    [InlineData("the day before yesterday", "2023-10-14", "2023-10-14")]
    [InlineData("the day after tomorrow", "2023-10-18", "2023-10-18")]
    [InlineData("the week after next", "2023-10-30", "2023-11-05")]
    [InlineData("a year ago this week", "2022-10-10", "2022-10-16")]
    [InlineData("a month ago today", "2023-09-16", "2023-09-16")]
    [InlineData("two years ago this month", "2021-10-01", "2021-10-31")]
    [InlineData("5 March next year", "2024-03-05", "2024-03-05")]
    [InlineData("on 5 March last year", "2022-03-05", "2022-03-05")]
    [InlineData("in March next year", "2024-03-01", "2024-03-31")]
    public void Combined_relative_units_are_counted_from_the_reference(string text, string earliest, string latest)
    {
        Reads(text, ReadDirection.Future, earliest, latest);
        if (CalendarDay.Parse(latest) <= Monday)
        {
            Reads(text, ReadDirection.Past, earliest, latest);
        }
    }

    [Theory]
    [InlineData("not later than 1 July", "2023-07-01", "2023-07-01", "2024-07-01", "2024-07-01")]
    [InlineData("no later than the end of 2023", "2023-09-01", "2023-10-16", "2023-09-01", "2023-12-31")]
    [InlineData("within a fortnight", "2023-10-16", "2023-10-30", "2023-10-16", "2023-10-30")]
    [InlineData("throughout the 1980s", "1980-01-01", "1989-12-31", "1980-01-01", "1989-12-31")]
    [InlineData("all through 2022", "2022-01-01", "2022-12-31", "2022-01-01", "2022-12-31")]
    [InlineData("through June", "2023-06-01", "2023-06-30", "2024-06-01", "2024-06-30")]
    [InlineData("into 2025", "2025-01-01", "2025-12-31", "2025-01-01", "2025-12-31")]
    [InlineData("not before 1 July 2024", "2024-07-01", "9999-12-31", "2024-07-01", "9999-12-31")]
    public void Limit_words_keep_their_date_or_open_it(string text, string pastFrom, string pastTo, string dueFrom, string dueTo)
    {
        Reads(text, ReadDirection.Past, pastFrom, pastTo);
        Reads(text, ReadDirection.Future, dueFrom, dueTo);
    }

    [Theory]
    [InlineData("within days", "'days' gives no number")]
    [InlineData("within weeks", "'weeks' gives no number")]
    [InlineData("over the past months", "'months' gives no number")]
    public void A_plural_without_a_number_is_no_length(string text, string reason) => Refuses(text, reason);

    [Theory]
    [InlineData("the 2019/20 season", "2019-01-01", "2020-12-31")]
    [InlineData("2019/20", "2019-01-01", "2020-12-31")]
    [InlineData("the 2021-22 budget year", "2021-01-01", "2022-12-31")]
    [InlineData("the 1999/2000 academic year", "1999-01-01", "2000-12-31")]
    [InlineData("fiscal year 2021-22", "2021-01-01", "2022-12-31")]
    [InlineData("FY2021/22", "2021-01-01", "2022-12-31")]
    public void Split_years_are_both_calendar_years_which_hold_them_whatever_their_months(string text, string earliest, string latest)
    {
        Reads(text, ReadDirection.Past, earliest, latest);
        Reads(text, ReadDirection.Future, earliest, latest);
    }

    [Fact]
    public void A_split_year_that_skips_a_year_is_refused() =>
        Refuses("the 2019/21 season", "a split year runs into the next year");

    [Theory]
    [InlineData("fiscal 2026")]
    [InlineData("FY2026")]
    [InlineData("this fiscal year")]
    [InlineData("next fiscal year")]
    [InlineData("the financial year")]
    [InlineData("fiscal year 2024")]
    public void Fiscal_years_are_refused_because_whose_calendar_is_not_in_the_words(string text) =>
        Refuses(text, "a fiscal year's months depend on whose it is");

    [Theory]
    [InlineData("2020-05-01T23:30:00-04:00", "2020-05-02")] // 03:30 UTC the next day
    [InlineData("2020-05-01T19:59:59-04:00", "2020-05-01")]
    [InlineData("2020-05-01T20:00:00-04:00", "2020-05-02")]
    [InlineData("2020-05-01T02:30:00+05:30", "2020-04-30")] // 21:00 UTC the day before
    [InlineData("2020-05-01T05:45:00+05:45", "2020-05-01")]
    [InlineData("2020-05-01T00:00:00+14:00", "2020-04-30")]
    [InlineData("2020-05-01T12:00:00-12:00", "2020-05-02")]
    [InlineData("2020-05-01T23:30:00Z", "2020-05-01")]
    [InlineData("2020-05-01T23:30:00", "2020-05-01")] // no shift: the day written
    [InlineData("2020-12-31T23:00:00-02", "2021-01-01")]
    public void A_timestamp_is_on_its_utc_day(string text, string day)
    {
        Reads(text, ReadDirection.Past, day, day);
        Assert.Equal((CalendarDay.Parse(day), CalendarDay.Parse(day)), (Edtf.Parse(text).Earliest, Edtf.Parse(text).Latest));
    }

    [Theory]
    [InlineData("2020-05-01T23:30:00+15:00", "at most 14:00")]
    [InlineData("2020-05-01T23:30:00-12:30", "no time zone is more than 12:00 behind UTC")]
    [InlineData("2020-05-01T23:30:00+05:07", "no time zone is +05:07 from UTC")]
    [InlineData("2020-05-01T23:30:00-00:10", "no time zone is -00:10 from UTC")]
    public void A_timestamp_with_a_shift_no_time_zone_uses_is_refused(string text, string reason)
    {
        Refuses(text, reason);
        Assert.Contains(reason, Assert.Throws<FuzzyDateException>(() => Edtf.Parse(text)).Message);
    }

    [Fact]
    public void A_timestamp_on_the_last_day_whose_utc_day_leaves_the_calendar_is_refused() =>
        Assert.Contains("outside -9999-01-01 to 9999-12-31", Assert.Throws<FuzzyDateException>(() => Edtf.Parse("9999-12-31T23:00:00-04:00")).Message);

    [Fact]
    public void The_19th_century_is_the_years_that_begin_18_as_edtf_reads_it()
    {
        // Documented in docs/DATES.md: the hundreds (1800–1899, EDTF 18XX), not the ordinal count 1801–1900.
        Reads("the 19th century", ReadDirection.Past, "1800-01-01", "1899-12-31");
        Assert.Equal("18XX", NewsDates.Resolve("the 19th century", Monday, ReadDirection.Past).Edtf);
    }
}
