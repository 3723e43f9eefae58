namespace Timeline.Domain.Dates;

/// <summary>
/// A date expression found in running text: where it is, its words, and how the reader reads it
/// looking back (an event) and forward (a deadline). When the reader refuses it both ways,
/// <see cref="Refusal"/> says why, quoting the words.
/// </summary>
public sealed record DateSpan(int Start, int Length, string Text, FuzzyDate? Past, FuzzyDate? Future, string? Refusal)
{
    public int End => Start + Length;

    /// <summary>The first word, lower case ("since", "by", "on"): what it says of the date's role.</summary>
    public string LeadWord { get; init; } = "";

    /// <summary>A year used as an adjective ("a 2015 ceasefire", "the 2012 coup attempt"): the date of what it names, not of its clause.</summary>
    public bool Attributive { get; init; }

    public FuzzyDate? In(ReadDirection direction) => direction == ReadDirection.Past ? Past : Future;
}

/// <summary>
/// Finds the date expressions of running text and reads each with the news date reader
/// (<see cref="NewsDates"/>), so extraction knows exactly the phrases the reader knows and no
/// others. The scanner only decides where a phrase may be: it looks for words that only a date has
/// (a capitalised month or weekday, a year, a season, a holiday, "yesterday", "weeks", "Q3"…),
/// extends left over the words a date phrase may start with ("since late", "by the end of", "on"),
/// and lets the reader say how far the phrase goes: the longest phrase it reads from the leftmost
/// start. Each span is then read again on its own, as the storage service will read it.
/// </summary>
public static partial class NewsDateScanner
{
    /// <summary>Words a date phrase may start with or carry before the word that makes it a date.</summary>
    private static readonly HashSet<string> LeadWords =
    [
        "since", "by", "until", "till", "in", "on", "during", "at", "over", "as", "of", "from", "between", "before", "after",
        "within", "following", "ahead", "prior", "to", "earlier", "later", "than", "the", "early", "mid", "middle", "late",
        "end", "start", "beginning", "last", "next", "this", "past", "previous", "current", "coming", "recent", "near",
        "few", "several", "couple", "a", "an", "around", "about", "circa", "c", "ca", "approximately", "roughly", "maybe",
        "possibly", "perhaps", "first", "second", "third", "fourth", "final", "half", "quarter", "and", "or", "year", "week",
        "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "good", "orthodox",
        "new", "islamic", "hijri", "boxing", "no", "not", "through", "throughout", "into", "all", "fiscal", "fy", "financial", "budget", "night",
        "morning", "afternoon", "evening", "hours", "small", "wee",
    ];

    /// <summary>Words that make a phrase a date on their own, whatever their case.</summary>
    private static readonly HashSet<string> UnitWords =
    [
        "yesterday", "today", "tomorrow", "weekend", "week", "weeks", "month", "months", "year", "years", "quarter", "decade",
        "decades", "fortnight", "day", "days", "hours", "century", "centuries", "future", "soon", "recently", "lately",
        "shortly", "eventually", "half", "overnight", "tonight", "night",
    ];

    /// <summary>Words after a year that make it a count, not an adjective ("a 2000 km border", "the 1500 strong force").</summary>
    private static readonly HashSet<string> CountNouns = ["km", "kilometres", "kilometers", "miles", "metres", "meters", "kg", "tonnes", "tons", "strong", "people", "men", "women", "children", "troops", "soldiers", "dollars", "euros", "percent", "per"];

    /// <summary>Words before a year used as an adjective ("a 2015 ceasefire").</summary>
    private static readonly HashSet<string> Articles = ["a", "an", "the", "its", "their", "his", "her", "this", "that"];

    /// <summary>Words before a lone year that make it a date ("in 2020" is read with its lead; "and 2021" after a date, "(2020)").</summary>
    private static readonly HashSet<string> ListWords = ["and", "or", ",", "(", "-", "/"];

    /// <summary>Words that may follow the date word inside a phrase: eras, "ago", "onwards", holiday names, hemispheres.</summary>
    private static readonly HashSet<string> TrailingWords = BuildTrailingWords();

    private const int MaxLeft = 8;
    private const int MaxRight = 14;

