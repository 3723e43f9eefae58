namespace Timeline.Domain.Dates;

/// <summary>Periods and seasons: parts of a period ('late August', 'the end of 2023'), quarters, thirds and halves, seasons, holidays, 'the week of', centuries.</summary>
internal sealed partial class NewsDateReader
{
    /// <summary>
    /// "late August", "mid-2022", "the end of 2023", "the beginning of October", "the early 1990s",
    /// "early last year", "mid-next month", "late this week", "late summer 2021", "by the end of the
    /// decade", "by month-end". For a deadline, "the start/beginning of X" is X's first day.
    /// </summary>
    private FuzzyDate? PartOfPeriod()
    {
        if (UnitEnd() is { } unitEnd)
        {
            return unitEnd;
        }

        if (Current is null || NewsVocabulary.Part(Current) is not { } part)
        {
            return null;
        }

        var start = position;
        var firstDay = direction == ReadDirection.Future && Current.Text is "start" or "beginning";
        position++;
        _ = EatSymbol("-");
        _ = EatWord("of");
        _ = EatWord("the");
        if (Current is null)
        {
            position = start;
            return null;
        }

        Func<FuzzyDate, FuzzyDate> shape = firstDay ? p => Periods.Day(p.Earliest) : p => Periods.WithPart(p, part);
        (anchorShape, shaped) = (shape, false);
        FuzzyDate? period;
        try
        {
            period = PeriodForPart();
        }
        finally
        {
            anchorShape = null;
        }

        if (period is null)
        {
            position = start;
            return null;
        }

        return shaped ? period : shape(period);
    }

    /// <summary>What "early", "mid", "late", "the start of", "the end of" apply to.</summary>
    private FuzzyDate? PeriodForPart()
    {
        if (NewsVocabulary.Month(Current!) is { } month)
        {
            position++;
            _ = EatSymbol(".");
            var year = OptionalYear();
            return year is { } y ? Periods.Month(y, month) : Anchor(y => Periods.Month(y, month));
        }

        if (EatWord("year"))
        {
            return Anchor(Periods.Year);
        }

        // "the month", "the week", "the quarter", "the decade": the current one, or its neighbour
        // when the part of the current one is already over (a deadline) or not yet begun (an event).
        Func<int, FuzzyDate>? unit = Current?.Text switch
        {
            "month" => step => MonthOf(reference.AddMonths(step)),
            "week" => step => Periods.Week(reference.AddDays(7 * step)),
            "quarter" => step => QuarterOf(reference.AddMonths(3 * step)),
            "decade" => step => Periods.Decade(Periods.DecadeStart(reference.Year) + (10 * step)),
            _ => null,
        };
        if (unit is not null)
        {
            position++;
            var shape = anchorShape!;
            shaped = true;
            var candidates = new[] { -1, 0, 1 }.Select(step => shape(unit(step))).ToList();
            return direction == ReadDirection.Past
                ? candidates.Last(c => c.Earliest <= reference || c == candidates[0])
                : candidates.First(c => c.Latest >= reference || c == candidates[^1]);
        }

        var start = position;
        if (Current is { Kind: TokenKind.Word, Text: "last" or "this" or "next" or "previous" or "current" or "coming" })
        {
            var outer = anchorShape;
            anchorShape = null;
            var relative = Relative();
            anchorShape = outer;
            if (relative is not null)
            {
                return relative;
            }
        }

        position = start;
        return SeasonDate() ?? QuarterOrHalf() ?? YearOrDecade();
    }

