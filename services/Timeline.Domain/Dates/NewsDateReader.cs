namespace Timeline.Domain.Dates;

/// <summary>
/// Reads a news phrase ("since late August", "Saturday (14 October)", "between Q3 2023 and
/// mid-2024") by recursive descent over <see cref="NewsTokenizer"/> tokens. A phrase with no year
/// is placed against the reference date: read <see cref="ReadDirection.Past"/>, the latest
/// matching period that has begun by the reference; <see cref="ReadDirection.Future"/>, the first
/// one not yet over. Anything not understood is refused, never guessed.
/// </summary>
internal sealed partial class NewsDateReader
{
    internal const string Hint =
        "write e.g. 'in 2020', 'since late 2021', 'late August', 'Saturday (14 October)', 'by 31 December', " +
        "'by the end of 2023', 'October 14, 2023', 'mid-2022', 'Q3 2023', 'summer 2023', 'the 1990s', " +
        "'last week', 'two weeks ago', 'between May and July 2023', 'June 12-15', 'last autumn', 'earlier this month', " +
        "'within 30 days', 'before Christmas', 'around 1990', or an EDTF date like 2023-08~ (docs/DATES.md lists every form)";

    private readonly string text;
    private readonly List<Token> tokens;
    private readonly CalendarDay reference;
    private readonly ReadDirection direction;
    private int position;

    /// <summary>How many times <see cref="Anchor"/> placed a period without a year, so a range knows whether its start had one.</summary>
    private int anchored;

    /// <summary>While re-reading the start of a range against its end: the start is the latest such period beginning by this day.</summary>
    private CalendarDay? anchorBefore;

    /// <summary>While reading what a part applies to: the part, applied to each candidate <see cref="Anchor"/> tries ("early October" as a deadline is next year's once this year's is over).</summary>
    private Func<FuzzyDate, FuzzyDate>? anchorShape;

    /// <summary>Whether <see cref="Anchor"/> applied <see cref="anchorShape"/> already.</summary>
    private bool shaped;

    /// <summary>Set by phrases that look forward from the reference ("within 30 days", "later this month"): an event read from them is not cut at the reference.</summary>
    private bool forward;

    private NewsDateReader(string text, CalendarDay reference, ReadDirection direction)
    {
        this.text = text;
        tokens = NewsTokenizer.Tokenize(text);
        this.reference = reference;
        this.direction = direction;
    }

    private Token? Current => position < tokens.Count ? tokens[position] : null;

    private Token? Next => position + 1 < tokens.Count ? tokens[position + 1] : null;

    public static FuzzyDate Read(string text, CalendarDay reference, ReadDirection direction)
    {
        var trimmed = text.Trim();
        if (trimmed.Length == 0)
        {
            throw new FuzzyDateException("'' is not a date: it is empty", Hint);
        }

        var reader = new NewsDateReader(trimmed, reference, direction);
        reader.RefuseYearRangeCollision();
        FuzzyDate date;
        if (Edtf.TryParse(trimmed, out var edtf))
        {
            date = edtf!;
        }
        else
        {
            try
            {
                date = reader.Phrase();
            }
            catch (FuzzyDateException ex) when (!ex.Message.StartsWith($"'{trimmed}'", StringComparison.Ordinal))
            {
                // A rule below the reader (a range that runs backwards, a holiday outside its calendar) quotes no text: quote it here.
                throw reader.Refuse(ex.Message);
            }
            catch (Exception ex) when (ex is ArgumentOutOfRangeException or OverflowException)
            {
                // Last line of defence (CalendarEdgeTests searches for what reaches it): a refusal, never an unknown error.
                throw reader.Refuse("it reaches outside the calendar, which runs from -9999-01-01 to 9999-12-31");
            }

            if (reader.Current is { } extra)
            {
                throw reader.Refuse($"'{trimmed[extra.Start..]}' is not understood");
            }
        }

        // A past event ends no later than the day it was reported (ARCHITECTURE §4); a deadline is not cut.
        return direction == ReadDirection.Past && !reader.forward && date.Earliest <= reference && date.Latest > reference
            ? Periods.Cut(date, date.Earliest, reference)
            : date;
    }

