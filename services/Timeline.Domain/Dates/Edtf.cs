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
}
