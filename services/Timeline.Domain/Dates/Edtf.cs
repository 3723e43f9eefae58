namespace Timeline.Domain.Dates;

/// <summary>Extended Date/Time Format (ISO 8601-2): parse, bounds, canonical form.</summary>
public static class Edtf
{
    /// <summary>
    /// Parses an EDTF string into its day bounds, precision and canonical form: level 0
    /// (<c>2020</c>, <c>2023-08</c>, <c>2023-10-14</c>, <c>a/b</c>), level 1 (<c>~ ? %</c>,
    /// <c>201X</c>, seasons 21–24, open <c>..</c> and unknown interval ends) and the level-2
    /// features that still name one interval (qualified components, X anywhere, sub-year
    /// groupings 25–41, significant digits). Open and unknown ends are bounded by
    /// <see cref="CalendarDay.MinValue"/> and <see cref="CalendarDay.MaxValue"/>; the EDTF keeps which.
    /// </summary>
    /// <exception cref="FuzzyDateException">
    /// Not EDTF, or valid EDTF that cannot be one interval of days in years −9999–9999 (Y-prefixed
    /// years beyond them, sets); the message quotes the input and says why.
    /// </exception>
    public static FuzzyDate Parse(string edtf) => EdtfParser.Parse(edtf);

    /// <summary>Parses like <see cref="Parse"/>, returning false instead of throwing.</summary>
    public static bool TryParse(string edtf, out FuzzyDate? date)
    {
        if (!OpensLikeEdtf(edtf))
        {
            // Not worth a parse: the parser refuses it at its first characters, and a refusal costs an
            // exception (the news reader asks this of every phrase it reads, "on Saturday (14 October)").
            date = null;
            return false;
        }

        try
        {
            date = Parse(edtf);
            return true;
        }
        catch (FuzzyDateException)
        {
            date = null;
            return false;
        }
    }

    /// <summary>
    /// False only for text the parser refuses at once: its first date (after an open start "..") opens
    /// neither with 'Y' (a long year) nor with a four-digit year (0–9 or X), with an optional
    /// qualifier ('?', '~', '%') and sign before it. An interval with no start ("/2006") is left to the parser.
    /// </summary>
    private static bool OpensLikeEdtf(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var side = text.AsSpan();
        side = side.StartsWith("..", StringComparison.Ordinal) ? side[2..] : side;
        if (side.Length == 0 || side[0] is '/' or 'Y')
        {
            return true;
        }

        var i = side[0] is '?' or '~' or '%' ? 1 : 0;
        i += i < side.Length && side[i] == '-' ? 1 : 0;
        return side.Length - i >= 4 && side.Slice(i, 4).IndexOfAnyExcept("0123456789X") < 0;
    }
}
