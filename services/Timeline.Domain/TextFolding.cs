namespace Timeline.Domain;

/// <summary>
/// Latin letters without their accents ("Côte" is "cote", "Korité" is "korite"), for matching names
/// as people type them. The services run with invariant globalization, so accents are folded by
/// a table rather than by Unicode normalization.
/// </summary>
public static class TextFolding
{
    private const string Accented = "àáâãäåāăąçćčèéêëēėęěìíîïīįıñńňòóôõöøōőùúûüūůűųýÿžźżšśşřţ";

    private const string Plain = "aaaaaaaaaccceeeeeeeeiiiiiiinnnoooooooouuuuuuuuyyzzzsssrt";

    /// <summary>The lower-case letter without its accent.</summary>
    public static char Fold(char c)
    {
        var lower = char.ToLowerInvariant(c);
        var accent = Accented.IndexOf(lower, StringComparison.Ordinal);
        return accent >= 0 ? Plain[accent] : lower;
    }

    /// <summary>The text in lower case without accents.</summary>
    public static string Fold(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return string.Create(text.Length, text, (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                span[i] = Fold(source[i]);
            }
        });
    }
}
