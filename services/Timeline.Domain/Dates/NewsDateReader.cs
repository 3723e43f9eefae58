namespace Timeline.Domain.Dates;

/// <summary>
/// Reads a news phrase ("since late August", "Saturday (14 October)", "between Q3 2023 and
/// mid-2024") by recursive descent over <see cref="NewsTokenizer"/> tokens. A phrase with no year
/// is placed against the reference date: read <see cref="ReadDirection.Past"/>, the latest
/// matching period that has begun by the reference; <see cref="ReadDirection.Future"/>, the first
/// one not yet over. Anything not understood is refused, never guessed.
/// </summary>
internal sealed class NewsDateReader
{
    internal const string Hint =
        "write e.g. 'in 2020', 'since late 2021', 'late August', 'Saturday (14 October)', 'by 31 December', " +
        "'by the end of 2023', 'October 14, 2023', 'mid-2022', 'Q3 2023', 'summer 2023', 'the 1990s', " +
        "'last week', 'two weeks ago', 'between May and July 2023', 'around 1990', or an EDTF date like 2023-08~";

    private readonly string text;
    private readonly List<Token> tokens;
    private readonly DateOnly reference;
    private readonly ReadDirection direction;
    private int position;

    private NewsDateReader(string text, DateOnly reference, ReadDirection direction)
    {
        this.text = text;
        tokens = NewsTokenizer.Tokenize(text);
        this.reference = reference;
        this.direction = direction;
    }

    private Token? Current => position < tokens.Count ? tokens[position] : null;

    private Token? Next => position + 1 < tokens.Count ? tokens[position + 1] : null;

    public static FuzzyDate Read(string text, DateOnly reference, ReadDirection direction)
    {
        var trimmed = text.Trim();
        if (trimmed.Length == 0)
        {
            throw new FuzzyDateException("'' is not a date: it is empty", Hint);
        }

        var reader = new NewsDateReader(trimmed, reference, direction);
        reader.RefuseYearRangeCollision();
        if (Edtf.TryParse(trimmed, out var edtf))
        {
            return edtf!;
        }

        var date = reader.Phrase();
        if (reader.Current is { } extra)
        {
            throw reader.Refuse($"'{trimmed[extra.Start..]}' is not understood");
        }

        return date;
    }

    private FuzzyDate Phrase()
    {
        var (approximate, uncertain) = QualifierPrefixes();
        FuzzyDate date;
        if (EatWord("between"))
        {
            var from = Single(allowSuffix: true);
            Expect("and");
            date = Periods.Between(from, Single(allowSuffix: false));
        }
        else if (EatWord("from"))
        {
            var from = Single(allowSuffix: true);
            if (!EatRangeSeparator())
            {
                throw Refuse("'from' needs 'to', 'until' or 'through' and an end");
            }

            date = Periods.Between(from, Single(allowSuffix: false));
        }
        else if (EatWord("before") || EatWords("earlier", "than"))
        {
            date = Periods.OnOrBefore(Body());
        }
        else if (EatWord("after") || EatWords("later", "than"))
        {
            date = Periods.OnOrAfter(Body());
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

    /// <summary>A date, or a range "X - Y", "X to Y", "1851-52".</summary>
    private FuzzyDate Body()
    {
        var from = Single(allowSuffix: true);
        if (Current is { Kind: TokenKind.Symbol, Text: "-" } && Next is { Kind: TokenKind.Number, Text.Length: 2 } shortEnd && from.Precision == DatePrecision.Year && from.Part == DatePart.None)
        {
            position += 2;
            return Periods.Between(from, Periods.Year(ShortYearRangeEnd(from.Earliest.Year, shortEnd.Value)));
        }

        return EatRangeSeparator() ? Periods.Between(from, Single(allowSuffix: false)) : from;
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
            throw Refuse("a date is missing");
        }

        return Relative()
            ?? PartOfPeriod()
            ?? QuarterOrHalf()
            ?? SeasonDate()
            ?? WeekOf()
            ?? Century()
            ?? DayOrMonth()
            ?? YearOrDecade()
            ?? throw Refuse($"'{text[Current.Start..]}' is not a date this reader knows");
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
                    "week" => Periods.Week(reference.AddDays(-7 * count)),
                    "month" => MonthOf(reference.AddMonths(-count)),
                    "year" => Periods.Year(reference.Year - count),
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

        FuzzyDate? date = Current.Text switch
        {
            "week" => Periods.Week(reference.AddDays(7 * step)),
            "weekend" => Weekend(step),
            "month" => MonthOf(reference.AddMonths(step)),
            "year" => Periods.Year(reference.Year + step),
            "quarter" => QuarterOf(reference.AddMonths(3 * step)),
            _ => null,
        };
        if (date is not null)
        {
            position++;
        }

        return date;
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

    /// <summary>"late August", "mid-2022", "the end of 2023", "the beginning of October", "the early 1990s".</summary>
    private FuzzyDate? PartOfPeriod()
    {
        if (Current is null || NewsVocabulary.Part(Current) is not { } part)
        {
            return null;
        }

        var start = position;
        position++;
        _ = EatSymbol("-");
        _ = EatWord("of");
        _ = EatWord("the");
        if (Current is null)
        {
            position = start;
            return null;
        }

        if (NewsVocabulary.Month(Current) is { } month)
        {
            position++;
            _ = EatSymbol(".");
            var year = OptionalYear();
            return year is { } y ? Periods.WithPart(Periods.Month(y, month), part) : Anchor(y => Periods.WithPart(Periods.Month(y, month), part));
        }

        if (EatWord("year"))
        {
            return Anchor(y => Periods.WithPart(Periods.Year(y), part));
        }

        if (EatWord("month"))
        {
            return Periods.WithPart(MonthOf(reference), part);
        }

        if (YearOrDecade() is { } period)
        {
            return Periods.WithPart(period, part);
        }

        position = start;
        return null;
    }

    /// <summary>"Q3 2023", "the third quarter", "the second quarter of 2022", "H1 2023", "the first half of 2024".</summary>
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

                return Periods.SubYear(RequiredYear(), code);
            }

            return OptionalYear() is { } y ? Periods.SubYear(y, code) : Anchor(y => Periods.SubYear(y, code));
        }