    private FuzzyDate Phrase()
    {
        var (approximate, uncertain) = QualifierPrefixes();
        FuzzyDate date;
        if (EatWord("between"))
        {
            date = DayRange(allowAnd: true, allowMonthless: true) ?? RangeFrom(() =>
            {
                Expect("and");
                return true;
            });
        }
        else if (EatWord("from"))
        {
            date = DayRange(allowAnd: false, allowMonthless: true) ?? RangeFrom(() =>
                EatRangeSeparator() ? true : throw Incomplete("'from' needs 'to', 'until' or 'through' and an end"));
        }
        else if (EatWord("before") || EatWords("earlier", "than") || EatWords("ahead", "of") || EatWords("prior", "to"))
        {
            // "before X" ends the day before X begins; "after X" starts the day after X ends (ARCHITECTURE §4).
            date = Periods.Before(Body());
        }
        else if (EatWord("after") || EatWords("later", "than") || EatWord("following"))
        {
            date = Periods.After(Body());
        }
        else if (EatWord("within"))
        {
            date = Duration(within: true) ?? throw Incomplete("'within' needs a length of time from the reference date, e.g. 'within 30 days', 'within six weeks', 'within a year'");
        }
        else
        {
            // "since X", "by X", "until X" keep X's bounds: the words say which end of an event X dates.
            _ = EatWord("since") || EatWord("by") || EatWord("until") || EatWord("till") || EatWord("in") ||
                EatWord("on") || EatWord("during") || EatWord("at") || EatWord("over") || EatWords("as", "of");
            date = RestAsEdtf() ?? Body();
        }

        var suffix = QualifierSuffixes();
        date = Periods.Qualify(date, approximate || suffix.Approximate, uncertain || suffix.Uncertain);
        if (EatWords("or", "earlier") || EatWords("or", "before") || EatWords("and", "earlier"))
        {
            date = Periods.OnOrBefore(date);
        }
        else if (EatWords("or", "later") || EatWords("or", "after") || EatWords("and", "later") || EatWord("onwards") || EatWord("onward"))
        {
            date = Periods.OnOrAfter(date);
        }

        var trailing = QualifierSuffixes();
        return Periods.Qualify(date, trailing.Approximate, trailing.Uncertain);
    }

    /// <summary>A date, or a range "X - Y", "X to Y", "1851-52", "12-15 June", "June 12-15".</summary>
    private FuzzyDate Body()
    {
        if (DayRange(allowAnd: false, allowMonthless: false) is { } days)
        {
            return days;
        }

        var start = position;
        var anchoredBefore = anchored;
        var from = Single(allowSuffix: true);
        if (Current is { Kind: TokenKind.Symbol, Text: "-" } && Next is { Kind: TokenKind.Number, Text.Length: 2 } shortEnd && from.Precision == DatePrecision.Year && from.Part == DatePart.None)
        {
            position += 2;
            return Periods.Between(from, Periods.Year(ShortYearRangeEnd(from.Earliest.Year, shortEnd.Value)));
        }

        return EatRangeSeparator() ? RangeEnd(start, anchoredBefore, from) : from;
    }

    /// <summary>"X and Y", "X to Y" after "between"/"from": <paramref name="separator"/> eats what joins them.</summary>
    private FuzzyDate RangeFrom(Func<bool> separator)
    {
        var start = position;
        var anchoredBefore = anchored;
        var from = Single(allowSuffix: true);
        separator();
        return RangeEnd(start, anchoredBefore, from);
    }

