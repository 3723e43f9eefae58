using Timeline.Domain.Dates;
using Timeline.Domain.Validation;
using Timeline.V1;

namespace Timeline.Domain.Tests.Dates;

/// <summary>
/// Dates that were stored wrongly without any error (issue 13 §2), as regressions: through the
/// reader, and through the validator as the storage service stores them (event and deadline).
/// </summary>
public sealed class WrongWithoutErrorRegressionTests
{
    private static readonly CalendarDay October16 = new(2023, 10, 16);

    [Theory]
    [InlineData("from March to June 2019", ReadDirection.Past, "2019-03-01", "2019-06-30", "2019-03/2019-06")]
    [InlineData("from March to June 2019", ReadDirection.Future, "2019-03-01", "2019-06-30", "2019-03/2019-06")]
    [InlineData("from November to December 2023", ReadDirection.Past, "2023-11-01", "2023-12-31", "2023-11/2023-12")]
    [InlineData("between November and December 2023", ReadDirection.Future, "2023-11-01", "2023-12-31", "2023-11/2023-12")]
    [InlineData("November to December 2023", ReadDirection.Past, "2023-11-01", "2023-12-31", "2023-11/2023-12")]
    [InlineData("from December to February 2020", ReadDirection.Past, "2019-12-01", "2020-02-29", "2019-12/2020-02")]
    [InlineData("from 1 November to 20 December 2023", ReadDirection.Past, "2023-11-01", "2023-12-20", "2023-11-01/2023-12-20")]
    [InlineData("from late November to mid-December 2023", ReadDirection.Past, "2023-11-21", "2023-12-20", "2023-11/2023-12")]
    [InlineData("between summer and autumn 2019", ReadDirection.Past, "2019-06-01", "2019-11-30", "2019-22/2019-23")]
    public void A_year_after_the_second_month_applies_to_both(string text, ReadDirection direction, string earliest, string latest, string edtf)
    {
        var date = NewsDates.Resolve(text, October16, direction);

        Assert.Equal((CalendarDay.Parse(earliest), CalendarDay.Parse(latest), edtf), (date.Earliest, date.Latest, date.Edtf));
    }

    [Theory]
    [InlineData("before 2020", ReadDirection.Past, "-9999-01-01", "2019-12-31", "../2019")]
    [InlineData("before March 2020", ReadDirection.Past, "-9999-01-01", "2020-02-29", "../2020-02")]
    [InlineData("before 14 October", ReadDirection.Past, "-9999-01-01", "2023-10-13", "../2023-10-13")]
    [InlineData("before 25 December", ReadDirection.Future, "-9999-01-01", "2023-12-24", "../2023-12-24")]
    [InlineData("before the end of 2023", ReadDirection.Future, "-9999-01-01", "2023-08-31", "../2023-08")]
    [InlineData("after the 1990s", ReadDirection.Future, "2000-01-01", "9999-12-31", "2000/..")]
    [InlineData("after 2020", ReadDirection.Future, "2021-01-01", "9999-12-31", "2021/..")]
    [InlineData("after August", ReadDirection.Future, "2024-09-01", "9999-12-31", "2024-09/..")]
    [InlineData("after 14 October 2023", ReadDirection.Future, "2023-10-15", "9999-12-31", "2023-10-15/..")]
    [InlineData("later than 2019", ReadDirection.Future, "2020-01-01", "9999-12-31", "2020/..")]
    [InlineData("earlier than 2019", ReadDirection.Future, "-9999-01-01", "2018-12-31", "../2018")]
    public void Before_and_after_exclude_what_they_name(string text, ReadDirection direction, string earliest, string latest, string edtf)
    {
        var date = NewsDates.Resolve(text, October16, direction);

        Assert.Equal((CalendarDay.Parse(earliest), CalendarDay.Parse(latest), edtf), (date.Earliest, date.Latest, date.Edtf));
    }

    [Theory]
    [InlineData("2019 or earlier", "2019-12-31")]
    [InlineData("until 31 December 2023", "2023-12-31")]
    [InlineData("by 25 December", "2023-12-25")]
    public void Or_earlier_until_and_by_keep_what_they_name(string text, string latest)
    {
        Assert.Equal(CalendarDay.Parse(latest), NewsDates.Resolve(text, October16, ReadDirection.Future).Latest);
    }

    [Theory]
    [InlineData("in mid-October", "2023-10-11", "2023-10-16", "2023-10-20")]
    [InlineData("in October", "2023-10-01", "2023-10-16", "2023-10-31")]
    [InlineData("this year", "2023-01-01", "2023-10-16", "2023-12-31")]
    [InlineData("in the fourth quarter", "2023-10-01", "2023-10-16", "2023-12-31")]
    [InlineData("this autumn", "2023-09-01", "2023-10-16", "2023-11-30")]
    [InlineData("since 2023", "2023-01-01", "2023-10-16", "2023-12-31")]
    [InlineData("after 2020", "2021-01-01", "2023-10-16", "9999-12-31")]
    [InlineData("2023-10", "2023-10-01", "2023-10-16", "2023-10-31")]
    public void A_past_event_ends_no_later_than_the_reference_day_and_a_deadline_is_not_cut(string text, string earliest, string eventLatest, string deadlineLatest)
    {
        var asEvent = NewsDates.Resolve(text, October16, ReadDirection.Past);
        var asDeadline = NewsDates.Resolve(text, October16, ReadDirection.Future);

        Assert.Equal((CalendarDay.Parse(earliest), CalendarDay.Parse(eventLatest)), (asEvent.Earliest, asEvent.Latest));
        Assert.Equal(CalendarDay.Parse(deadlineLatest), asDeadline.Latest);
        Assert.Equal(asDeadline.Edtf, asEvent.Edtf);
    }

    [Theory]
    [InlineData("next month", "2023-11-01", "2023-11-30")]
    [InlineData("tomorrow", "2023-10-17", "2023-10-17")]
    [InlineData("in 2025", "2025-01-01", "2025-12-31")]
    [InlineData("within 30 days", "2023-10-16", "2023-11-15")]
    public void An_event_wholly_after_the_reference_or_said_to_look_forward_is_not_cut(string text, string earliest, string latest)
    {
        var date = NewsDates.Resolve(text, October16, ReadDirection.Past);

        Assert.Equal((CalendarDay.Parse(earliest), CalendarDay.Parse(latest)), (date.Earliest, date.Latest));
    }

    [Fact]
    public void Through_the_validator_an_event_is_cut_and_a_deadline_before_a_day_is_due_the_day_before()
    {
        var validator = new NewEventValidator(new EventLimits());
        var e = new NewEvent
        {
            EventId = "withdrawal-talks",
            Title = "Talks on the withdrawal",
            Occurred = new Timeline.V1.FuzzyDate { Text = "in mid-October", Reference = "2023-10-16" },
            Deadline = new DeadlineEffect
            {
                DeadlineId = "minusma-withdrawal",
                Effect = DeadlineEffectType.Set,
                Title = "MINUSMA leaves",
                Due = new Timeline.V1.FuzzyDate { Text = "before 25 December" },
            },
        };
        var violations = new List<FieldViolation>();

        var normalized = validator.Normalize(e, "events[0]", violations);

        Assert.Empty(violations);
        Assert.Equal(("2023-10-11", "2023-10-16"), (normalized!.Occurred.Earliest, normalized.Occurred.Latest));
        Assert.Equal(("../2023-12-24", "2023-12-24"), (normalized.Deadline.Due.Edtf, normalized.Deadline.Due.Latest));
    }
}