        return null;
    }

    /// <summary>"summer 2023", "winter 2001/02", "spring 2001 (southern hemisphere)", "last summer" is not read.</summary>
    private FuzzyDate? SeasonDate()
    {
        if (Current is null || NewsVocabulary.Season(Current) is not { } season)
        {
            return null;
        }

        position++;
        var year = OptionalYear();
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

        Era();
        if (ordinal.Value is < 1 or > 100)
        {
            throw Refuse($"there is no {ordinal.Text} century in 0001–9999");
        }

        return Periods.Century((ordinal.Value - 1) * 100);
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
                    ? $"{date.Earliest:d MMMM yyyy} is a {date.Earliest.DayOfWeek}, not a {stated}"
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
            return day <= DateTime.DaysInMonth(year, month)
                ? Periods.Day(new DateOnly(year, month, day))
                : throw Refuse($"{NewsVocabulary.MonthNames[month - 1]} {year} has no day {day}");
        }

        if (day > DateTime.DaysInMonth(2000, month))
        {
            throw Refuse($"{NewsVocabulary.MonthNames[month - 1]} has no day {day}");
        }

        return Anchor(y => Periods.Day(new DateOnly(y, month, day)));
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
        if (month > 12 || day > DateTime.DaysInMonth(year, month))
        {
            throw Refuse($"{first.Text}/{second.Text}/{year} is not a calendar date");
        }

        return Periods.Day(new DateOnly(year, month, day));
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

            if (number.Value % 100 == 0)
            {
                throw Refuse($"'the {number.Text}s' could mean {number.Value}–{number.Value + 9} or {number.Value}–{number.Value + 99}; write '{number.Value}–{number.Value + 9}' or 'the {(number.Value / 100) + 1}th century'");
            }

            return Periods.Decade(number.Value);
        }

        return OptionalYear() is { } year ? Periods.Year(year) : null;
    }

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
        if (!eraFirst)
        {
            Era();
        }

        return number.Value is >= Periods.MinYear and <= Periods.MaxYear
            ? number.Value
            : throw Refuse($"year {number.Text} is outside 0001–9999");
    }

    private int RequiredYear() => OptionalYear() ?? throw Refuse("a year is missing");

    /// <summary>Consumes "AD"/"CE"; refuses "BC"/"BCE", which a calendar date (DateOnly) cannot hold.</summary>
    private void Era()
    {
        if (EatWord("ad") || EatWord("ce"))
        {
            return;
        }

        if (Current is { Kind: TokenKind.Word, Text: "bc" or "bce" })
        {
            throw Refuse("years before 1 CE are outside what a calendar date (DateOnly) can hold");
        }
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
    /// reference, Future the first one not over by it. Years where the day does not exist (29 February) are skipped.
    /// </summary>
    private FuzzyDate Anchor(Func<int, FuzzyDate> inYear)
    {
        var step = direction == ReadDirection.Past ? -1 : 1;
        for (int year = reference.Year, tries = 0; tries < 9; year += step, tries++)
        {
            FuzzyDate candidate;
            try
            {
                candidate = inYear(year);
            }
            catch (ArgumentOutOfRangeException)
            {
                continue;
            }

            if (direction == ReadDirection.Past ? candidate.Earliest <= reference : candidate.Latest >= reference)
            {
                return candidate;
            }
        }

        throw Refuse("it cannot be placed near the reference date");
    }

    private static FuzzyDate MonthOf(DateOnly day) => Periods.Month(day.Year, day.Month);

    private static FuzzyDate QuarterOf(DateOnly day) => Periods.Quarter(day.Year, ((day.Month - 1) / 3) + 1);

    private static DateOnly LatestWeekday(DayOfWeek weekday, DateOnly onOrBefore) =>
        onOrBefore.AddDays(-(((int)onOrBefore.DayOfWeek - (int)weekday + 7) % 7));

    private static DateOnly FirstWeekday(DayOfWeek weekday, DateOnly onOrAfter) =>
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
            throw Refuse(Current is null ? $"'{expected}' is missing at the end" : $"expected '{expected}' before '{text[Current.Start..]}'");
        }
    }

    private FuzzyDateException Refuse(string reason) => new($"'{text}' cannot be read as a date: {reason}", Hint);
}
