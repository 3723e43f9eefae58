using Timeline.Domain.Dates;
using Timeline.Extraction;

namespace Timeline.Extraction.Tests;

/// <summary>
/// Issue 28's families in running text, published on Monday 16 October 2023: what each date is to its
/// statement (when it happened, or when it is due), and what is found, refused or left alone.
/// </summary>
public sealed class WireFamiliesExtractTests
{
    private static readonly CalendarDay Monday = CalendarDay.Parse("2023-10-16");

    private static Draft Extract(string text) => DraftExtractor.Extract(ArticleText.FromPlainText(text), new ExtractOptions(Monday));

    private static FoundDate Found(Draft draft, string text) => Assert.Single(draft.Dates, d => d.Span.Text == text);

    private static void Bounds(FuzzyDate date, string earliest, string latest) =>
        Assert.Equal((CalendarDay.Parse(earliest), CalendarDay.Parse(latest)), (date.Earliest, date.Latest));

    [Theory]
    [InlineData("The rebels broke a 2015 ceasefire on Friday.", "2015", "on Friday", "2023-10-13")]
    [InlineData("The 2012 coup attempt failed, officials said on Tuesday.", "The 2012", "on Tuesday", "2023-10-10")]
    [InlineData("Its 2019 budget was cut on Saturday (14 October).", "2019", "on Saturday (14 October)", "2023-10-14")]
    public void A_year_used_as_an_adjective_is_found_but_dates_no_event(string text, string year, string when, string day)
    {
        var draft = Extract(text);

        var adjective = Found(draft, year);
        Assert.True(adjective.Span.Attributive);
        Assert.Contains("a year as an adjective", adjective.Why);
        var e = Assert.Single(draft.Events);
        Assert.Equal(when, e.Occurred.Text);
        Bounds(e.Occurred.Date, day, day);
        Assert.Contains(year.Split(' ')[^1], e.Title); // the year stays in the title: it names what the clause is about
    }

    [Theory]
    [InlineData("The 2000 troops left the base on Friday.")]
    [InlineData("A 2000 km border separates the two countries.")]
    [InlineData("Some 2000 soldiers were deployed.")]
    [InlineData("The 1500 strong force arrived.")]
    public void A_year_shaped_count_is_no_date(string text)
    {
        var draft = Extract(text);

        Assert.DoesNotContain(draft.Dates, d => d.Reading.Precision == DatePrecision.Year);
        Assert.DoesNotContain(draft.Events, e => e.Occurred.Date.Precision == DatePrecision.Year);
    }

    [Theory]
    [InlineData("Talks could resume by the end of the month, the mediator said.", "by the end of the month", "2023-10-31", "could")]
    [InlineData("Production might slip into 2025, the company warned.", "into 2025", "2025-12-31", null)]
    [InlineData("The vote may take place by March, the commission said.", "by March", "2024-03-31", "may")]
    [InlineData("The government could finish the road in November.", "in November", "2023-11-30", "could")]
    public void A_modal_looks_forward(string text, string phrase, string due, string? marker)
    {
        var draft = Extract(text);

        var date = Found(draft, phrase);
        Assert.Equal(DateRole.Due, date.Role);
        Assert.Equal(CalendarDay.Parse(due), date.Reading.Latest);
        if (marker is not null)
        {
            Assert.Contains($"'{marker}'", date.Why);
        }
    }

    [Fact]
    public void May_the_month_is_no_modal()
    {
        var draft = Extract("In May the army withdrew from the town.");

        var date = Found(draft, "In May");
        Assert.Equal(DateRole.Occurred, date.Role);
        Bounds(date.Reading, "2023-05-01", "2023-05-31");
    }

