namespace Timeline.Domain.Dates;

/// <summary>
/// Wire-service phrasing (issue 28): nights and parts of a day, ordinal weekdays, reporting
/// periods, "the month before last", split years and fiscal years (refused: whose fiscal calendar
/// is not in the words). Each is read to the days it can only mean, or refused with the reason.
/// </summary>
internal sealed partial class NewsDateReader
{
    /// <summary>Nouns a split year names ("the 2019/20 season", "the 2021-22 budget year"): each lies within its two calendar years.</summary>
    private static readonly string[][] SplitYearNouns =
    [
        ["season"], ["campaign"], ["budget", "year"], ["fiscal", "year"], ["financial", "year"], ["school", "year"], ["academic", "year"],
        ["crop", "year"], ["marketing", "year"], ["tax", "year"], ["year"],
    ];

    private FuzzyDate? WireFamily() =>
        FiscalYear() ?? NightOrPartOfDay() ?? OrdinalWeekday() ?? ReportingPeriod() ?? BeforeLast() ?? SplitYear();

    /// <summary>
    /// "fiscal 2026", "FY2026", "this fiscal year", "the financial year": refused, because the
    /// months of a fiscal year depend on whose it is. A split fiscal year ("fiscal year 2021-22",
    /// "FY2021/22") is read as its two calendar years, which hold it whoever's it is.
    /// </summary>
    private FuzzyDate? FiscalYear()
    {
        var start = position;
        _ = EatWord("this") || EatWord("next") || EatWord("last") || EatWord("current") || EatWord("previous") || EatWord("coming");
        var named = EatWord("fy") || (EatWord("fiscal") && (EatWord("year") || Current is { Kind: TokenKind.Number, Text.Length: 4 })) ||
            EatWords("financial", "year") || EatWords("budget", "year");
        if (!named)
        {
            position = start;
            return null;
        }

        if (SplitYear() is { } split)
        {
            return split;
        }

        if (Current is { Kind: TokenKind.Number, Text.Length: 4 })
        {
            position++;
        }

        throw Refuse("a fiscal year's months depend on whose it is (the US federal year begins in October, the UK's and India's in April, " +
            "Australia's in July), and the words do not say; write its months, e.g. 'from October 2025 to September 2026'");
    }

    /// <summary>
    /// "overnight" and "last night" (the night before the reference: two days), "tonight", "the night of
    /// 6 to 7 May", "the night of Friday" (that day and the next), "in the early hours of Monday",
    /// "the morning of 5 May" (that day).
    /// </summary>
    private FuzzyDate? NightOrPartOfDay()
    {
        if (EatWord("overnight") || EatWords("last", "night"))
        {
            return Periods.Days(reference.AddDays(-1), reference);
        }

        if (EatWord("tonight"))
        {
            return Periods.Days(reference, reference.AddDays(1));
        }

        var start = position;
        var night = Current is { Kind: TokenKind.Word, Text: "night" } && Next is { Kind: TokenKind.Word, Text: "of" };
        var dayPart = Current is { Kind: TokenKind.Word, Text: "morning" or "afternoon" or "evening" } && Next is { Kind: TokenKind.Word, Text: "of" };
        var earlyHours = Current is { Kind: TokenKind.Word, Text: "early" or "small" or "wee" } && Next is { Kind: TokenKind.Word, Text: "hours" };
        if (!night && !dayPart && !earlyHours)
        {
            return null;
        }

        position += 2;
        if (earlyHours && !EatWord("of"))
        {
            position = start;
            return null;
        }

        if (night && DayRange(allowAnd: true, allowMonthless: false) is { } nights)
        {
            return nights.Latest.DayNumber - nights.Earliest.DayNumber == 1
                ? nights
                : throw Refuse("a night runs from one day into the next, so its two days follow each other (e.g. 'the night of 6 to 7 May')");
        }

        var day = Relative() ?? DayOrMonth() ?? throw NotADate($"'{tokens[start].Text} {tokens[start + 1].Text}' needs a day after it, e.g. '{tokens[start].Text} {tokens[start + 1].Text} of 5 May'");
        if (day.Precision != DatePrecision.Day)
        {
            throw Refuse("a part of a day goes with a day, not a longer period");
        }

        return night ? Periods.Days(day.Earliest, day.Earliest.AddDays(1)) : day;
    }

    /// <summary>"Thursday evening", "yesterday morning" (that day); "Monday night" (that day and the next, as a night runs into it).</summary>
    private FuzzyDate PartOfDaySuffix(FuzzyDate date)
    {
        if (date.Precision != DatePrecision.Day || date.Earliest != date.Latest)
        {
            return date;
        }

        if (EatWord("morning") || EatWord("afternoon") || EatWord("evening") || EatWord("lunchtime") || EatWord("midday"))
        {
            return date;
        }

        return EatWord("night") ? Periods.Days(date.Earliest, date.Earliest.AddDays(1)) : date;
    }

