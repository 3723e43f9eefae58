namespace Timeline.Domain.Dates;

/// <summary>
/// What the reader made of the start of a text: how many characters it read as one date, or why it
/// stopped. <paramref name="NotADate"/> is true when the words are no date at all ("in Mali"), as
/// opposed to a date the reader refuses ("in the coming weeks", "Friday (14 October)" in 2023);
/// <paramref name="Incomplete"/> when the words stop where the grammar needs more ("from 2019 levels",
/// "between Mali and Niger"), so a shorter phrase may still be a date.
/// </summary>
internal readonly record struct PrefixReading(int Length, string? Refusal, bool NotADate, bool Incomplete = false)
{
    /// <summary>A date refused for what it says, not for where the text around it stops.</summary>
    public bool RefusedAsDate => Refusal is not null && !NotADate && !Incomplete;

    public bool Read => Refusal is null;
}

/// <summary>The hook <see cref="NewsDateScanner"/> uses: the same grammar, read from the start of running text.</summary>
internal sealed partial class NewsDateReader
{
    /// <summary>Set when the reader found no date words where one should start, so the refusal is "not a date" rather than "a date refused".</summary>
    private bool noDateWords;

    /// <summary>Set when the grammar needed more words than the text has ("'from' needs 'to'").</summary>
    private bool incompletePhrase;

    /// <summary>
    /// Reads one date from the start of <paramref name="text"/> as far as the grammar goes (the
    /// longest phrase it reads greedily) and leaves the rest: "since late August, rival armed groups"
    /// reads "since late August". EDTF is accepted only as the whole text, as <see cref="Read"/> does.
    /// </summary>
    internal static PrefixReading ReadPrefix(string text, CalendarDay reference, ReadDirection direction)
    {
        // EDTF has no spaces and opens with a digit, a sign, X, Y or a bracket: only then is it worth a parse (a refusal costs an exception).
        var trimmed = text.TrimEnd();
        if (trimmed.Length > 0 && !trimmed.Contains(' ', StringComparison.Ordinal) && (char.IsAsciiDigit(trimmed[0]) || trimmed[0] is '-' or 'X' or 'Y' or '[' or '{' or '.') &&
            Edtf.TryParse(trimmed, out _))
        {
            return new PrefixReading(trimmed.Length, null, false);
        }

        var reader = new NewsDateReader(text, reference, direction);
        if (reader.tokens.Count == 0)
        {
            return new PrefixReading(0, "it is empty", true);
        }

        try
        {
            _ = reader.Phrase();
        }
        catch (FuzzyDateException ex)
        {
            return new PrefixReading(0, ex.Message, reader.noDateWords, reader.incompletePhrase);
        }
        catch (Exception ex) when (ex is ArgumentOutOfRangeException or OverflowException)
        {
            return new PrefixReading(0, "it reaches outside the calendar, which runs from -9999-01-01 to 9999-12-31", false);
        }

        if (reader.position == 0)
        {
            return new PrefixReading(0, "no date words", true);
        }

        var last = reader.tokens[reader.position - 1];
        return new PrefixReading(last.Start + last.Text.Length, null, false);
    }

    private FuzzyDateException NotADate(string reason)
    {
        noDateWords = true;
        return Refuse(reason);
    }

    private FuzzyDateException Incomplete(string reason)
    {
        incompletePhrase = true;
        return Refuse(reason);
    }
}
