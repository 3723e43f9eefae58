namespace Timeline.Domain.Dates;

/// <summary>Dates as news writes them ("since late August", "by 31 December"), read against a reference date.</summary>
public static class NewsDates
{
    /// <summary>
    /// Resolves a phrase against <paramref name="reference"/> (the source's publication date).
    /// A phrase without a year is read in <paramref name="direction"/>: an event that happened
    /// is the latest matching period begun by the reference, a deadline the first one not yet over.
    /// "since X", "by X" and "until X" keep X's bounds. Valid EDTF is accepted as it is. The result
    /// keeps <paramref name="text"/> and <paramref name="reference"/>.
    /// </summary>
    /// <exception cref="FuzzyDateException">The phrase cannot be read without guessing; the message quotes it and says why.</exception>
    public static FuzzyDate Resolve(string text, CalendarDay reference, ReadDirection direction)
    {
        ArgumentNullException.ThrowIfNull(text);
        return NewsDateReader.Read(text, reference, direction) with { Text = text, Reference = reference };
    }
}
