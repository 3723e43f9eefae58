namespace Timeline.Domain.Dates;

/// <summary>Qualifiers: the words that make a date approximate or uncertain ('around', 'about', 'possibly', a trailing '?').</summary>
internal sealed partial class NewsDateReader
{
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
}