    /// <summary>
    /// The end of a range, and its start again when the start had no year: a year written after the
    /// second month applies to both ("from March to June 2019", "from November to December 2023"
    /// written in October 2023), so the start is the latest such period that begins by the end's start.
    /// </summary>
    private FuzzyDate RangeEnd(int start, int anchoredBefore, FuzzyDate from)
    {
        var startAnchored = anchored > anchoredBefore;
        var to = Single(allowSuffix: false);
        if (startAnchored)
        {
            var end = position;
            position = start;
            anchorBefore = to.Earliest;
            try
            {
                from = Single(allowSuffix: true);
            }
            finally
            {
                anchorBefore = null;
            }

            position = end;
        }

        return Periods.Between(from, to);
    }

    /// <summary>
    /// Days inside one month: "12-15 June", "12 to 15 June 2019", "June 12-15", "June 12 to 15, 2019",
    /// "the 2nd to the 5th of June" and, after "between"/"from", "12 and 15 June" and "the 2nd to the 5th"
    /// (of the month placed against the reference). Null, reading nothing, when the tokens are not one.
    /// </summary>
    private FuzzyDate? DayRange(bool allowAnd, bool allowMonthless)
    {
        var start = position;
        int? month = null;
        if (Current is not null && NewsVocabulary.Month(Current) is { } leading && Next is { Kind: TokenKind.Number or TokenKind.Ordinal })
        {
            month = leading;
            position++;
        }

        _ = EatWord("the");
        var first = DayNumber();
        var ordinalFirst = position > start && tokens[position - 1].Kind == TokenKind.Ordinal;
        if (first is null || !(EatSymbol("-") || EatWord("to") || EatWord("through") || EatWord("until") || EatWord("till") || (allowAnd && EatWord("and"))))
        {
            position = start;
            return null;
        }

        _ = EatWord("the");
        var last = DayNumber();
        if (last is null)
        {
            position = start;
            return null;
        }

        if (month is null)
        {
            _ = EatWord("of");
            if (Current is not null && NewsVocabulary.Month(Current) is { } trailing)
            {
                month = trailing;
                position++;
                _ = EatSymbol(".");
            }
            else if (!allowMonthless || !ordinalFirst)
            {
                position = start;
                return null;
            }
        }

        _ = EatSymbol(",");
        if (last < first)
        {
            throw Refuse($"the days {first} to {last} run backwards");
        }

        if (month is { } m)
        {
            if (last > CalendarDay.DaysInMonth(2000, m))
            {
                throw Refuse($"{NewsVocabulary.MonthNames[m - 1]} has no day {last}");
            }

            FuzzyDate InYear(int y) => last > CalendarDay.DaysInMonth(y, m)
                ? throw new ArgumentOutOfRangeException(nameof(y))
                : Periods.Days(new CalendarDay(y, m, first.Value), new CalendarDay(y, m, last.Value));
            return OptionalYear() is { } year
                ? last <= CalendarDay.DaysInMonth(year, m) ? InYear(year) : throw Refuse($"{NewsVocabulary.MonthNames[m - 1]} {year} has no day {last}")
                : Anchor(InYear);
        }

        // "from the 2nd to the 5th": in the month placed against the reference, read in the phrase's direction.
        var step = direction == ReadDirection.Past ? -1 : 1;
        var monthStart = new CalendarDay(reference.Year, reference.Month, 1);
        for (var tries = 0; tries < 13; tries++, monthStart = monthStart.AddMonths(step))
        {
            if (last > CalendarDay.DaysInMonth(monthStart.Year, monthStart.Month))
            {
                continue;
            }

            var candidate = Periods.Days(monthStart.AddDays(first.Value - 1), monthStart.AddDays(last.Value - 1));
            if (direction == ReadDirection.Past ? candidate.Earliest <= reference : candidate.Latest >= reference)
            {
                return candidate;
            }
        }

        throw Refuse("it cannot be placed near the reference date");
    }

