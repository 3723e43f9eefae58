namespace Timeline.Domain.Dates;

/// <summary>Calendar forms: days, months, years and decades as written ('14 October', 'October 14, 2023', '12/10/2023', '1990s', 'BC'), day and year ranges, and an EDTF rest.</summary>
internal sealed partial class NewsDateReader
{
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
                date = (OptionalYear() ?? RelativeYear()) is { } y ? Periods.Month(y, named) : Anchor(y => Periods.Month(y, named));
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
        if ((OptionalYear() ?? RelativeYear()) is { } year)
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
}