    /// <summary>Every date expression in <paramref name="text"/>, in order, none overlapping.</summary>
    public static IReadOnlyList<DateSpan> Scan(string text, CalendarDay reference)
    {
        ArgumentNullException.ThrowIfNull(text);
        var tokens = NewsTokenizer.Tokenize(text);
        var found = new List<DateSpan>();
        var taken = 0; // first token not yet inside a span
        var lastEndToken = -1;
        for (var core = 0; core < tokens.Count; core++)
        {
            if (core >= taken && Timestamp(text, tokens, core, reference) is { } stamp)
            {
                found.Add(stamp);
                taken = LastTokenEndingBy(tokens, stamp.End) + 1;
                lastEndToken = taken - 1;
                continue;
            }

            if (core < taken || !IsDateWord(text, tokens, core, reference))
            {
                continue;
            }

            var span = Match(text, tokens, core, Math.Max(taken, core - MaxLeft), reference);
            if (span is null)
            {
                continue;
            }

            var (first, last, reading) = span.Value;
            if (reading is { } ok && !LoneYearIsDate(text, tokens, first, last, lastEndToken))
            {
                continue;
            }

            if (reading is not null && SplitAtUntil(text, tokens, first, last, reference) is { } split)
            {
                found.Add(split.Before);
                reading = split.After;
            }

            var added = reading is not null && AttributiveYear(text, tokens, first, last) ? reading with { Attributive = true } : reading ?? Refused(text, tokens, first, core, reference);
            found.Add(added);
            last = Math.Max(last, LastTokenEndingBy(tokens, added.End));
            taken = last + 1;
            lastEndToken = last;
        }

        return found;
    }

    /// <summary>
    /// The span around the date word at <paramref name="core"/>: the leftmost start the reader reads
    /// a phrase from that covers it, and the longest phrase from there. Null when the words are no date;
    /// a span with no reading (the first and last token) when the reader refuses them as a date.
    /// </summary>
    private static (int First, int Last, DateSpan? Reading)? Match(string text, List<Token> tokens, int core, int leftLimit, CalendarDay reference)
    {
        var leftmost = core;
        while (leftmost > leftLimit && IsLeadToken(tokens[leftmost - 1]))
        {
            leftmost--;
        }

        var maxLast = core;
        while (maxLast + 1 < tokens.Count && maxLast < core + MaxRight && IsPhraseToken(tokens[maxLast + 1]))
        {
            maxLast++;
        }

        while (maxLast > core && tokens[maxLast] is { Kind: TokenKind.Symbol, Text: "," or "." or "-" or "/" or "(" })
        {
            maxLast--; // no phrase ends with a comma: "since 2023-08~, workers said" is "since 2023-08~"
        }

        for (var first = leftmost; first <= core; first++)
        {
            if (tokens[first].Kind == TokenKind.Symbol)
            {
                continue; // no phrase starts with a comma or a dash
            }

            for (var last = maxLast; last >= core; last--)
            {
                var window = text[tokens[first].Start..End(tokens[last])];
                var prefix = NewsDateReader.ReadPrefix(window, reference, ReadDirection.Past);
                if (prefix.RefusedAsDate)
                {
                    // Read forward, a phrase the past reading refuses may still be a due date.
                    prefix = NewsDateReader.ReadPrefix(window, reference, ReadDirection.Future);
                }

                if (prefix.RefusedAsDate && last == maxLast)
                {
                    // The widest phrase from here is a date the reader refuses ("until Friday (14 October)" in 2023):
                    // report it rather than read a shorter phrase inside it ("until Friday").
                    return (first, core, null);
                }

                if (!prefix.Read)
                {
                    continue;
                }

                var end = tokens[first].Start + prefix.Length;
                var lastRead = LastTokenEndingBy(tokens, end);
                while (lastRead > first && tokens[lastRead] is { Kind: TokenKind.Symbol, Text: "," or "." or "-" or "/" })
                {
                    lastRead--;
                }

                if (lastRead < core)
                {
                    break; // from here the reader reads a phrase that stops before the date word: start further right
                }

                var spanText = text[tokens[first].Start..End(tokens[lastRead])];
                var past = TryResolve(spanText, reference, ReadDirection.Past, out var pastRefusal);
                var future = TryResolve(spanText, reference, ReadDirection.Future, out var futureRefusal);
                var reading = new DateSpan(tokens[first].Start, spanText.Length, spanText, past, future, past is null && future is null ? pastRefusal ?? futureRefusal : null)
                {
                    LeadWord = tokens[first].Kind == TokenKind.Word ? tokens[first].Text : "",
                };
                return (first, lastRead, reading);
            }
        }

        return null;
    }