    /// <summary>A day of the month, 1–31, written "12" or "12th"; null (reading nothing) otherwise.</summary>
    private int? DayNumber()
    {
        if (Current is { Kind: TokenKind.Number or TokenKind.Ordinal, Value: >= 1 and <= 31 } day && (day.Kind == TokenKind.Ordinal || day.Text.Length <= 2))
        {
            position++;
            return day.Value;
        }

        return null;
    }

    /// <summary>
    /// One date with its qualifiers. At the end of a range a trailing qualifier is left to the
    /// phrase, so it covers the whole range ("1868-1871?" is uncertain at both ends).
    /// </summary>
    private FuzzyDate Single(bool allowSuffix)
    {
        var (approximate, uncertain) = QualifierPrefixes();
        var date = Core();
        if (allowSuffix)
        {
            var suffix = QualifierSuffixes();
            approximate |= suffix.Approximate;
            uncertain |= suffix.Uncertain;
        }

        return Periods.Qualify(date, approximate, uncertain);
    }

    private FuzzyDate Core()
    {
        _ = EatWord("the");
        if (Current is null)
        {
            throw NotADate("a date is missing");
        }

        RefuseVague();
        return Relative()
            ?? PartOfPeriod()
            ?? QuarterOrHalf()
            ?? SeasonDate()
            ?? HolidayDate()
            ?? WeekOf()
            ?? Century()
            ?? DayOrMonth()
            ?? YearOrDecade()
            ?? throw NotADate(Current is null ? "a date is missing" : $"'{text[Current.Start..]}' is not a date this reader knows");
    }

    /// <summary>Words that name no period ("soon", "recently", "in the coming weeks"): refused with that reason, never guessed.</summary>
    private void RefuseVague()
    {
        if (Current is { Kind: TokenKind.Word, Text: "a" } && Next is { Kind: TokenKind.Word, Text: "few" or "couple" })
        {
            position++;
        }

        var word = Current!.Text;
        if (Current.Kind == TokenKind.Word && word is "soon" or "recently" or "lately" or "shortly" or "eventually" or "previously" or "formerly" or "someday" or "sometime")
        {
            throw Refuse($"'{word}' names no period of time, so it cannot be placed without guessing");
        }

        if (Current.Kind == TokenKind.Word && word is "coming" or "recent" or "few" or "couple" or "several" or "some" or "many" or "near" &&
            Next is { Kind: TokenKind.Word } unit && unit.Text.TrimEnd('s') is "day" or "week" or "month" or "year" or "future" or "time" or "while")
        {
            throw Refuse($"'{word} {unit.Text}' gives no number, so how far from the reference date it lies cannot be known; write e.g. 'within 30 days' or 'in the past three months'");
        }
    }

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
            throw Refuse($"nothing of that {tokens[position - 1].Text} is left after {Periods.FormatDay(reference)}, the reference date");
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
        return found ?? throw Refuse($"{holiday.Name} cannot be placed near the reference date {Periods.FormatDay(reference)}");
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

