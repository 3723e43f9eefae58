namespace Timeline.Domain.Dates;

/// <summary>Relative dates: 'last week', 'two weeks ago', 'earlier this month', 'within 30 days', 'next summer', and the anchoring of a yearless phrase against the reference day.</summary>
internal sealed partial class NewsDateReader
{
    private FuzzyDate? Relative()
    {
        if (EatWord("yesterday"))
        {
            return Periods.Day(reference.AddDays(-1));
        }

        if (EatWord("today"))
        {
            return Periods.Day(reference);
        }

        if (EatWord("tomorrow"))
        {
            return Periods.Day(reference.AddDays(1));
        }

        if (EarlierOrLater() is { } part)
        {
            return part;
        }

        if (Duration(within: false) is { } duration)
        {
            return duration;
        }

        var start = position;
        var step = Current switch
        {
            { Kind: TokenKind.Word, Text: "last" or "past" or "previous" } => -1,
            { Kind: TokenKind.Word, Text: "this" or "current" } => 0,
            { Kind: TokenKind.Word, Text: "next" or "coming" } => 1,
            _ => (int?)null,
        };
        if (step is { } s)
        {
            position++;
            var relative = RelativeUnit(s);
            if (relative is not null)
            {
                return relative;
            }

            position = start;
        }

        if (Current is { Text: "weekend" })
        {
            position++;
            return Weekend(0);
        }

        if (Current is { } countToken && NewsVocabulary.Count(countToken) is { } count && Next is { Kind: TokenKind.Word } unit)
        {
            position += 2;
            if (EatWord("ago"))
            {
                // "a year ago this week", "a month ago today": the week (day, month) of the reference that many units back.
                var then = unit.Text.TrimEnd('s') switch
                {
                    "day" => reference.AddDays(-count),
                    "week" => reference.AddDays(-7L * count),
                    "month" => reference.AddMonths(-count),
                    "year" => reference.AddYears(-count),
                    _ => (CalendarDay?)null,
                };
                if (then is { } day && (EatWord("today") || EatWords("this", "day")))
                {
                    return Periods.Day(day);
                }

                if (then is { } inWeek && EatWords("this", "week"))
                {
                    return Periods.Week(inWeek);
                }

                if (then is { } inMonth && EatWords("this", "month"))
                {
                    return MonthOf(inMonth);
                }

                var ago = unit.Text.TrimEnd('s') switch
                {
                    "day" => Periods.Day(reference.AddDays(-count)),
                    "week" => Periods.Week(reference.AddDays(-7L * count)),
                    "month" => MonthOf(reference.AddMonths(-count)),
                    "year" => Periods.Year(Year(reference.Year - (long)count)),
                    _ => null,
                };
                if (ago is not null)
                {
                    return ago;
                }
            }

            position = start;
        }

        return null;
    }

    /// <summary>
    /// "earlier this week/month/year" (from the period's start to the reference) and "later this
    /// week/month/year" (from the day after the reference to the period's end); "this" may be "in the".
    /// </summary>
    private FuzzyDate? EarlierOrLater()
    {
        if (Current is not { Kind: TokenKind.Word, Text: "earlier" or "later" } word ||
            Next is not { Kind: TokenKind.Word, Text: "this" or "in" })
        {
            return null;
        }

        var start = position;
        position += 2;
        _ = tokens[start + 1].Text == "in" && EatWord("the");
        var period = Current?.Text switch
        {
            "week" => Periods.Week(reference),
            "month" => MonthOf(reference),
            "quarter" => QuarterOf(reference),
            "year" => Periods.Year(reference.Year),
            "today" or "day" => Periods.Day(reference),
            _ => null,
        };
        if (period is null)
        {
            position = start;
            return null;
        }

        position++;
        if (word.Text == "earlier")
        {
            return Periods.Cut(period, period.Earliest, reference);
        }

        forward = true;
        if (period.Latest == reference && period.Precision != DatePrecision.Day)
        {
            throw Refuse($"nothing of that {tokens[position - 1].Text} is left after {FuzzyDateProto.FormatDay(reference)}, the reference date");
        }

        return period.Precision == DatePrecision.Day ? period : Periods.Cut(period, reference.AddDays(1), period.Latest);
    }

