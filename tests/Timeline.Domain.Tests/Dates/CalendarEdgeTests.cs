using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Timeline.Domain.Dates;
using Timeline.Domain.Validation;
using Timeline.V1;

namespace Timeline.Domain.Tests.Dates;

/// <summary>
/// Dates at the ends of the calendar, -9999-01-01 and 9999-12-31 (issue 14 item 2): each parses
/// or is refused with <see cref="FuzzyDateException"/>, which the validator turns into a violation
/// naming the field; no other exception, and never a wrong date from arithmetic that wrapped.
/// </summary>
public sealed class CalendarEdgeTests
{
    private static readonly string[] Numbers = ["0", "1", "7", "24", "365", "3652425", "1000000", "613566757", "999999999", "2147483647", "99999999999"];

    private static readonly string[] Cores =
    [
        "yesterday", "today", "tomorrow", "week", "month", "year", "quarter", "decade", "weekend", "Monday", "autumn", "winter",
        "Christmas", "Easter", "Orthodox Easter", "Ramadan", "Eid al-Adha", "New Year's Eve", "Q4 9999", "Q1 -9999", "the second half of 9999",
        "9999", "-9999", "9999-41", "9999-24", "9999-12-31", "-9999-01-01", "10000 BC", "10001 BC", "1 BCE", "31 December 9999", "1 January 10000 BCE",
        "December", "January", "the 2nd to the 5th", "12-15 June", "{n} days ago", "{n} weeks ago", "{n} months ago", "{n} years ago",
        "within {n} days", "within {n} weeks", "within {n} hours", "in the next {n} months", "the past {n} years", "the coming {n} decades",
        "the 1990s", "the late 2000s", "the 99th century", "the 100th century BC", "1 January", "29 February", "Saturday (14 October)",
        "winter 9999", "the end of the month", "the start of the year", "the end of the decade", "month-end", "late summer",
    ];

    private static readonly string[] Prefixes =
        ["", "by ", "before ", "after ", "since ", "in ", "from ", "between ", "within ", "the ", "early ", "late ", "mid-", "last ", "next ", "this ", "earlier this ", "later this ", "around "];

    private static readonly string[] Suffixes =
        ["", " 9999", " -9999", " 10000 BCE", " to December 9999", " and 2 January 10000 BC", " or later", " or earlier", "?", "~", " to the 31st"];

    public static Arbitrary<(string Text, CalendarDay Reference, ReadDirection Direction)> Readings()
    {
        var k = Gen.Choose(0, 400);
        var reference = Gen.OneOf(
            k.Select(n => CalendarDay.MinValue.AddDays(n)),
            k.Select(n => CalendarDay.MaxValue.AddDays(-n)),
            Gen.Elements(new CalendarDay(1, 1, 1), new CalendarDay(0, 12, 31), new CalendarDay(2023, 10, 16)),
            Gen.Choose(CalendarDay.MinValue.DayNumber, CalendarDay.MaxValue.DayNumber).Select(n => CalendarDay.FromDayNumber(n)));
        var text = from prefix in Gen.Elements(Prefixes)
                   from core in Gen.Elements(Cores)
                   from suffix in Gen.Elements(Suffixes)
                   from n in Gen.Elements(Numbers)
                   select (prefix + core + suffix).Replace("{n}", n, StringComparison.Ordinal);
        return (from t in text from r in reference from d in Gen.Elements(ReadDirection.Past, ReadDirection.Future) select (t, r, d)).ToArbitrary();
    }

    [Property(Arbitrary = [typeof(CalendarEdgeTests)], MaxTest = 20000)]
    public Property The_reader_parses_or_refuses_with_a_fuzzy_date_exception_never_another(
        (string Text, CalendarDay Reference, ReadDirection Direction) reading)
    {
        var (text, reference, direction) = reading;
        try
        {
            var date = NewsDates.Resolve(text, reference, direction);
            return (date.Earliest <= date.Latest && date.Earliest >= CalendarDay.MinValue && date.Latest <= CalendarDay.MaxValue)
                .Label($"'{text}' on {reference} ({direction}) gave {date.Earliest}..{date.Latest}");
        }
        catch (FuzzyDateException e)
        {
            return (e.Message.StartsWith($"'{text.Trim()}'", StringComparison.Ordinal) && e.Hint.Length > 0)
                .Label($"'{text}' on {reference} refused without quoting the text: {e.Message}");
        }
        catch (Exception e)
        {
            return false.Label($"'{text}' on {reference} ({direction}) threw {e.GetType().Name}: {e.Message}");
        }
    }