    /// <summary>
    /// "extended the mandate on Friday (13 October) until 30 June 2024": the reader reads "X until Y"
    /// as one range, but in running text a day of its own before "until", "till" or "through" and a
    /// phrase after it that reads alone are two dates, when it happened and until when. A range
    /// that needs its lead ("from March until June") does not read in halves and stays one.
    /// </summary>
    private static (DateSpan Before, DateSpan After)? SplitAtUntil(string text, List<Token> tokens, int first, int last, CalendarDay reference)
    {
        for (var k = first + 1; k < last; k++)
        {
            if (tokens[k] is not { Kind: TokenKind.Word, Text: "until" or "till" or "through" })
            {
                continue;
            }

            var beforeText = text[tokens[first].Start..End(tokens[k - 1])];
            var afterText = text[tokens[k].Start..End(tokens[last])];
            var before = (Past: TryResolve(beforeText, reference, ReadDirection.Past, out _), Future: TryResolve(beforeText, reference, ReadDirection.Future, out _));
            var after = (Past: TryResolve(afterText, reference, ReadDirection.Past, out _), Future: TryResolve(afterText, reference, ReadDirection.Future, out _));
            if ((before.Past ?? before.Future) is not null && (after.Past ?? after.Future) is not null && tokens[first].Text is not ("from" or "between"))
            {
                return (new DateSpan(tokens[first].Start, beforeText.Length, beforeText, before.Past, before.Future, null) { LeadWord = LeadOf(tokens[first]) },
                    new DateSpan(tokens[k].Start, afterText.Length, afterText, after.Past, after.Future, null) { LeadWord = tokens[k].Text });
            }
        }

        return null;
    }

    /// <summary>A date the reader refuses: the shortest phrase from its start that it refuses for a reason of its own, with that reason.</summary>
    private static DateSpan Refused(string text, List<Token> tokens, int first, int core, CalendarDay reference)
    {
        var maxLast = Math.Min(tokens.Count - 1, core + MaxRight);
        for (var last = core; last <= maxLast; last++)
        {
            var window = text[tokens[first].Start..End(tokens[last])];
            var prefix = NewsDateReader.ReadPrefix(window, reference, ReadDirection.Past);
            if (prefix.RefusedAsDate)
            {
                return new DateSpan(tokens[first].Start, window.Length, window, null, null, prefix.Refusal) { LeadWord = LeadOf(tokens[first]) };
            }
        }

        var words = text[tokens[first].Start..End(tokens[core])];
        return new DateSpan(tokens[first].Start, words.Length, words, null, null, $"'{words}' cannot be read as a date") { LeadWord = LeadOf(tokens[first]) };
    }