    /// <summary>
    /// "14 October", "Saturday (14 October)", "Sat 14 Oct 2023", "October 14, 2023", "August",
    /// "August 2023", "7/2008", "on Saturday". A stated weekday must agree with the day.
    /// </summary>
    private FuzzyDate? DayOrMonth()
    {
        var start = position;
        DayOfWeek? weekday = null;
        if (Current is not null && NewsVocabulary.Weekday(Current) is { } w)
        {
            weekday = w;
            position++;
            _ = EatSymbol(".");
            _ = EatSymbol(",");
        }

        var parenthesised = weekday is not null && EatSymbol("(");
        FuzzyDate? date = null;
        if (Current is { Kind: TokenKind.Number or TokenKind.Ordinal, Value: >= 1 and <= 31 } dayNumber && Next is not null && NewsVocabulary.Month(Next) is { } month)
        {
            position += 2;
            _ = EatSymbol(".");
            _ = EatSymbol(",");
            date = DayIn(month, dayNumber.Value);
        }
        else if (Current is not null && NewsVocabulary.Month(Current) is { } named)
        {
            position++;
            _ = EatSymbol(".");
            if (Current is { Kind: TokenKind.Number or TokenKind.Ordinal, Value: >= 1 and <= 31 } day && (day.Kind == TokenKind.Ordinal || day.Text.Length <= 2) &&
                Next is not { Kind: TokenKind.Word, Text: "ad" or "ce" or "bc" or "bce" })
            {
                position++;
                _ = EatSymbol(",");
                date = DayIn(named, day.Value);
            }
            else
            {
                _ = EatSymbol(",");
                date = OptionalYear() is { } y ? Periods.Month(y, named) : Anchor(y => Periods.Month(y, named));
            }
        }
        else if (weekday is null && Current is { Kind: TokenKind.Number, Value: >= 1 and <= 31 } first && Next is { Kind: TokenKind.Symbol, Text: "/" })
        {
            date = NumericDate(first);
        }

        if (parenthesised)
        {
            Expect(")");
        }

        if (weekday is { } stated)
        {
            if (date is null)
            {
                return Periods.Day(direction == ReadDirection.Past ? LatestWeekday(stated, reference) : FirstWeekday(stated, reference));
            }

            if (date.Precision != DatePrecision.Day || date.Earliest.DayOfWeek != stated)
            {
                throw Refuse(date.Precision == DatePrecision.Day
                    ? $"{date.Earliest.Day} {NewsVocabulary.MonthNames[date.Earliest.Month - 1]} {FuzzyDateDisplay.Year(date.Earliest.Year)} is a {date.Earliest.DayOfWeek}, not a {stated}"
                    : "a weekday goes with a day, not a month");
            }
        }

        if (date is null)
        {
            position = start;
        }

        return date;
    }

    private FuzzyDate DayIn(int month, int day)
    {
        if (OptionalYear() is { } year)
        {
            return day <= CalendarDay.DaysInMonth(year, month)
                ? Periods.Day(new CalendarDay(year, month, day))
                : throw Refuse($"{NewsVocabulary.MonthNames[month - 1]} {year} has no day {day}");
        }

        if (day > CalendarDay.DaysInMonth(2000, month))
        {
            throw Refuse($"{NewsVocabulary.MonthNames[month - 1]} has no day {day}");
        }

        return Anchor(y => Periods.Day(new CalendarDay(y, month, day)));
    }

    /// <summary>"7/2008" (month/year); "14/10/2023" or "10/14/2023" when only one order is a date; "10/7/2008" is refused.</summary>
    private FuzzyDate NumericDate(Token first)
    {
        position += 2;
        if (Current is { Kind: TokenKind.Number, Text.Length: 4 } yearOnly)
        {
            position++;
            return first.Value <= 12 ? Periods.Month(yearOnly.Value, first.Value) : throw Refuse($"there is no month {first.Value}");
        }

        var second = Current is { Kind: TokenKind.Number } n ? n : throw Refuse("a numeric date is d/m/yyyy");
        position++;
        Expect("/");
        var year = RequiredYear();
        var (day, month) = (first.Value, second.Value) switch
        {
            ( <= 12, <= 12) when first.Value != second.Value =>
                throw Refuse($"{first.Text}/{second.Text}/{year} could be day/month or month/day; write the month as a word"),
            ( > 12, _) => (first.Value, second.Value),
            _ => (second.Value, first.Value),
        };
        if (month > 12 || day > CalendarDay.DaysInMonth(year, month))
        {
            throw Refuse($"{first.Text}/{second.Text}/{year} is not a calendar date");
        }

        return Periods.Day(new CalendarDay(year, month, day));
    }