    [Property(MaxTest = 5000)]
    public Property Edtf_near_the_ends_parses_or_is_refused_with_a_fuzzy_date_exception(int yearIndex, int component, int day, bool interval)
    {
        int[] years = [-9999, -9998, -1, 0, 1, 9998, 9999];
        var year = years[(int)((uint)yearIndex % years.Length)];
        var code = (int)((uint)component % 42);
        var text = $"{CalendarDay.FormatYear(year)}{(code == 0 ? "" : $"-{code:D2}")}{(code is > 0 and <= 12 && day % 3 == 0 ? $"-{((uint)day % 32):D2}" : "")}";
        text = interval ? $"{text}/9999-12-31" : text;
        try
        {
            var date = Edtf.Parse(text);
            return (date.Earliest <= date.Latest).Label($"{text} gave {date.Earliest}..{date.Latest}");
        }
        catch (FuzzyDateException e)
        {
            return e.Message.StartsWith($"'{text}'", StringComparison.Ordinal).Label($"{text} refused without quoting it: {e.Message}");
        }
        catch (Exception e)
        {
            return false.Label($"{text} threw {e.GetType().Name}: {e.Message}");
        }
    }

    [Property(MaxTest = 3000)]
    public Property Counted_days_and_weeks_from_the_reference_are_exact_or_refused(int count, int referenceDay, bool weeks)
    {
        var reference = CalendarDay.FromDayNumber(CalendarDay.MinValue.DayNumber + (long)((uint)referenceDay % (uint)(CalendarDay.MaxValue.DayNumber - CalendarDay.MinValue.DayNumber + 1)));
        var n = Math.Abs((long)count);
        var length = weeks ? 7 * n : n;
        var expected = reference.DayNumber - length;
        var text = $"{n} {(weeks ? "weeks" : "days")} ago";
        var within = $"within {n} {(weeks ? "weeks" : "days")}";
        try
        {
            var ago = NewsDates.Resolve(text, reference, ReadDirection.Past);
            var ok = weeks ? ago.Earliest.DayNumber <= expected && expected <= ago.Latest.DayNumber : ago.Earliest.DayNumber == expected;
            return ok.Label($"'{text}' on {reference} gave {ago.Earliest}..{ago.Latest}");
        }
        catch (FuzzyDateException)
        {
            var withinRefused = false;
            try
            {
                var forward = NewsDates.Resolve(within, reference, ReadDirection.Future);
                return (forward.Latest.DayNumber == reference.DayNumber + length).Label($"'{within}' on {reference} ended {forward.Latest}");
            }
            catch (FuzzyDateException)
            {
                withinRefused = true;
            }

            return (expected < CalendarDay.MinValue.DayNumber + (weeks ? 7 : 0) && (withinRefused == (reference.DayNumber + length > CalendarDay.MaxValue.DayNumber)))
                .Label($"'{text}' on {reference} refused though it is inside the calendar");
        }
    }

    [Theory]
    [InlineData("9999-41", "9999-07-01", "9999-12-31")]
    [InlineData("9999-36", "9999-10-01", "9999-12-31")]
    [InlineData("9999-39", "9999-09-01", "9999-12-31")]
    [InlineData("9999-23", "9999-09-01", "9999-11-30")]
    [InlineData("-9999-24", "-9999-12-01", "-9998-02-28")]
    [InlineData("-9999-01-01", "-9999-01-01", "-9999-01-01")]
    public void Edtf_groupings_at_the_ends_of_the_calendar_have_their_bounds(string edtf, string earliest, string latest)
    {
        var date = Edtf.Parse(edtf);

        Assert.Equal((CalendarDay.Parse(earliest), CalendarDay.Parse(latest)), (date.Earliest, date.Latest));
    }