    /// <summary>"the second Wednesday of June", "the last Monday of the month", "the first Friday in May 2024", "the third Sunday of next month".</summary>
    private FuzzyDate? OrdinalWeekday()
    {
        if (Current is null || Next is null || NewsVocabulary.Weekday(Next) is not { } weekday ||
            (Current.Text == "fifth" ? 5 : NewsVocabulary.Ordinal(Current)) is not { } nth || tokens.Count <= position + 2 ||
            tokens[position + 2] is not { Kind: TokenKind.Word, Text: "of" or "in" })
        {
            return null;
        }

        var start = position;
        position += 3;
        FuzzyDate Shape(FuzzyDate month, bool anchoring = false)
        {
            var first = month.Earliest;
            var day = nth < 0
                ? LatestWeekday(weekday, month.Latest)
                : FirstWeekday(weekday, first).AddDays(7L * (nth - 1));
            if (nth is 0 or < -1 or > 5 || day > month.Latest)
            {
                // Placing a yearless month, a year without that day is skipped (Anchor skips years out of range).
                throw anchoring
                    ? new ArgumentOutOfRangeException(nameof(month))
                    : Refuse($"{NewsVocabulary.MonthNames[first.Month - 1]} {FuzzyDateDisplay.Year(first.Year)} has no {tokens[start].Text} {weekday}");
            }

            return Periods.Day(day);
        }

        if (EatWord("every") || EatWord("each"))
        {
            throw Refuse("it recurs every month, and a chronology entry is one date; give the month, e.g. 'the first Monday of June'");
        }

        _ = EatWord("the");
        var step = EatWord("this") ? 0 : EatWord("next") ? 1 : EatWord("last") ? -1 : (int?)null;
        if (EatWord("month"))
        {
            return Shape(MonthOf(reference.AddMonths(step ?? 0)));
        }

        if (step is null && Current is not null && NewsVocabulary.Month(Current) is { } month)
        {
            position++;
            _ = EatSymbol(",");
            return (OptionalYear() ?? RelativeYear()) is { } year ? Shape(Periods.Month(year, month)) : Anchor(y => Shape(Periods.Month(y, month), anchoring: true));
        }

        throw NotADate($"'{tokens[start].Text} {tokens[start + 1].Text}' needs a month after it, e.g. 'of June' or 'of the month'");
    }

    /// <summary>
    /// "the 12 months to June" (July to June), "the three months to 30 September", "the year to March",
    /// "year to date", "month to date", "the first eight months (of 2023)", "the April-June quarter".
    /// </summary>
    private FuzzyDate? ReportingPeriod()
    {
        var start = position;
        if (Current is { Kind: TokenKind.Word, Text: "year" or "month" } unitToDate && Next is { Kind: TokenKind.Word, Text: "to" } &&
            tokens.Count > position + 2 && tokens[position + 2] is { Kind: TokenKind.Word, Text: "date" })
        {
            position += 3;
            var period = unitToDate.Text == "year" ? Periods.Year(reference.Year) : MonthOf(reference);
            return Periods.Cut(period, period.Earliest, reference);
        }

        // "the 12 months to June": a count of months (or "the year", "the quarter") ending with a month or a day.
        int? months = null;
        if (Current is { Kind: TokenKind.Word, Text: "year" or "quarter" } single && Next is { Kind: TokenKind.Word, Text: "to" or "ending" or "ended" or "through" })
        {
            months = single.Text == "year" ? 12 : 3;
            position++;
        }
        else if (Current is not null && NewsVocabulary.Count(Current) is { } count && count is > 0 and <= 120 && Next is { Kind: TokenKind.Word, Text: "months" or "month" or "quarters" } unit &&
            tokens.Count > position + 2 && tokens[position + 2] is { Kind: TokenKind.Word, Text: "to" or "ending" or "ended" or "through" })
        {
            months = unit.Text == "quarters" ? count * 3 : count;
            position += 2;
        }

        if (months is { } length)
        {
            position++;
            _ = EatWord("the");
            if (DayOrMonth() is not { } end)
            {
                position = start; // "the year to come": no date
                return null;
            }

            var first = end.Precision == DatePrecision.Day
                ? end.Earliest.AddMonths(-length).AddDays(1)
                : end.Earliest.AddMonths(1 - length);
            return end.Precision is DatePrecision.Day or DatePrecision.Month
                ? Periods.Days(first, end.Latest)
                : throw Refuse("a reporting period ends with a month or a day");
        }

        // "the first eight months (of 2023 / of the year / of this year)".
        if (Current is { Kind: TokenKind.Word, Text: "first" } && Next is not null && NewsVocabulary.Count(Next) is { } firstMonths && firstMonths is >= 1 and <= 12 &&
            tokens.Count > position + 2 && tokens[position + 2] is { Kind: TokenKind.Word, Text: "months" or "month" })
        {
            position += 3;
            FuzzyDate Months(int year) => Periods.Days(new CalendarDay(year, 1, 1), Periods.Month(year, firstMonths).Latest);

            // Without a year, the months reported on: the latest ones over by the reference (past), else this year's.
            FuzzyDate Placed() => direction == ReadDirection.Past
                ? Months(Months(reference.Year).Latest <= reference ? reference.Year : Year(reference.Year - 1L))
                : Months(Months(reference.Year).Latest >= reference ? reference.Year : Year(reference.Year + 1L));
            if (EatWord("of") || EatWord("in"))
            {
                _ = EatWord("the");
                if (EatWord("year"))
                {
                    return Placed();
                }

                return (OptionalYear() ?? RelativeYear()) is { } year ? Months(year) : throw Refuse("'the first months of' needs a year, e.g. 'of 2023' or 'of this year'");
            }

            return Placed();
        }

        // "the April-June quarter", "the July to September quarter 2023".
        if (Current is not null && NewsVocabulary.Month(Current) is { } from && Next is { Text: "-" or "to" } && tokens.Count > position + 3 &&
            NewsVocabulary.Month(tokens[position + 2]) is { } to &&
            (tokens[position + 3].Is("quarter") || (tokens.Count > position + 4 && tokens[position + 3].Kind == TokenKind.Number && tokens[position + 4].Is("quarter"))))
        {
            position += 3;
            var year = OptionalYear();
            if (!EatWord("quarter"))
            {
                position = start;
                return null;
            }

            if (year is null && (EatWord("of") || Current is { Kind: TokenKind.Number }))
            {
                year = RequiredYear(); // "the July-September quarter of 2022"
            }

            if (to - from != 2)
            {
                throw Refuse("a quarter is three months, e.g. 'the April-June quarter'");
            }

            FuzzyDate Quarter(int y) => Periods.Between(Periods.Month(y, from), Periods.Month(y, to));
            return year is { } y ? Quarter(y) : Anchor(Quarter);
        }

        position = start;
        return null;
    }