    /// <summary>
    /// A length of time from the reference: forward with "within" or "next"/"coming" ("within 30 days",
    /// "in the next three months", "the coming two weeks"), back with "past"/"last" ("in the past
    /// three months", "over the last two weeks", "the past week"). Null when the tokens are not one.
    /// </summary>
    private FuzzyDate? Duration(bool within)
    {
        var start = position;
        _ = EatWord("the");
        var step = within ? 1 : 0;
        if (Current is { Kind: TokenKind.Word, Text: "next" or "coming" or "following" })
        {
            step = 1;
            position++;
        }
        else if (Current is { Kind: TokenKind.Word, Text: "past" or "last" or "previous" })
        {
            step = -1;
            position++;
        }

        var count = Current is not null && NewsVocabulary.Count(Current) is { } n && Next is { Kind: TokenKind.Word } ? n : (int?)null;
        if (count is not null)
        {
            position++;
        }

        var unit = Current?.Kind == TokenKind.Word ? Current.Text.TrimEnd('s') : null;
        var isUnit = unit is "day" or "week" or "fortnight" or "month" or "year" or "hour" or "decade";

        // "the past week" is the last seven days, but "last week" the calendar week before this one:
        // without a number only "past" (and "within") make a length.
        var counted = count is not null || (isUnit && (within || (step == -1 && tokens[position - 1].Text == "past")));
        if (step == 0 || !isUnit || !counted || (count is null && !within && step == 1))
        {
            position = start;
            return null;
        }

        if (count is null && Current!.Text.EndsWith('s'))
        {
            // "within days", "over the past weeks": a plural with no number is no length.
            throw Refuse($"'{Current.Text}' gives no number, so how far from the reference date it lies cannot be known; write e.g. 'within 30 days' or 'in the past three months'");
        }

        position++;
        // In long arithmetic: "within 613566757 weeks" must be refused, not wrap round to a few days.
        long length = count ?? 1;
        CalendarDay Move(int sign) => unit switch
        {
            "day" => reference.AddDays(sign * length),
            "hour" => reference.AddDays(sign * ((length + 23) / 24)),
            "week" => reference.AddDays(sign * 7 * length),
            "fortnight" => reference.AddDays(sign * 14 * length),
            "month" => reference.AddMonths(sign * length),
            "year" => reference.AddYears(sign * length),
            _ => reference.AddYears(sign * 10 * length),
        };

        if (step > 0)
        {
            forward = true;
            return Periods.Days(reference, Move(1));
        }

        return Periods.Days(Move(-1), reference);
    }

    private FuzzyDate? RelativeUnit(int step)
    {
        if (Current is null)
        {
            return null;
        }

        if (NewsVocabulary.Weekday(Current) is { } weekday)
        {
            position++;
            return Periods.Day(step switch
            {
                < 0 => LatestWeekday(weekday, reference.AddDays(-1)),
                > 0 => FirstWeekday(weekday, reference.AddDays(1)),
                _ => direction == ReadDirection.Past ? LatestWeekday(weekday, reference) : FirstWeekday(weekday, reference),
            });
        }

        if (NewsVocabulary.Season(Current) is { } season)
        {
            position++;
            return RelativeSeason(season, step);
        }

        FuzzyDate? date = Current.Text switch
        {
            "week" => Periods.Week(reference.AddDays(7 * step)),
            "weekend" => Weekend(step),
            "month" => MonthOf(reference.AddMonths(step)),
            "year" => Periods.Year(reference.Year + step),
            "quarter" => QuarterOf(reference.AddMonths(3 * step)),
            "decade" => Periods.Decade(Periods.DecadeStart(reference.Year) + (10 * step)),
            _ => null,
        };
        if (date is not null)
        {
            position++;
        }

        return date;
    }