    [Theory]
    [InlineData("On 3 May the ministry said the convoy would leave by 30 June.", "On 3 May")]
    [InlineData("The ministry said on 3 May the convoy would leave by 30 June.", "on 3 May")]
    [InlineData("On Wednesday (3 May) the ministry announced that the convoy would leave by 30 June.", "On Wednesday (3 May)")]
    public void Reported_speech_the_saying_is_an_event_and_what_was_said_sets_its_own_direction(string text, string saying)
    {
        var draft = Extract(text);

        var said = Found(draft, saying);
        Assert.Equal(DateRole.Occurred, said.Role);
        Bounds(said.Reading, "2023-05-03", "2023-05-03");
        var due = Found(draft, "by 30 June");
        Assert.Equal(DateRole.Due, due.Role);
        Bounds(due.Reading, "2024-06-30", "2024-06-30");
        var e = Assert.Single(draft.Events);
        Bounds(e.Occurred.Date, "2023-05-03", "2023-05-03");
        Assert.Equal("Statement", e.Kind);
        Assert.Equal(CalendarDay.Parse("2024-06-30"), e.Deadline!.Due!.Latest);
    }

    [Fact]
    public void Reported_speech_with_a_vague_due_date_still_dates_the_saying()
    {
        var draft = Extract("On 3 May the ministry said the convoy would leave within days.");

        var e = Assert.Single(draft.Events);
        Bounds(e.Occurred.Date, "2023-05-03", "2023-05-03");
        Assert.Contains(draft.Refused, r => r.Text == "within days" && r.Reason.Contains("gives no number", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("The council extended the mission's mandate through June.", DateRole.Due, "2024-06-01", "2024-06-30")]
    [InlineData("The council extended the curfew until March.", DateRole.Due, "2024-03-01", "2024-03-31")]
    [InlineData("The talks were postponed until January.", DateRole.Due, "2024-01-01", "2024-01-31")]
    [InlineData("Fighting continued through June, the army said.", DateRole.Occurred, "2023-06-01", "2023-06-30")]
    [InlineData("The mission will stay through June.", DateRole.Due, "2024-06-01", "2024-06-30")]
    public void Through_june_is_due_when_it_is_where_an_end_moves_and_past_when_it_is_over(string text, DateRole role, string earliest, string latest)
    {
        var date = Assert.Single(Extract(text).Dates);

        Assert.Equal(role, date.Role);
        Bounds(date.Reading, earliest, latest);
    }

    [Theory]
    [InlineData("Rebels attacked the town overnight, the army said.", "overnight", "2023-10-15", "2023-10-16")]
    [InlineData("Rebels attacked the town on Thursday evening, residents said.", "on Thursday evening", "2023-10-12", "2023-10-12")]
    [InlineData("In the early hours of Sunday gunmen stormed a hotel.", "In the early hours of Sunday", "2023-10-15", "2023-10-15")]
    [InlineData("Clashes broke out on the night of 6 to 7 May.", "on the night of 6 to 7 May", "2023-05-06", "2023-05-07")]
    [InlineData("Gunmen stormed a hotel last night.", "last night", "2023-10-15", "2023-10-16")]
    public void Nights_and_parts_of_a_day_date_their_event(string text, string phrase, string earliest, string latest)
    {
        var draft = Extract(text);

        var e = Assert.Single(draft.Events);
        Assert.Equal(phrase, e.Occurred.Text);
        Bounds(e.Occurred.Date, earliest, latest);
    }

    [Theory]
    [InlineData("The night of the attack was cold, residents said.")]
    [InlineData("In the early hours, gunmen stormed a hotel.")]
    [InlineData("Officials worked through the night.")]
    public void Night_words_without_a_day_are_no_date_and_no_refusal(string text)
    {
        var draft = Extract(text);

        Assert.Empty(draft.Dates);
        Assert.Empty(draft.Refused);
    }

    [Fact]
    public void A_weekday_of_every_month_recurs_and_is_refused_not_read_as_one_monday()
    {
        var draft = Extract("The first Monday of every month is a holiday in the town.");

        Assert.Empty(draft.Dates);
        Assert.Contains("it recurs every month", Assert.Single(draft.Refused).Reason);
    }

    [Fact]
    public void An_overnight_curfew_is_no_date()
    {
        var draft = Extract("The army imposed an overnight curfew on Friday.");

        var e = Assert.Single(draft.Events);
        Assert.Equal("on Friday", e.Occurred.Text);
        Assert.DoesNotContain(draft.Dates, d => d.Span.Text.Contains("overnight", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Exports rose 5% in the 12 months to June.", "in the 12 months to June", "2022-07-01", "2023-06-30")]
    [InlineData("Exports fell in the first eight months, the ministry said.", "in the first eight months", "2023-01-01", "2023-08-31")]
    [InlineData("Exports fell in the April-June quarter.", "in the April-June quarter", "2023-04-01", "2023-06-30")]
    [InlineData("Prices rose the month before last.", "the month before last", "2023-08-01", "2023-08-31")]
    [InlineData("A year ago this week the army withdrew from Kidal.", "A year ago this week", "2022-10-10", "2022-10-16")]
    [InlineData("The vote was held on the second Wednesday of June.", "on the second Wednesday of June", "2023-06-14", "2023-06-14")]
    [InlineData("The army ruled the country throughout the 1980s.", "throughout the 1980s", "1980-01-01", "1989-12-31")]
    [InlineData("The club lost in the 2019/20 season.", "in the 2019/20 season", "2019-01-01", "2020-12-31")]
    [InlineData("The ministry cut spending in the 2021-22 budget year.", "in the 2021-22 budget year", "2021-01-01", "2022-12-31")]
    public void Periods_of_wire_copy_date_their_event(string text, string phrase, string earliest, string latest)
    {
        var e = Assert.Single(Extract(text).Events);

        Assert.Equal(phrase, e.Occurred.Text);
        Bounds(e.Occurred.Date, earliest, latest);
    }

    [Theory]
    [InlineData("The election will be held on 5 March next year.", "on 5 March next year", "2024-03-05")]
    [InlineData("The troops must leave not later than 1 July.", "not later than 1 July", "2024-07-01")]
    [InlineData("The army said it would leave no later than 1 July.", "no later than 1 July", "2024-07-01")]
    public void Limits_and_relative_years_are_due_dates(string text, string phrase, string due)
    {
        var date = Found(Extract(text), phrase);

        Assert.Equal(DateRole.Due, date.Role);
        Assert.Equal(CalendarDay.Parse(due), date.Reading.Latest);
    }

    [Theory]
    [InlineData("The ministry expects growth this fiscal year.", "this fiscal year")]
    [InlineData("Revenue fell in fiscal 2026.", "in fiscal 2026")]
    [InlineData("The budget for FY2026 was cut.", "FY2026")]
    public void Fiscal_years_are_refused_with_their_reason_and_propose_nothing(string text, string phrase)
    {
        var draft = Extract(text);

        var refusal = Assert.Single(draft.Refused);
        Assert.Contains(phrase, refusal.Text, StringComparison.Ordinal);
        Assert.Contains("a fiscal year's months depend on whose it is", refusal.Reason);
        Assert.Empty(draft.Dates);
    }

    [Fact]
    public void A_timestamp_dates_its_event_on_the_utc_day()
    {
        var draft = Extract("The statement was posted at 2020-05-01T23:30:00-04:00 on the ministry's site.");

        var e = Assert.Single(draft.Events);
        Assert.Equal("at 2020-05-01T23:30:00-04:00", e.Occurred.Text);
        Bounds(e.Occurred.Date, "2020-05-02", "2020-05-02");
    }

    [Fact]
    public void A_timestamp_with_a_shift_no_time_zone_uses_is_refused_whole()
    {
        var draft = Extract("The statement was posted at 2020-05-01T23:30:00+05:07 on the ministry's site.");

        var refusal = Assert.Single(draft.Refused);
        Assert.Equal("at 2020-05-01T23:30:00+05:07", refusal.Text);
        Assert.Contains("no time zone is +05:07 from UTC", refusal.Reason);
        Assert.Empty(draft.Dates);
    }
}