    /// <summary>"month-end", "year-end", "quarter-end" (and "end-month"): the last third of the current one, as "the end of the month".</summary>
    private FuzzyDate? UnitEnd()
    {
        if (Current is { Kind: TokenKind.Word, Text: "month" or "year" or "quarter" or "week" } unit &&
            Next is { Kind: TokenKind.Symbol, Text: "-" } && position + 2 < tokens.Count && tokens[position + 2] is { Kind: TokenKind.Word, Text: "end" })
        {
            position += 3;
            var period = unit.Text switch
            {
                "month" => MonthOf(reference),
                "quarter" => QuarterOf(reference),
                "week" => Periods.Week(reference),
                _ => Periods.Year(reference.Year),
            };
            return Periods.WithPart(period, DatePart.Late);
        }

        return null;
    }

    /// <summary>"Q3 2023", "the third quarter", "the second quarter of 2022", "H1 2023", "the first half of 2024", "the first half of next year".</summary>
    private FuzzyDate? QuarterOrHalf()
    {
        if (Current is { Kind: TokenKind.Word, Text: "q" or "h" } letter && Next is { Kind: TokenKind.Number, Glued: true } number)
        {
            var isQuarter = letter.Text == "q";
            if (number.Value < 1 || number.Value > (isQuarter ? 4 : 2))
            {
                throw Refuse($"there is no {letter.Text.ToUpperInvariant()}{number.Text}");
            }

            position += 2;
            var code = isQuarter ? 32 + number.Value : 39 + number.Value;
            return OptionalYear() is { } y ? Periods.SubYear(y, code) : Anchor(y => Periods.SubYear(y, code));
        }

        if (Current is not null && NewsVocabulary.Ordinal(Current) is { } ordinal && Next is { Kind: TokenKind.Word, Text: "quarter" or "half" } unit)
        {
            var isQuarter = unit.Text == "quarter";
            var count = isQuarter ? 4 : 2;
            var index = ordinal == -1 ? count : ordinal;
            if (index < 1 || index > count)
            {
                return null;
            }

            position += 2;
            var code = isQuarter ? 32 + index : 39 + index;
            if (EatWord("of"))
            {
                _ = EatWord("the");
                if (EatWord("year"))
                {
                    return Anchor(y => Periods.SubYear(y, code));
                }

                return Periods.SubYear(RelativeYear() ?? RequiredYear(), code);
            }

            return OptionalYear() is { } y ? Periods.SubYear(y, code) : Anchor(y => Periods.SubYear(y, code));
        }

        return null;
    }

    /// <summary>"summer 2023", "the autumn of 2019", "the summer of last year", "winter 2001/02", "spring 2001 (southern hemisphere)".</summary>
    private FuzzyDate? SeasonDate()
    {
        if (Current is null || NewsVocabulary.Season(Current) is not { } season)
        {
            return null;
        }

        position++;
        var beforeOf = position;
        int? year = null;
        if (EatWord("of"))
        {
            year = RelativeYear() ?? OptionalYear();
            if (year is null)
            {
                position = beforeOf;
            }
        }
        else
        {
            year = OptionalYear();
        }

        if (year is { } first && season == 24 && EatSymbol("/"))
        {
            var second = Current is { Kind: TokenKind.Number } n ? n : throw Refuse("'winter YYYY/YY' needs the second year");
            position++;
            if (second.Value % 100 != (first + 1) % 100)
            {
                throw Refuse($"winter {first}/{second.Text} does not span consecutive years");
            }
        }

        var code = season;
        if (EatSymbol("("))
        {
            var hemisphere = Current?.Text;
            position++;
            Expect("hemisphere");
            Expect(")");
            code = hemisphere switch
            {
                "northern" => season + 4,
                "southern" => season + 8,
                _ => throw Refuse("the hemisphere is 'northern' or 'southern'"),
            };
        }

        return year is { } y ? Periods.SubYear(y, code) : Anchor(y => Periods.SubYear(y, code));
    }

