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
        else if (trimmed.Length > 10 && trimmed[10] == 'T' && !trimmed.Contains(' ', StringComparison.Ordinal) && char.IsAsciiDigit(trimmed[0]))
        {
            // A timestamp ("2020-05-01T23:30:00+15:00") is EDTF or nothing: say what EDTF refuses in it.
            date = Edtf.Parse(trimmed);
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
        if (EatSequence(["no", "later", "than"]) || EatSequence(["not", "later", "than"]))
        {
            date = Body(); // a limit keeps X's bounds, as "by X" does
        }
        else if (EatSequence(["no", "earlier", "than"]) || EatSequence(["not", "earlier", "than"]) || EatWords("not", "before"))
        {
            date = Periods.OnOrAfter(Body());
        }
        else if (EatWords("not", "after"))
        {
            date = Periods.OnOrBefore(Body());
        }
        else if (EatWord("between"))
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
                EatWord("on") || EatWord("during") || EatWord("at") || EatWord("over") || EatWords("as", "of") ||
                EatWord("throughout") || EatWords("all", "through") || EatWord("through") || EatWord("into");
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

    /// <summary>
    /// One date with its qualifiers. At the end of a range a trailing qualifier is left to the
    /// phrase, so it covers the whole range ("1868-1871?" is uncertain at both ends).
    /// </summary>
    private FuzzyDate Single(bool allowSuffix)
    {
        var (approximate, uncertain) = QualifierPrefixes();
        var date = PartOfDaySuffix(Core());
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
        return WireFamily()
            ?? Relative()
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