    /// <summary>A year ("2020", "127 CE", "the year 1800") or a decade ("1990s").</summary>
    private FuzzyDate? YearOrDecade()
    {
        _ = EatWord("year");
        if (Current is not { Kind: TokenKind.Number } number)
        {
            return Current is { Kind: TokenKind.Word, Text: "ad" or "ce" } && Next is { Kind: TokenKind.Number } ? Periods.Year(RequiredYear()) : null;
        }

        if (Next is { Kind: TokenKind.Word, Text: "s", Glued: true })
        {
            position += 2;
            if (number.Value % 10 != 0 || number.Text.Length != 4)
            {
                throw Refuse($"'{number.Text}s' is not a decade; write e.g. 'the 1990s'");
            }

            // "the early/late 2000s" is a part of the decade 2000–2009 (its century reading, 2000–2099, has
            // no late part yet); "the 2000s", "the 1900s" or "the late 1800s" may mean a century.
            if (number.Value % 100 == 0 && !(number.Value == 2000 && anchorShape is not null))
            {
                var century = (number.Value / 100) + 1;
                throw Refuse($"'the {number.Text}s' could mean {number.Value}–{number.Value + 9} or {number.Value}–{number.Value + 99}; write '{number.Value}–{number.Value + 9}' or 'the {century}{OrdinalSuffix(century)} century'");
            }

            return Periods.Decade(number.Value);
        }

        return OptionalYear() is { } year ? Periods.Year(year) : null;
    }

    /// <summary>A year computed from the reference, refused when it leaves the calendar.</summary>
    private static int Year(long year) => year is >= Periods.MinYear and <= Periods.MaxYear
        ? (int)year
        : throw new FuzzyDateException($"year {year} is outside the calendar, which runs from -9999 to 9999", "give a date in years -9999 to 9999");

    private static string OrdinalSuffix(int n) => (n % 100) is 11 or 12 or 13 ? "th" : (n % 10) switch { 1 => "st", 2 => "nd", 3 => "rd", _ => "th" };

    /// <summary>A four-digit year, or a shorter one with its era ("127 CE", "AD 1066"); null when none follows.</summary>
    private int? OptionalYear()
    {
        var eraFirst = Current is { Kind: TokenKind.Word, Text: "ad" or "ce" } && Next is { Kind: TokenKind.Number };
        if (eraFirst)
        {
            position++;
        }

        if (Current is not { Kind: TokenKind.Number } number || (number.Text.Length == 2 && Next is { Kind: TokenKind.Symbol, Text: "/" }))
        {
            return null;
        }

        var hasEra = eraFirst || Next is { Kind: TokenKind.Word, Text: "ad" or "ce" or "bc" or "bce" };
        if (number.Text.Length != 4 && !hasEra)
        {
            return null;
        }

        position++;
        var bce = !eraFirst && Era();

        // "44 BCE" is the astronomical (EDTF) year -43; 1 BCE is year 0.
        var year = bce ? 1 - (long)number.Value : number.Value;
        return year is >= Periods.MinYear and <= Periods.MaxYear && !(bce && number.Value == 0)
            ? (int)year
            : throw Refuse($"year {number.Text}{(bce ? " BCE" : "")} is outside the calendar, which runs from 10000 BCE (-9999) to 9999");
    }

    private int RequiredYear() => OptionalYear() ?? throw Incomplete("a year is missing");

    /// <summary>Consumes "AD"/"CE" (false) or "BC"/"BCE" (true, a year counted back from 1 BCE).</summary>
    private bool Era()
    {
        if (EatWord("ad") || EatWord("ce"))
        {
            return false;
        }

        return EatWord("bc") || EatWord("bce");
    }

    /// <summary>"1851-52" ends in 1852: the end keeps the start's century and must come after it.</summary>
    private int ShortYearRangeEnd(int startYear, int twoDigits)
    {
        var end = (startYear / 100 * 100) + twoDigits;
        return end > startYear ? end : throw Refuse($"{startYear}-{twoDigits:D2} does not end after it starts");
    }