    /// <summary>
    /// "Christmas", "Christmas Eve 2023", "New Year's Day", "Easter", "Good Friday", "Orthodox Easter",
    /// "Ramadan 2024", "Eid al-Fitr", "Eid al-Adha" (also "Tabaski", "Korité"): computed (<see cref="Holidays"/>);
    /// without a year, placed against the reference. A holiday it cannot compute is refused by name.
    /// </summary>
    private FuzzyDate? HolidayDate()
    {
        var start = position;
        foreach (var holiday in Holidays.Computable)
        {
            if (holiday.Words.Any(EatSequence))
            {
                return OptionalYear() is { } year ? Holidays.InYear(holiday, year) : AnchorHoliday(holiday);
            }
        }

        foreach (var (words, why) in Holidays.NotComputed)
        {
            if (EatSequence(words))
            {
                throw Refuse($"'{text[tokens[start].Start..(tokens[position - 1].Start + tokens[position - 1].Text.Length)]}' is a holiday this reader does not compute: {why}; give its date instead");
            }
        }

        return null;
    }

    /// <summary>Words in order, allowing '-' and apostrophes between them ("al-Fitr", "New Year's"); reads nothing when they do not all match.</summary>
    private bool EatSequence(string[] words)
    {
        var start = position;
        foreach (var word in words)
        {
            while (Current is { Kind: TokenKind.Symbol, Text: "-" or "'" or "’" } && position > start)
            {
                position++;
            }

            if (Current is not { Kind: TokenKind.Word } token || TextFolding.Fold(token.Text) != word)
            {
                position = start;
                return false;
            }

            position++;
        }

        return true;
    }

    /// <summary>A holiday without a year: the latest occurrence begun by the reference (past) or the first not over (future).</summary>
    private FuzzyDate AnchorHoliday(Holidays.Holiday holiday)
    {
        anchored++;
        var limit = anchorBefore ?? reference;
        var past = anchorBefore is not null || direction == ReadDirection.Past;
        var candidates = new List<FuzzyDate>();
        for (var offset = -3; offset <= 3; offset++)
        {
            try
            {
                candidates.Add(Holidays.Occurrence(holiday, limit.Year, offset));
            }
            catch (Exception ex) when (ex is FuzzyDateException or ArgumentOutOfRangeException)
            {
            }
        }

        var found = past
            ? candidates.Where(c => c.Earliest <= limit).OrderBy(c => c.Earliest).LastOrDefault()
            : candidates.Where(c => c.Latest >= limit).OrderBy(c => c.Earliest).FirstOrDefault();
        return found ?? throw Refuse($"{holiday.Name} cannot be placed near the reference date {FuzzyDateProto.FormatDay(reference)}");
    }

    /// <summary>"week of Mon 9 Oct 2023": the ISO week containing that day.</summary>
    private FuzzyDate? WeekOf()
    {
        if (!EatWords("week", "of"))
        {
            return null;
        }

        var day = DayOrMonth() ?? throw Refuse("'week of' needs a day");
        return day.Precision == DatePrecision.Day ? Periods.Week(day.Earliest) : throw Refuse("'week of' needs a day, not a month");
    }

    /// <summary>"19th century", "19c", "15c.", "2nd century AD": EDTF 18XX, as python-edtf reads it.</summary>
    private FuzzyDate? Century()
    {
        if (Current is { Kind: TokenKind.Ordinal } ordinal && Next is { Kind: TokenKind.Word, Text: "century" or "centuries" })
        {
            position += 2;
        }
        else if (Current is { Kind: TokenKind.Number } number && Next is { Kind: TokenKind.Word, Text: "c", Glued: true })
        {
            ordinal = number;
            position += 2;
            _ = EatSymbol(".");
        }
        else
        {
            return null;
        }

        var bce = Era();
        if (ordinal.Value is < 1 or > 100)
        {
            throw Refuse($"there is no {ordinal.Text} century in years -9999 to 9999");
        }

        // The 2nd century BCE is 200 BCE to 101 BCE: astronomical years -199 to -100.
        return bce ? Periods.Century(1 - (ordinal.Value * 100)) : Periods.Century((ordinal.Value - 1) * 100);
    }
}