    /// <summary>"last autumn": the latest one over before the reference; "next spring": the first one begun after it; "this summer": as a season without a year.</summary>
    private FuzzyDate RelativeSeason(int season, int step)
    {
        if (step == 0)
        {
            return Anchor(y => Periods.SubYear(y, season));
        }

        var seasons = Enumerable.Range(reference.Year - 2, 5).Select(y => Periods.SubYear(y, season)).ToList();
        return (step < 0 ? seasons.LastOrDefault(c => c.Latest < reference) : seasons.FirstOrDefault(c => c.Earliest > reference))
            ?? throw Refuse("it cannot be placed near the reference date");
    }

    /// <summary>Saturday and Sunday: the last one before the reference (-1), the next one after it (+1), or "the weekend" read in the phrase's direction (0).</summary>
    private FuzzyDate Weekend(int step)
    {
        var saturday = step switch
        {
            < 0 => LatestWeekday(DayOfWeek.Sunday, reference.AddDays(-1)).AddDays(-1),
            > 0 => FirstWeekday(DayOfWeek.Saturday, reference.AddDays(1)),
            _ => direction == ReadDirection.Past
                ? LatestWeekday(DayOfWeek.Saturday, reference)
                : FirstWeekday(DayOfWeek.Sunday, reference).AddDays(-1),
        };
        return Periods.Between(Periods.Day(saturday), Periods.Day(saturday.AddDays(1)));
    }

    /// <summary>"last year", "this year", "next year" as a year number; null (reading nothing) otherwise.</summary>
    private int? RelativeYear()
    {
        if (Current is { Kind: TokenKind.Word, Text: "last" or "previous" or "this" or "current" or "next" or "coming" } word && Next is { Kind: TokenKind.Word, Text: "year" })
        {
            position += 2;
            return reference.Year + word.Text switch { "last" or "previous" => -1, "next" or "coming" => 1, _ => 0 };
        }

        return null;
    }

    /// <summary>
    /// Places a period given without its year: Past takes the latest one that has begun by the
    /// reference, Future the first one not over by it; the start of a range whose end is known,
    /// the latest one that begins by the end's start. Years where the day does not exist (29 February) are skipped.
    /// </summary>
    private FuzzyDate Anchor(Func<int, FuzzyDate> inYear)
    {
        anchored++;
        var limit = anchorBefore ?? reference;
        var past = anchorBefore is not null || direction == ReadDirection.Past;
        var step = past ? -1 : 1;
        for (int year = limit.Year, tries = 0; tries < 9; year += step, tries++)
        {
            FuzzyDate candidate;
            try
            {
                candidate = inYear(year);
                if (anchorShape is not null)
                {
                    candidate = anchorShape(candidate);
                    shaped = true;
                }
            }
            catch (ArgumentOutOfRangeException)
            {
                continue;
            }

            if (past ? candidate.Earliest <= limit : candidate.Latest >= limit)
            {
                return candidate;
            }
        }

        throw Refuse("it cannot be placed near the reference date");
    }

    private static FuzzyDate MonthOf(CalendarDay day) => Periods.Month(day.Year, day.Month);

    private static FuzzyDate QuarterOf(CalendarDay day) => Periods.Quarter(day.Year, ((day.Month - 1) / 3) + 1);

    private static CalendarDay LatestWeekday(DayOfWeek weekday, CalendarDay onOrBefore) =>
        onOrBefore.AddDays(-(((int)onOrBefore.DayOfWeek - (int)weekday + 7) % 7));

    private static CalendarDay FirstWeekday(DayOfWeek weekday, CalendarDay onOrAfter) =>
        onOrAfter.AddDays(((int)weekday - (int)onOrAfter.DayOfWeek + 7) % 7);
}