    [Theory]
    [InlineData("Q4 9999", "2023-10-16", ReadDirection.Future, "9999-10-01", "9999-12-31")]
    [InlineData("the second half of 9999", "2023-10-16", ReadDirection.Future, "9999-07-01", "9999-12-31")]
    [InlineData("yesterday", "0001-01-01", ReadDirection.Past, "0000-12-31", "0000-12-31")]
    [InlineData("last year", "0001-06-01", ReadDirection.Past, "0000-01-01", "0000-12-31")]
    [InlineData("tomorrow", "9999-12-30", ReadDirection.Future, "9999-12-31", "9999-12-31")]
    [InlineData("December", "9999-12-31", ReadDirection.Future, "9999-12-01", "9999-12-31")]
    [InlineData("1000000 days ago", "2023-10-16", ReadDirection.Past, "-0715-11-18", "-0715-11-18")]
    public void Dates_next_to_the_ends_are_read(string text, string reference, ReadDirection direction, string earliest, string latest)
    {
        var date = NewsDates.Resolve(text, CalendarDay.Parse(reference), direction);

        Assert.Equal((CalendarDay.Parse(earliest), CalendarDay.Parse(latest)), (date.Earliest, date.Latest));
    }

    [Theory]
    [InlineData("winter 9999", "2023-10-16")]
    [InlineData("9999-24", "2023-10-16")]
    [InlineData("next month", "9999-12-31")]
    [InlineData("next year", "9999-01-01")]
    [InlineData("tomorrow", "9999-12-31")]
    [InlineData("this week", "9999-12-31")]
    [InlineData("yesterday", "-9999-01-01")]
    [InlineData("last month", "-9999-01-31")]
    [InlineData("99999999 days ago", "2023-10-16")]
    [InlineData("2147483647 weeks ago", "2023-10-16")]
    [InlineData("within 613566757 weeks", "2023-10-16")]
    [InlineData("within 2147483647 hours", "2023-10-16")]
    [InlineData("after 9999", "2023-10-16")]
    [InlineData("before -9999", "2023-10-16")]
    [InlineData("Christmas", "9999-12-26")]
    [InlineData("10001 BC", "2023-10-16")]
    public void Dates_past_the_ends_are_refused_quoting_the_text(string text, string reference)
    {
        foreach (var direction in new[] { ReadDirection.Past, ReadDirection.Future })
        {
            try
            {
                var date = NewsDates.Resolve(text, CalendarDay.Parse(reference), direction);
                Assert.True(text is "winter 9999" or "9999-24" || direction == ReadDirection.Past && text is "Christmas" || direction == ReadDirection.Past && text is "this week",
                    $"'{text}' on {reference} ({direction}) read as {date.Earliest}..{date.Latest}");
            }
            catch (FuzzyDateException e)
            {
                Assert.StartsWith($"'{text}'", e.Message, StringComparison.Ordinal);
            }
        }
    }

    [Theory]
    [InlineData("next month", "9999-12-31", "occurred")]
    [InlineData("yesterday", "-9999-01-01", "occurred")]
    [InlineData("99999999 days ago", "2023-10-16", "occurred")]
    [InlineData("next month", "9999-12-31", "deadline")]
    [InlineData("within 9999999 years", "2023-10-16", "deadline")]
    [InlineData("next month", "9999-12-31", "published")]
    [InlineData("tomorrow", "9999-12-31", "published")]
    public void The_validator_refuses_them_naming_the_field(string text, string reference, string where)
    {
        var validator = new NewEventValidator(new EventLimits());
        var e = new NewEvent { EventId = "edge", Title = "At the end of the calendar", Occurred = new Timeline.V1.FuzzyDate { Edtf = "2023-10-16" } };
        switch (where)
        {
            case "occurred":
                e.Occurred = new Timeline.V1.FuzzyDate { Text = text, Reference = reference };
                break;
            case "deadline":
                e.Deadline = new DeadlineEffect { DeadlineId = "d", Effect = DeadlineEffectType.Set, Title = "d", Due = new Timeline.V1.FuzzyDate { Text = text, Reference = reference } };
                break;
            default:
                e.Source = new Source { Name = "wire", Published = reference };
                e.Occurred = new Timeline.V1.FuzzyDate { Text = "yesterday" };
                e.Deadline = new DeadlineEffect { DeadlineId = "d", Effect = DeadlineEffectType.Set, Title = "d", Due = new Timeline.V1.FuzzyDate { Text = text } };
                break;
        }

        var violations = new List<FieldViolation>();
        var normalized = validator.Normalize(e, "events[0]", violations);

        Assert.Null(normalized);
        var violation = Assert.Single(violations);
        Assert.Equal(where == "occurred" ? "events[0].occurred.text" : "events[0].deadline.due.text", violation.Field);
        Assert.Contains($"'{text}'", violation.Description, StringComparison.Ordinal);
    }
}
