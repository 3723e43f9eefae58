using Timeline.Domain.Dates;

namespace Timeline.Domain.Tests.Dates;

/// <summary>
/// The phrase families of issue 13 §3, each read as an event (past) and as a deadline (future)
/// where both make sense, against Monday 16 October 2023 unless a case says otherwise.
/// </summary>
public sealed class NewsFamiliesTests
{
    private const string Monday = "2023-10-16";

    /// <summary>Reads and checks bounds and EDTF; <paramref name="edtf"/> null skips the EDTF check.</summary>
    private static FuzzyDate Check(string text, ReadDirection direction, string earliest, string latest, string? edtf = null, string reference = Monday)
    {
        var date = NewsDates.Resolve(text, CalendarDay.Parse(reference), direction);

        Assert.Equal((CalendarDay.Parse(earliest), CalendarDay.Parse(latest)), (date.Earliest, date.Latest));
        if (edtf is not null)
        {
            Assert.Equal(edtf, date.Edtf);
        }

        return date;
    }

    [Theory]
    [InlineData("between 12 and 15 June", ReadDirection.Past, "2023-06-12", "2023-06-15")]
    [InlineData("between 12 and 15 June", ReadDirection.Future, "2024-06-12", "2024-06-15")]
    [InlineData("June 12-15", ReadDirection.Past, "2023-06-12", "2023-06-15")]
    [InlineData("12–15 June 2019", ReadDirection.Past, "2019-06-12", "2019-06-15")]
    [InlineData("June 3 to 7, 2022", ReadDirection.Future, "2022-06-03", "2022-06-07")]
    [InlineData("from the 2nd to the 5th", ReadDirection.Past, "2023-10-02", "2023-10-05")]
    [InlineData("from the 2nd to the 5th", ReadDirection.Future, "2023-11-02", "2023-11-05")]
    [InlineData("from the 20th to the 25th", ReadDirection.Past, "2023-09-20", "2023-09-25")]
    [InlineData("between the 1st and the 3rd of November", ReadDirection.Future, "2023-11-01", "2023-11-03")]
    [InlineData("from 28 to 31 December", ReadDirection.Future, "2023-12-28", "2023-12-31")]
    public void Day_ranges_inside_one_month(string text, ReadDirection direction, string earliest, string latest)
    {
        var date = Check(text, direction, earliest, latest, $"{earliest}/{latest}");

        Assert.Equal(DatePrecision.Range, date.Precision);
    }