    /// <summary>"1910-30" is EDTF (a season code) and also prose for 1910–1930: refuse rather than pick one.</summary>
    private void RefuseYearRangeCollision()
    {
        if (tokens is [{ Kind: TokenKind.Number, Text.Length: 4 } year, { Kind: TokenKind.Symbol, Text: "-", Glued: true }, { Kind: TokenKind.Number, Text.Length: 2, Glued: true } code] &&
            code.Value is >= 21 and <= 41 && code.Value > year.Value % 100)
        {
            throw Refuse($"'{text}' could be the EDTF sub-year grouping {code.Text} of {year.Text} or the years {year.Text}–{(year.Value / 100 * 100) + code.Value}; write '{year.Text} to {(year.Value / 100 * 100) + code.Value}' or a season name");
        }
    }

    /// <summary>What follows a lead word, when it is EDTF on its own ("since 2023-08~").</summary>
    private FuzzyDate? RestAsEdtf()
    {
        if (Current is null || position == 0)
        {
            return null;
        }

        if (Edtf.TryParse(text[Current.Start..], out var date))
        {
            position = tokens.Count;
            return date;
        }

        return null;
    }

    private (bool Approximate, bool Uncertain) QualifierPrefixes()
    {
        var (approximate, uncertain) = (false, false);
        while (Current is { } token)
        {
            if (token.Is("~") || token.Kind == TokenKind.Word && token.Text is "circa" or "about" or "around" or "approximately" or "roughly")
            {
                position++;
                approximate = true;
            }
            else if (token.Kind == TokenKind.Word && token.Text is "c" or "ca" or "approx" && Next is not { Kind: TokenKind.Word, Glued: true })
            {
                position++;
                _ = EatSymbol(".");
                approximate = true;
            }
            else if (token.Kind == TokenKind.Word && token.Text is "maybe" or "possibly" or "perhaps" or "uncertain")
            {
                position++;
                _ = EatSymbol(":");
                uncertain = true;
            }
            else
            {
                break;
            }
        }

        return (approximate, uncertain);
    }

    private (bool Approximate, bool Uncertain) QualifierSuffixes()
    {
        var (approximate, uncertain) = (false, false);
        while (Current is { } token)
        {
            if (token.Is("?") || token.Kind == TokenKind.Word && token.Text is "maybe" or "guess")
            {
                uncertain = true;
            }
            else if (token.Is("~") || token.Kind == TokenKind.Word && token.Text is "approx" or "approximately")
            {
                approximate = true;
            }
            else if (token.Is("%"))
            {
                (approximate, uncertain) = (true, true);
            }
            else
            {
                break;
            }

            position++;
            _ = token.Text == "approx" && EatSymbol(".");
        }

        return (approximate, uncertain);
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

    private bool EatRangeSeparator() => EatSymbol("-") || EatWord("to") || EatWord("through") || EatWord("until") || EatWord("till");

    private bool EatWord(string word)
    {
        if (Current is { Kind: TokenKind.Word } token && token.Text == word)
        {
            position++;
            return true;
        }

        return false;
    }

    private bool EatWords(string first, string second)
    {
        if (Current is { Kind: TokenKind.Word } a && a.Text == first && Next is { Kind: TokenKind.Word } b && b.Text == second)
        {
            position += 2;
            return true;
        }

        return false;
    }

    private bool EatSymbol(string symbol)
    {
        if (Current is { Kind: TokenKind.Symbol } token && token.Text == symbol)
        {
            position++;
            return true;
        }

        return false;
    }

    private void Expect(string expected)
    {
        if (!EatWord(expected) && !EatSymbol(expected))
        {
            throw Incomplete(Current is null ? $"'{expected}' is missing at the end" : $"expected '{expected}' before '{text[Current.Start..]}'");
        }
    }

    private FuzzyDateException Refuse(string reason) => new($"'{text}' cannot be read as a date: {reason}", Hint);
}
