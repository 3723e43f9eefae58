namespace Timeline.Domain.Dates;

/// <summary>What a token of a news phrase is.</summary>
internal enum TokenKind
{
    /// <summary>Letters, lower-cased: "late", "august", "q".</summary>
    Word,

    /// <summary>Digits: "2023", "14", "08" (Text keeps leading zeros).</summary>
    Number,

    /// <summary>Digits with an ordinal suffix: "19th", "3rd".</summary>
    Ordinal,

    /// <summary>Any other single character; dashes are all read as '-'.</summary>
    Symbol,
}

/// <summary>
/// One token. <paramref name="Glued"/> is true when no space precedes it, so "1990s" (1990 + glued
/// "s") differs from "1990 s"; <paramref name="Start"/> is its offset in the phrase.
/// </summary>
internal sealed record Token(TokenKind Kind, string Text, int Value, bool Glued, int Start)
{
    public bool Is(string text) => Kind is TokenKind.Word or TokenKind.Symbol && Text == text;
}

/// <summary>Splits a phrase into words, numbers and symbols; letters and digits split each other ("c1860" is "c", "1860").</summary>
internal static class NewsTokenizer
{
    public static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        var i = 0;
        var glued = true;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                glued = false;
                i++;
                continue;
            }

            var start = i;
            if (char.IsAsciiDigit(c))
            {
                while (i < text.Length && char.IsAsciiDigit(text[i]))
                {
                    i++;
                }

                var digits = text[start..i];
                var value = digits.Length <= 9 ? int.Parse(digits, System.Globalization.CultureInfo.InvariantCulture) : int.MaxValue;
                var suffix = OrdinalSuffix(text, i);
                if (suffix > 0)
                {
                    i += suffix;
                    tokens.Add(new Token(TokenKind.Ordinal, text[start..i].ToLowerInvariant(), value, glued, start));
                }
                else
                {
                    tokens.Add(new Token(TokenKind.Number, digits, value, glued, start));
                }
            }
            else if (char.IsLetter(c))
            {
                while (i < text.Length && char.IsLetter(text[i]))
                {
                    i++;
                }

                tokens.Add(new Token(TokenKind.Word, text[start..i].ToLowerInvariant(), 0, glued, start));
            }
            else
            {
                i++;
                var symbol = c is '–' or '—' or '‒' or '−' ? "-" : c.ToString();
                tokens.Add(new Token(TokenKind.Symbol, symbol, 0, glued, start));
            }

            glued = true;
        }

        return tokens;
    }

    /// <summary>The length of "st", "nd", "rd" or "th" right after a number, when it ends a word there.</summary>
    private static int OrdinalSuffix(string text, int at)
    {
        if (at + 2 > text.Length || (at + 2 < text.Length && char.IsLetter(text[at + 2])))
        {
            return 0;
        }

        return text.Substring(at, 2).ToLowerInvariant() is "st" or "nd" or "rd" or "th" ? 2 : 0;
    }
}