    [Theory]
    [InlineData("from 15 to 12 June", "run backwards")]
    [InlineData("June 30-31", "has no day 31")]
    [InlineData("between 28 and 30 February", "has no day 30")]
    public void Impossible_day_ranges_are_refused(string text, string reason)
    {
        var error = Assert.Throws<FuzzyDateException>(() => NewsDates.Resolve(text, CalendarDay.Parse(Monday), ReadDirection.Past));

        Assert.Contains($"'{text}'", error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("the autumn of 2019", ReadDirection.Past, "2019-09-01", "2019-11-30", "2019-23")]
    [InlineData("autumn of 2019", ReadDirection.Future, "2019-09-01", "2019-11-30", "2019-23")]
    [InlineData("the summer of last year", ReadDirection.Past, "2022-06-01", "2022-08-31", "2022-22")]
    [InlineData("the spring of next year", ReadDirection.Future, "2024-03-01", "2024-05-31", "2024-21")]
    [InlineData("last autumn", ReadDirection.Past, "2022-09-01", "2022-11-30", "2022-23")]
    [InlineData("last summer", ReadDirection.Past, "2023-06-01", "2023-08-31", "2023-22")]
    [InlineData("next spring", ReadDirection.Future, "2024-03-01", "2024-05-31", "2024-21")]
    [InlineData("next autumn", ReadDirection.Future, "2024-09-01", "2024-11-30", "2024-23")]
    [InlineData("this winter", ReadDirection.Future, "2023-12-01", "2024-02-29", "2023-24")]
    [InlineData("early winter", ReadDirection.Future, "2023-12-01", "2023-12-31", "2023-24")]
    [InlineData("early winter", ReadDirection.Past, "2022-12-01", "2022-12-31", "2022-24")]
    [InlineData("late summer 2021", ReadDirection.Past, "2021-08-01", "2021-08-31", "2021-22")]
    [InlineData("mid-summer 2021", ReadDirection.Future, "2021-07-01", "2021-07-31", "2021-22")]
    [InlineData("early autumn", ReadDirection.Future, "2024-09-01", "2024-09-30", "2024-23")]
    [InlineData("late last summer", ReadDirection.Past, "2023-08-01", "2023-08-31", "2023-22")]
    public void Seasons_with_a_year_a_relative_word_or_a_part(string text, ReadDirection direction, string earliest, string latest, string edtf)
    {
        var date = Check(text, direction, earliest, latest, edtf);

        Assert.Equal(DatePrecision.Season, date.Precision);
    }

    [Theory]
    [InlineData("early last year", ReadDirection.Past, "2022-01-01", "2022-04-30", "2022")]
    [InlineData("late last year", ReadDirection.Past, "2022-09-01", "2022-12-31", "2022")]
    [InlineData("early next year", ReadDirection.Future, "2024-01-01", "2024-04-30", "2024")]
    [InlineData("the first half of next year", ReadDirection.Future, "2024-01-01", "2024-06-30", "2024-40")]
    [InlineData("the second half of last year", ReadDirection.Past, "2022-07-01", "2022-12-31", "2022-41")]
    [InlineData("the third quarter of last year", ReadDirection.Past, "2022-07-01", "2022-09-30", "2022-35")]
    [InlineData("mid-next month", ReadDirection.Future, "2023-11-11", "2023-11-20", "2023-11")]
    [InlineData("mid-last month", ReadDirection.Past, "2023-09-11", "2023-09-20", "2023-09")]
    [InlineData("late this week", ReadDirection.Future, "2023-10-20", "2023-10-22", "2023-10-16/2023-10-22")]
    [InlineData("early next week", ReadDirection.Future, "2023-10-23", "2023-10-24", "2023-10-23/2023-10-29")]
    [InlineData("mid-last week", ReadDirection.Past, "2023-10-11", "2023-10-12", "2023-10-09/2023-10-15")]
    [InlineData("late last week", ReadDirection.Past, "2023-10-13", "2023-10-15", "2023-10-09/2023-10-15")]
    public void Parts_of_relative_periods(string text, ReadDirection direction, string earliest, string latest, string edtf)
    {
        Check(text, direction, earliest, latest, edtf);
    }

    [Theory]
    [InlineData("earlier this week", ReadDirection.Past, "2023-10-18", "2023-10-16", "2023-10-18")]
    [InlineData("earlier this month", ReadDirection.Past, Monday, "2023-10-01", "2023-10-16")]
    [InlineData("earlier this year", ReadDirection.Past, Monday, "2023-01-01", "2023-10-16")]
    [InlineData("earlier in the year", ReadDirection.Past, Monday, "2023-01-01", "2023-10-16")]
    [InlineData("later this month", ReadDirection.Future, Monday, "2023-10-17", "2023-10-31")]
    [InlineData("later this year", ReadDirection.Future, Monday, "2023-10-17", "2023-12-31")]
    [InlineData("later this week", ReadDirection.Future, "2023-10-18", "2023-10-19", "2023-10-22")]
    [InlineData("later this month", ReadDirection.Past, Monday, "2023-10-17", "2023-10-31")]
    public void Earlier_and_later_this_week_month_year(string text, ReadDirection direction, string reference, string earliest, string latest)
    {
        Check(text, direction, earliest, latest, reference: reference);
    }

    [Fact]
    public void Later_this_month_on_its_last_day_is_refused()
    {
        var error = Assert.Throws<FuzzyDateException>(() => NewsDates.Resolve("later this month", new CalendarDay(2023, 10, 31), ReadDirection.Future));

        Assert.Contains("nothing of that month is left after 2023-10-31", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("by the end of this month", Monday, "2023-10-21", "2023-10-31")]
    [InlineData("by the end of the month", "2023-10-25", "2023-10-21", "2023-10-31")]
    [InlineData("by the end of next month", Monday, "2023-11-21", "2023-11-30")]
    [InlineData("by month-end", Monday, "2023-10-21", "2023-10-31")]
    [InlineData("by year-end", Monday, "2023-09-01", "2023-12-31")]
    [InlineData("by the end of the week", Monday, "2023-10-20", "2023-10-22")]
    [InlineData("by the end of the decade", Monday, "2027-01-01", "2029-12-31")]
    [InlineData("by the end of the quarter", Monday, "2023-12-01", "2023-12-31")]
    [InlineData("by the start of next year", Monday, "2024-01-01", "2024-01-01")]
    [InlineData("by the start of the year", Monday, "2024-01-01", "2024-01-01")]
    [InlineData("by the beginning of next month", Monday, "2023-11-01", "2023-11-01")]
    [InlineData("by the start of the month", Monday, "2023-11-01", "2023-11-01")]
    [InlineData("by the beginning of October", Monday, "2024-10-01", "2024-10-01")]
    [InlineData("by early October", Monday, "2024-10-01", "2024-10-10")]
    public void Start_and_end_of_periods_for_deadlines(string text, string reference, string earliest, string latest)
    {
        Check(text, ReadDirection.Future, earliest, latest, reference: reference);
    }

    [Theory]
    [InlineData("at the end of the month", "2023-09-21", "2023-09-30")]
    [InlineData("at the start of the year", "2023-01-01", "2023-04-30")]
    [InlineData("at the beginning of last month", "2023-09-01", "2023-09-10")]
    public void The_start_and_end_of_a_period_for_an_event_are_its_thirds(string text, string earliest, string latest)
    {
        Check(text, ReadDirection.Past, earliest, latest);
    }

    [Theory]
    [InlineData("within 30 days", ReadDirection.Future, "2023-10-16", "2023-11-15")]
    [InlineData("within six weeks", ReadDirection.Future, "2023-10-16", "2023-11-27")]
    [InlineData("in the next three months", ReadDirection.Future, "2023-10-16", "2024-01-16")]
    [InlineData("within a year", ReadDirection.Future, "2023-10-16", "2024-10-16")]
    [InlineData("within 48 hours", ReadDirection.Future, "2023-10-16", "2023-10-18")]
    [InlineData("within a fortnight", ReadDirection.Future, "2023-10-16", "2023-10-30")]
    [InlineData("over the next two years", ReadDirection.Future, "2023-10-16", "2025-10-16")]
    [InlineData("within the next 10 days", ReadDirection.Past, "2023-10-16", "2023-10-26")]
    [InlineData("in the past three months", ReadDirection.Past, "2023-07-16", "2023-10-16")]
    [InlineData("over the last two weeks", ReadDirection.Past, "2023-10-02", "2023-10-16")]
    [InlineData("the past week", ReadDirection.Past, "2023-10-09", "2023-10-16")]
    [InlineData("during the past year", ReadDirection.Past, "2022-10-16", "2023-10-16")]
    public void Durations_from_the_reference(string text, ReadDirection direction, string earliest, string latest)
    {
        var date = Check(text, direction, earliest, latest, $"{earliest}/{latest}");

        Assert.Equal(DatePrecision.Range, date.Precision);
    }

    [Theory]
    [InlineData("Christmas", ReadDirection.Past, "2022-12-25", "2022-12-25")]
    [InlineData("Christmas", ReadDirection.Future, "2023-12-25", "2023-12-25")]
    [InlineData("by Christmas", ReadDirection.Future, "2023-12-25", "2023-12-25")]
    [InlineData("before Christmas", ReadDirection.Future, "-9999-01-01", "2023-12-24")]
    [InlineData("since Christmas Day 2022", ReadDirection.Past, "2022-12-25", "2022-12-25")]
    [InlineData("on Christmas Eve", ReadDirection.Future, "2023-12-24", "2023-12-24")]
    [InlineData("after Christmas", ReadDirection.Past, "2022-12-26", Monday)]
    [InlineData("by New Year's Eve", ReadDirection.Future, "2023-12-31", "2023-12-31")]
    [InlineData("by New Year’s Day", ReadDirection.Future, "2024-01-01", "2024-01-01")]
    [InlineData("before the New Year", ReadDirection.Future, "-9999-01-01", "2023-12-31")]
    [InlineData("since New Year's Day", ReadDirection.Past, "2023-01-01", "2023-01-01")]
    [InlineData("Easter 2024", ReadDirection.Future, "2024-03-31", "2024-03-31")]
    [InlineData("Easter 2019", ReadDirection.Past, "2019-04-21", "2019-04-21")]
    [InlineData("by Easter", ReadDirection.Future, "2024-03-31", "2024-03-31")]
    [InlineData("after Easter", ReadDirection.Past, "2023-04-10", Monday)]
    [InlineData("since Easter", ReadDirection.Past, "2023-04-09", "2023-04-09")]
    [InlineData("before Easter 2025", ReadDirection.Future, "-9999-01-01", "2025-04-19")]
    [InlineData("Good Friday 2023", ReadDirection.Past, "2023-04-07", "2023-04-07")]
    [InlineData("Orthodox Easter 2023", ReadDirection.Past, "2023-04-16", "2023-04-16")]
    [InlineData("Ramadan 2024", ReadDirection.Future, "2024-03-11", "2024-04-09")]
    [InlineData("during Ramadan", ReadDirection.Past, "2023-03-23", "2023-04-20")]
    [InlineData("before Ramadan", ReadDirection.Future, "-9999-01-01", "2024-03-10")]
    [InlineData("since Ramadan", ReadDirection.Past, "2023-03-23", "2023-04-20")]
    [InlineData("by Eid al-Fitr", ReadDirection.Future, "2024-04-10", "2024-04-10")]
    [InlineData("after Eid ul-Fitr", ReadDirection.Past, "2023-04-22", Monday)]
    [InlineData("Eid al-Adha 2023", ReadDirection.Past, "2023-06-28", "2023-06-28")]
    [InlineData("by Tabaski", ReadDirection.Future, "2024-06-16", "2024-06-16")]
    [InlineData("since Eid al Adha", ReadDirection.Past, "2023-06-28", "2023-06-28")]
    public void Holidays_that_can_be_computed_with_before_by_after_since(string text, ReadDirection direction, string earliest, string latest)
    {
        Check(text, direction, earliest, latest);
    }

    [Theory]
    [InlineData("before Diwali", "Diwali follows the Hindu lunisolar calendar")]
    [InlineData("by Passover", "Passover follows the Hebrew calendar")]
    [InlineData("after Thanksgiving", "Thanksgiving differs by country")]
    [InlineData("since the Lunar New Year", "Chinese lunisolar calendar")]
    [InlineData("by Eid", "'Eid' alone could be Eid al-Fitr or Eid al-Adha")]
    [InlineData("Ramadan 1997", "Ramadan begins twice in 1997 (1997-01-10 and 1997-12-30)")]
    [InlineData("Ramadan 1850", "outside the Umm al-Qura calendar")]
    public void A_holiday_it_cannot_compute_is_refused_by_name(string text, string reason)
    {
        foreach (var direction in new[] { ReadDirection.Past, ReadDirection.Future })
        {
            var error = Assert.Throws<FuzzyDateException>(() => NewsDates.Resolve(text, CalendarDay.Parse(Monday), direction));

            Assert.StartsWith($"'{text}' cannot be read as a date: ", error.Message, StringComparison.Ordinal);
            Assert.Contains(reason, error.Message, StringComparison.Ordinal);
            Assert.False(string.IsNullOrWhiteSpace(error.Hint));
        }
    }

    [Theory]
    [InlineData("the early 1990s", ReadDirection.Past, "1990-01-01", "1993-12-31", "199X")]
    [InlineData("the late 1990s", ReadDirection.Future, "1997-01-01", "1999-12-31", "199X")]
    [InlineData("the late 2000s", ReadDirection.Past, "2007-01-01", "2009-12-31", "200X")]
    [InlineData("the early 2000s", ReadDirection.Future, "2000-01-01", "2003-12-31", "200X")]
    [InlineData("the mid-1980s", ReadDirection.Past, "1984-01-01", "1986-12-31", "198X")]
    [InlineData("by the late 2020s", ReadDirection.Future, "2027-01-01", "2029-12-31", "202X")]
    public void Early_and_late_decades_are_their_first_and_last_thirds(string text, ReadDirection direction, string earliest, string latest, string edtf)
    {
        var date = Check(text, direction, earliest, latest, edtf);

        Assert.Equal(DatePrecision.Decade, date.Precision);
    }

    [Theory]
    [InlineData("the 2000s", "2000–2009 or 2000–2099")]
    [InlineData("the late 1800s", "the 19th century")]
    [InlineData("the 1900s", "the 20th century")]
    [InlineData("the 2100s", "the 22nd century")]
    public void A_decade_that_may_be_a_century_is_still_refused(string text, string reason)
    {
        var error = Assert.Throws<FuzzyDateException>(() => NewsDates.Resolve(text, CalendarDay.Parse(Monday), ReadDirection.Past));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("soon", "'soon' names no period of time")]
    [InlineData("recently", "'recently' names no period of time")]
    [InlineData("in the coming weeks", "'coming weeks' gives no number")]
    [InlineData("in recent months", "'recent months' gives no number")]
    [InlineData("a few days ago", "'few days' gives no number")]
    [InlineData("in the near future", "'near future' gives no number")]
    [InlineData("shortly", "'shortly' names no period of time")]
    public void What_cannot_be_read_without_guessing_stays_refused_quoting_the_text(string text, string reason)
    {
        foreach (var direction in new[] { ReadDirection.Past, ReadDirection.Future })
        {
            var error = Assert.Throws<FuzzyDateException>(() => NewsDates.Resolve(text, CalendarDay.Parse(Monday), direction));

            Assert.StartsWith($"'{text}' cannot be read as a date: ", error.Message, StringComparison.Ordinal);
            Assert.Contains(reason, error.Message, StringComparison.Ordinal);
            Assert.Contains("'within 30 days'", error.Hint, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("between 12 and 15 June")]
    [InlineData("last autumn")]
    [InlineData("early last year")]
    [InlineData("earlier this month")]
    [InlineData("by the end of this month")]
    [InlineData("within 30 days")]
    [InlineData("before Christmas")]
    [InlineData("the late 2000s")]
    [InlineData("from March to June 2019")]
    public void Every_example_the_hint_gives_parses_and_so_does_each_family(string example)
    {
        var hint = Assert.Throws<FuzzyDateException>(() => NewsDates.Resolve("soon", CalendarDay.Parse(Monday), ReadDirection.Past)).Hint;
        var examples = System.Text.RegularExpressions.Regex.Matches(hint, "'([^']+)'").Select(m => m.Groups[1].Value).ToList();

        Assert.NotEmpty(examples);
        Assert.All(examples, e => NewsDates.Resolve(e, CalendarDay.Parse(Monday), ReadDirection.Past));
        NewsDates.Resolve(example, CalendarDay.Parse(Monday), ReadDirection.Future);
    }
}
