using System.Text;

namespace Timeline.Extraction;

/// <summary>One sentence of an article: its number (1-based, in reading order), its paragraph (1-based) and its words.</summary>
public sealed record Sentence(int Number, int Paragraph, string Text);

/// <summary>An article as extraction reads it: the headline (when it has one), its sentences, and the lines left out as page furniture.</summary>
public sealed record Article(string? Headline, IReadOnlyList<Sentence> Sentences, IReadOnlyList<string> LeftOut);

/// <summary>
/// Splits an article into paragraphs and sentences. A plain-text paragraph is a line, or lines run
/// together when they were wrapped (a long line that does not end a sentence continues on the next);
/// the first paragraph is the headline when it does not end like a sentence; a repeat of an earlier
/// paragraph and a short line that is no sentence ("CATEGORIES", "Share This") are left out.
/// </summary>
public static class ArticleText
{
    /// <summary>Lines of page furniture that are left out even when they end like a sentence.</summary>
    private static readonly HashSet<string> Furniture = new(StringComparer.OrdinalIgnoreCase)
    {
        "categories", "share this", "share", "tags", "related", "related articles", "advertisement", "read more", "subscribe",
        "sign up", "follow us", "print", "email", "comments", "newsletter", "menu", "skip to content", "share this article",
    };

    /// <summary>Words before a full stop that do not end a sentence ("Mr. Diop", "Gen. Goïta", "Oct. 14").</summary>
    private static readonly HashSet<string> Abbreviations = new(StringComparer.OrdinalIgnoreCase)
    {
        "mr", "mrs", "ms", "dr", "prof", "gen", "col", "lt", "sgt", "capt", "maj", "st", "jr", "sr", "inc", "ltd", "co", "corp", "vs",
        "etc", "no", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "c", "ca", "approx", "gov",
        "sen", "rep", "pres", "amb", "fig", "al",
    };

    /// <summary>A line at least this long that does not end a sentence was wrapped: it goes on in the next line.</summary>
    private const int WrappedLine = 60;

    /// <summary>The article in <paramref name="text"/>, plain text.</summary>
    public static Article FromPlainText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var paragraphs = new List<string>();
        var current = new StringBuilder();
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').Select(l => l.Trim()).ToList();
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            if (line.Length == 0)
            {
                Flush();
                continue;
            }

            if (current.Length > 0)
            {
                current.Append(' ');
            }

            current.Append(line);

            // A wrapped line runs on into the next (a long line, or one the next goes on in lower case);
            // a short line without a stop is a paragraph of its own (a heading, "Share This").
            var next = i + 1 < lines.Count ? lines[i + 1] : "";
            var runsOn = !EndsSentence(line) && next.Length > 0 && (line.Length >= WrappedLine || char.IsLower(next[0]));
            if (!runsOn)
            {
                Flush();
            }
        }

        Flush();
        return FromParagraphs(paragraphs);

        void Flush()
        {
            if (current.Length > 0)
            {
                paragraphs.Add(current.ToString());
                current.Clear();
            }
        }
    }

    /// <summary>The article made of these paragraphs (from HTML: one per block of text).</summary>
    public static Article FromParagraphs(IEnumerable<string> paragraphs)
    {
        ArgumentNullException.ThrowIfNull(paragraphs);
        string? headline = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var leftOut = new List<string>();
        var sentences = new List<Sentence>();
        var paragraph = 0;
        foreach (var raw in paragraphs)
        {
            var text = Normalize(raw);
            if (text.Length == 0)
            {
                continue;
            }

            if (!seen.Add(text))
            {
                continue; // the headline printed twice, a pull quote repeated
            }

            var words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
            if (headline is null && sentences.Count == 0 && leftOut.Count == 0 && !EndsSentence(text) && words <= 40)
            {
                headline = text;
                continue;
            }

            if (Furniture.Contains(text.TrimEnd('.', ':')) || (!EndsSentence(text) && words <= 6))
            {
                leftOut.Add(text);
                continue;
            }

            paragraph++;
            foreach (var sentence in SplitSentences(text))
            {
                sentences.Add(new Sentence(sentences.Count + 1, paragraph, sentence));
            }
        }

        return new Article(headline, sentences, leftOut);
    }

    /// <summary>
    /// The sentences of one paragraph: a '.', '!' or '?' (and any closing quote or bracket after it)
    /// ends one when a capital letter, a digit or an opening quote follows; not after an abbreviation
    /// or an initial ("Mr.", "Oct.", "J.").
    /// </summary>
    public static IReadOnlyList<string> SplitSentences(string paragraph)
    {
        ArgumentNullException.ThrowIfNull(paragraph);
        var sentences = new List<string>();
        var start = 0;
        for (var i = 0; i < paragraph.Length; i++)
        {
            if (paragraph[i] is not ('.' or '!' or '?'))
            {
                continue;
            }

            var end = i + 1;
            while (end < paragraph.Length && paragraph[end] is '"' or '”' or '’' or '\'' or ')' or ']')
            {
                end++;
            }

            if (end < paragraph.Length && !char.IsWhiteSpace(paragraph[end]))
            {
                continue; // "2.5", "U.N."
            }

            var next = end;
            while (next < paragraph.Length && char.IsWhiteSpace(paragraph[next]))
            {
                next++;
            }

            if (next < paragraph.Length && !(char.IsUpper(paragraph[next]) || char.IsDigit(paragraph[next]) || paragraph[next] is '"' or '“' or '‘' or '\'' or '('))
            {
                continue;
            }

            if (paragraph[i] == '.' && IsAbbreviation(paragraph, i))
            {
                continue;
            }

            Add(paragraph[start..end]);
            start = next;
            i = next - 1;
        }

        Add(paragraph[start..]);
        return sentences;

        void Add(string sentence)
        {
            var trimmed = sentence.Trim();
            if (trimmed.Length > 0)
            {
                sentences.Add(trimmed);
            }
        }
    }

    /// <summary>Whether a line ends as a sentence does: a stop, then perhaps closing quotes or brackets.</summary>
    public static bool EndsSentence(string line)
    {
        var end = line.TrimEnd().TrimEnd('"', '”', '’', '\'', ')', ']');
        return end.Length > 0 && end[^1] is '.' or '!' or '?';
    }

    private static bool IsAbbreviation(string text, int stop)
    {
        var start = stop;
        while (start > 0 && char.IsLetter(text[start - 1]))
        {
            start--;
        }

        var word = text[start..stop];
        var initial = word.Length == 1 && char.IsUpper(word[0]);
        var dotted = start > 0 && text[start - 1] == '.'; // "U.S."
        return initial || dotted || Abbreviations.Contains(word);
    }

    /// <summary>One line: runs of white space (non-breaking too) as one space.</summary>
    private static string Normalize(string text)
    {
        var result = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                if (result.Length > 0 && result[^1] != ' ')
                {
                    result.Append(' ');
                }
            }
            else
            {
                result.Append(c);
            }
        }

        return result.ToString().Trim();
    }
}