    /// <summary>"the month before last", "the week before last", "the year before last", "the day before yesterday", "the day after tomorrow", "the week after next".</summary>
    private FuzzyDate? BeforeLast()
    {
        if (Current is not { Kind: TokenKind.Word, Text: "day" or "week" or "month" or "year" } unit || Next is not { Kind: TokenKind.Word, Text: "before" or "after" } word ||
            tokens.Count <= position + 2 || tokens[position + 2] is not { Kind: TokenKind.Word } last)
        {
            return null;
        }

        var step = (unit.Text, word.Text, last.Text) switch
        {
            ("day", "before", "yesterday") or (not "day", "before", "last") => -2,
            ("day", "after", "tomorrow") or (not "day", "after", "next") => 2,
            _ => 0,
        };
        if (step == 0)
        {
            return null;
        }

        position += 3;
        return unit.Text switch
        {
            "day" => Periods.Day(reference.AddDays(step)),
            "week" => Periods.Week(reference.AddDays(7 * step)),
            "month" => MonthOf(reference.AddMonths(step)),
            _ => Periods.Year(Year(reference.Year + (long)step)),
        };
    }

    /// <summary>"2019/20", "2019/2020", "the 2021-22 budget year", "the 2019/20 season": both calendar years, which hold it whatever its months.</summary>
    private FuzzyDate? SplitYear()
    {
        if (Current is not { Kind: TokenKind.Number, Text.Length: 4 } first || Next is not { Kind: TokenKind.Symbol, Text: "/" or "-", Glued: true } separator ||
            tokens.Count <= position + 2 || tokens[position + 2] is not { Kind: TokenKind.Number, Glued: true } second || second.Text.Length is not (2 or 4))
        {
            return null;
        }

        var noun = tokens.Count > position + 3 && SplitYearNouns.Any(n => tokens[position + 3].Is(n[0]));
        if (separator.Text == "-" && !noun && !(position > 0 && tokens[position - 1] is { Text: "fy" or "year" }))
        {
            return null; // "1851-52" on its own is a range of years, read by Body
        }

        var end = second.Text.Length == 4 ? second.Value : (first.Value / 100 * 100) + second.Value;
        if (end != first.Value + 1)
        {
            if (separator.Text == "/" && second.Text.Length == 4)
            {
                return null;
            }

            throw Refuse($"a split year runs into the next year ({first.Text}/{(first.Value + 1) % 100:D2}), not into {end}");
        }

        position += 3;
        foreach (var words in SplitYearNouns)
        {
            if (EatSequence(words))
            {
                break;
            }
        }

        return Periods.Between(Periods.Year(Year(first.Value)), Periods.Year(Year(end)));
    }
}