    /// <summary>
    /// "2020-05-01T23:30:00-04:00": a timestamp is one date, read as EDTF (its UTC day, docs/DATES.md) or refused
    /// with EDTF's reason (a shift no time zone uses); the tokens alone would read "2020-05-01" and drop the time.
    /// </summary>
    private static DateSpan? Timestamp(string text, List<Token> tokens, int core, CalendarDay reference)
    {
        if (tokens[core] is not { Kind: TokenKind.Number, Text.Length: 4 } token || TimestampPattern().Match(text, token.Start) is not { Success: true } match)
        {
            return null;
        }

        // With its lead word ("at 2020-05-01T…", "since …"), which says what the time is to its clause.
        var lead = core > 0 && tokens[core - 1] is { Kind: TokenKind.Word, Text: "at" or "on" or "since" or "by" or "until" or "before" or "after" } word ? word : null;
        var start = lead?.Start ?? token.Start;
        var stamp = text[start..(match.Index + match.Length)];
        var past = TryResolve(stamp, reference, ReadDirection.Past, out _);
        var future = TryResolve(stamp, reference, ReadDirection.Future, out _);
        _ = TryResolve(match.Value, reference, ReadDirection.Past, out var refusal); // the timestamp's own reason, not the lead word's
        return new DateSpan(start, stamp.Length, stamp, past, future, past is null && future is null ? refusal ?? $"'{stamp}' cannot be read as a date" : null)
        {
            LeadWord = lead?.Text ?? "",
        };
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\G-?\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?(?:[.,]\d+)?(?:Z|[+-]\d{2}(?::?\d{2})?)?(?![\w:])")]
    private static partial System.Text.RegularExpressions.Regex TimestampPattern();

    private static string LeadOf(Token token) => token.Kind == TokenKind.Word ? token.Text : "";

    private static FuzzyDate? TryResolve(string text, CalendarDay reference, ReadDirection direction, out string? refusal)
    {
        try
        {
            refusal = null;
            return NewsDates.Resolve(text, reference, direction);
        }
        catch (FuzzyDateException ex)
        {
            refusal = ex.Message;
            return null;
        }
    }

    /// <summary>
    /// A year with nothing of a date around it ("some 2000 troops", "resolution 2690") is a number:
    /// a lone year is a date only with a word before it that the reader took ("in 2020" is read whole),
    /// after another date in a list ("in 2020 and 2021"), in brackets, or opening a sentence before a comma.
    /// </summary>
    private static bool LoneYearIsDate(string text, List<Token> tokens, int first, int last, int previousEnd)
    {
        if (first == last - 1 && tokens[first] is { Kind: TokenKind.Word } article && Articles.Contains(article.Text) && tokens[last] is { Kind: TokenKind.Number, Text.Length: 4 } &&
            last + 1 < tokens.Count && tokens[last + 1] is { Kind: TokenKind.Word } count && (count.Text.EndsWith('s') || CountNouns.Contains(count.Text)))
        {
            return false; // "the 2000 troops", "a 2000 km border": a count
        }

        if (first != last || tokens[first].Kind != TokenKind.Number)
        {
            return true;
        }

        if (first == 0)
        {
            return last + 1 < tokens.Count && tokens[last + 1].Is(",");
        }

        var before = tokens[first - 1];
        if (before.Is("(") || AttributiveYear(text, tokens, first, last))
        {
            return true;
        }

        return ListWords.Contains(before.Text) && previousEnd >= 0 && previousEnd >= first - 2;
    }

    /// <summary>
    /// A lone year between an article and a noun ("a 2015 ceasefire", "the 2012 coup attempt", "its 2019 budget"): a date used
    /// as an adjective. Not before a plural or a unit, where it is a count ("the 2000 troops", "a 2000 km border").
    /// </summary>
    private static bool AttributiveYear(string text, List<Token> tokens, int first, int last)
    {
        if (tokens[last] is not { Kind: TokenKind.Number, Text.Length: 4 } || last + 1 >= tokens.Count)
        {
            return false;
        }

        // The article is the span's first word ("The 2012 coup attempt", read with "the") or the word before it.
        var article = first == last - 1 ? tokens[first] : first == last && first > 0 ? tokens[first - 1] : null;
        var next = tokens[last + 1];
        return article is { Kind: TokenKind.Word } && Articles.Contains(article.Text) &&
            next is { Kind: TokenKind.Word, Glued: false } && char.IsLower(text[next.Start]) && !next.Text.EndsWith('s') && !CountNouns.Contains(next.Text);
    }

    /// <summary>Whether the token at <paramref name="i"/> is a word only a date has (see the class summary for the guards).</summary>
    private static bool IsDateWord(string text, List<Token> tokens, int i, CalendarDay reference)
    {
        var token = tokens[i];
        var next = i + 1 < tokens.Count ? tokens[i + 1] : null;
        var previous = i > 0 ? tokens[i - 1] : null;
        if (token.Kind == TokenKind.Number)
        {
            // A year: four digits not far from the reference ("resolution 2690" is not), or any year with its era.
            var era = next is { Kind: TokenKind.Word, Text: "bc" or "bce" or "ad" or "ce" } || previous is { Kind: TokenKind.Word, Text: "ad" };
            return era || (token.Text.Length == 4 && token.Value >= 1000 && token.Value <= reference.Year + 100);
        }

        if (token.Kind != TokenKind.Word)
        {
            return false;
        }

        var capitalised = char.IsUpper(text[token.Start]);
        var nearNumber = next is { Kind: TokenKind.Number or TokenKind.Ordinal } || previous is { Kind: TokenKind.Number or TokenKind.Ordinal } || next is { Text: "." };
        if (NewsVocabulary.Month(token) is not null)
        {
            // "may" and "march" are verbs, "Mar" a name: a month is capitalised, and its short forms stand by a day or a year.
            var full = Array.Exists(NewsVocabulary.MonthNames, m => string.Equals(m, token.Text, StringComparison.OrdinalIgnoreCase));
            return capitalised && (full ? i > 0 || nearNumber : nearNumber);
        }

        if (NewsVocabulary.Weekday(token) is not null)
        {
            var full = Array.Exists(NewsVocabulary.WeekdayNames, d => string.Equals(d, token.Text, StringComparison.OrdinalIgnoreCase));
            return capitalised && (full || nearNumber);
        }

        if (NewsVocabulary.Season(token) is not null)
        {
            // "the fall of Kabul" is no season; "Arab Spring" is a name.
            if (capitalised && i > 0 && previous is { Kind: TokenKind.Word } && char.IsUpper(text[previous.Start]))
            {
                return false;
            }

            return token.Text != "fall" || previous is { Text: "last" or "next" or "this" or "early" or "late" or "mid" } ||
                (previous is { Text: "the" } && i > 1 && tokens[i - 2].Text == "in") || next is { Kind: TokenKind.Number, Text.Length: 4 };
        }

        if (token.Text is "q" or "h" && capitalised && next is { Kind: TokenKind.Number, Glued: true })
        {
            return true;
        }

        if (token.Text == "overnight")
        {
            // "rebels attacked the town overnight", "Overnight, …" — not "an overnight curfew".
            return previous is not { Kind: TokenKind.Word, Text: "a" or "an" or "the" } &&
                (next is null || next.Kind == TokenKind.Symbol || next.Text is "on" or "in" or "at" or "and" or "to" or "into" or "from" or "the" or "as" or "after" or "before" or "while" or "when" or "near" or "across");
        }

        if (UnitWords.Contains(token.Text))
        {
            return !(token.Text == "soon" && previous is { Text: "as" });
        }

        return capitalised && StartsHoliday(tokens, i);
    }

    private static bool StartsHoliday(List<Token> tokens, int i)
    {
        bool Starts(string[] words)
        {
            var at = i;
            foreach (var word in words)
            {
                while (at < tokens.Count && tokens[at] is { Kind: TokenKind.Symbol, Text: "-" or "'" or "’" } && at > i)
                {
                    at++;
                }

                if (at >= tokens.Count || tokens[at].Kind != TokenKind.Word || TextFolding.Fold(tokens[at].Text) != word)
                {
                    return false;
                }

                at++;
            }

            return true;
        }

        return Array.Exists(Holidays.Computable, h => h.Words.Any(Starts)) || Array.Exists(Holidays.NotComputed, h => Starts(h.Words));
    }

    /// <summary>Whether a token may continue a date phrase to the right ("… October 2023", "… to mid-2022", "… or earlier", "… ago").</summary>
    private static bool IsPhraseToken(Token token) => token.Kind switch
    {
        TokenKind.Number or TokenKind.Ordinal => true,
        TokenKind.Word => LeadWords.Contains(token.Text) || UnitWords.Contains(token.Text) || TrailingWords.Contains(token.Text) ||
            NewsVocabulary.Weekday(token) is not null || NewsVocabulary.Month(token) is not null || NewsVocabulary.Season(token) is not null,
        _ => token.Text is "(" or ")" or "-" or "," or "/" or "~" or "%" or "?" or "'" or "’" or ".",
    };

    private static bool IsLeadToken(Token token) => token.Kind switch
    {
        TokenKind.Number or TokenKind.Ordinal => true,
        TokenKind.Word => LeadWords.Contains(token.Text) || NewsVocabulary.Weekday(token) is not null || NewsVocabulary.Month(token) is not null,
        _ => token.Text is "(" or "," or "-" or "/" or "~" or "." or "'" or "’",
    };

    private static HashSet<string> BuildTrailingWords()
    {
        HashSet<string> words =
        [
            "ago", "onwards", "onward", "s", "bc", "bce", "ad", "ce", "hemisphere", "northern", "southern", "earlier", "later",
            "or", "and", "through", "until", "to", "q", "h", "year", "s", "eve", "hours", "guess", "approx", "morning", "afternoon", "evening",
            "night", "lunchtime", "midday", "date", "season", "campaign", "budget", "fiscal", "financial", "school", "academic", "crop", "marketing",
            "tax", "yesterday", "tomorrow", "today", "every", "each",
        ];
        foreach (var holiday in Holidays.Computable)
        {
            foreach (var name in holiday.Words)
            {
                words.UnionWith(name);
            }
        }

        return words;
    }

    private static int End(Token token) => token.Start + token.Text.Length;

    private static int LastTokenEndingBy(List<Token> tokens, int end)
    {
        var last = -1;
        for (var i = 0; i < tokens.Count && End(tokens[i]) <= end; i++)
        {
            last = i;
        }

        return last;
    }
}
