using System.Text;
using Timeline.Domain;
using Timeline.Domain.Validation;

namespace Timeline.Extraction;

/// <summary>A name the text writes with capitals: where it is, its words, its acronym when the text gives one ("… Muslims (GSIM)"), and whether it names a place.</summary>
public sealed record Name(int Start, int End, string Text, string? Acronym, bool Place, Country? Country)
{
    /// <summary>The short form the text uses for it: its acronym, else its own initials when they are an acronym the text also uses.</summary>
    public string Key => (Acronym ?? Text).ToUpperInvariant();

    public bool IsAcronym => Text.Length >= 2 && Text.All(c => char.IsUpper(c) || char.IsDigit(c));
}

/// <summary>
/// Names, actors and tags as the text gives them plainly: runs of capitalised words ("Abdoulaye Diop",
/// "Support Group for Islam and Muslims", "UN"), without the words that open a sentence ("While",
/// "Meanwhile") or a nationality before them ("Russian Wagner Group" is "Wagner Group"); a name after
/// "in", "at", "near", "from" or "to", or a country, is a place. Actors are names that are not places,
/// and the text's own phrases for groups ("rival armed groups", "the Malian army"): a group word after a word that describes it.
/// </summary>
public static class Names
{
    /// <summary>Capitalised words that are not names: sentence openers, function words, titles without a name.</summary>
    private static readonly HashSet<string> NotNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "the", "a", "an", "but", "and", "or", "while", "since", "in", "on", "at", "by", "for", "of", "to", "from", "as", "after", "before",
        "meanwhile", "however", "there", "this", "that", "these", "those", "it", "its", "they", "their", "he", "she", "his", "her", "we",
        "i", "when", "where", "which", "who", "also", "yet", "so", "if", "although", "though", "whereas", "because", "during", "until",
        "last", "next", "early", "late", "mid", "some", "many", "several", "both", "all", "one", "two", "three", "according", "earlier",
        "later", "today", "yesterday", "tomorrow", "with", "without", "among", "between", "such", "other", "more", "most", "no", "not",
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february", "march", "april", "may",
        "june", "july", "august", "september", "october", "november", "december", "christmas", "easter", "ramadan",
    };

    /// <summary>Lower-case words that may join capitalised ones inside a name ("Support Group for Islam and Muslims").</summary>
    private static readonly HashSet<string> Joiners = ["of", "for", "and", "al", "el", "de", "du", "la", "le", "des", "bin", "ibn"];

    private static readonly HashSet<string> PlaceWords = ["in", "at", "near", "from", "to", "towards", "into", "outside", "around", "across", "northern", "southern", "eastern", "western", "central", "north", "south", "east", "west"];

    /// <summary>Words for groups of people that act: an actor phrase ends with one of them ("rival armed groups", "Malian army").</summary>
    public static readonly IReadOnlyList<string> GroupWords =
    [
        "groups", "group", "army", "armies", "forces", "force", "soldiers", "troops", "militia", "militias", "mercenaries", "junta",
        "government", "ministry", "rebels", "separatists", "jihadists", "police", "peacekeepers", "mission", "council", "paramilitaries",
        "fighters", "insurgents", "authorities", "coalition", "parliament", "military",
    ];

    private static readonly HashSet<string> Groups = [.. GroupWords];

    /// <summary>Words that do not describe a group in an actor phrase (articles, numbers, prepositions, verbs).</summary>
    private static readonly HashSet<string> NotDescribing =
    [
        "the", "a", "an", "its", "their", "his", "her", "of", "in", "on", "at", "by", "for", "to", "from", "and", "or", "with", "that", "which",
        "who", "is", "are", "was", "were", "has", "have", "had", "be", "been", "between", "as", "than", "some", "many", "this", "these",
        "those", "there", "also", "said", "says", "take", "place", "about", "into", "while", "where",
    ];

    /// <summary>The capitalised names of a sentence, in order.</summary>
    public static List<Name> Find(string sentence)
    {
        var words = Words(sentence);
        var names = new List<Name>();
        for (var i = 0; i < words.Count; i++)
        {
            if (!IsCapitalised(words[i].Text))
            {
                continue;
            }

            var first = i;
            var last = i;
            while (last + 1 < words.Count && Continues(sentence, words, last))
            {
                last++;
                if (!IsCapitalised(words[last].Text))
                {
                    // a joiner is part of the name only when a capitalised word follows it
                    if (last + 1 < words.Count && IsCapitalised(words[last + 1].Text) && Adjacent(sentence, words[last], words[last + 1]))
                    {
                        continue;
                    }

                    last--;
                    break;
                }
            }

            i = last;

            // Drop openers ("While the United Nations" starts at "United") and nationalities before a name.
            while (first <= last && (NotNames.Contains(words[first].Text) || (first < last && IsNationality(words[first].Text))))
            {
                first++;
            }

            while (last >= first && (NotNames.Contains(words[last].Text) || Joiners.Contains(words[last].Text)))
            {
                last--;
            }

            if (first > last)
            {
                continue;
            }

            var text = sentence[words[first].Start..words[last].End];
            var followed = last + 1 < words.Count ? words[last + 1].Text : "";
            var single = first == last;
            var acronymOnly = single && text.Length >= 2 && text.All(char.IsUpper);
            if (single && words[first].Start == FirstLetter(sentence) && !acronymOnly && CountryCodes.ByName(text) is null)
            {
                continue; // a capital that only opens the sentence ("Mercenaries from …")
            }

            if (IsNationality(words[last].Text) && followed.Length > 0 && char.IsLower(followed[0]))
            {
                continue; // "Malian army", "West African country": a description, not a name
            }

            string? acronym = null;
            var open = words[last].End;
            while (open < sentence.Length && sentence[open] == ' ')
            {
                open++;
            }

            var close = open < sentence.Length && sentence[open] == '(' ? sentence.IndexOf(')', open) : -1;
            if (close > open + 2 && sentence[(open + 1)..close] is var inside && inside.All(c => char.IsUpper(c) || char.IsDigit(c)))
            {
                acronym = inside;
                while (i + 1 < words.Count && words[i + 1].Start < close)
                {
                    i++; // the acronym is this name, not another
                }
            }

            var country = CountryCodes.ByName(text);
            var before = first > 0 ? words[first - 1].Text.ToLowerInvariant() : "";
            var placeNoun = first > 1 && before == "of" && words[first - 2].Text.ToLowerInvariant() is "town" or "city" or "village" or "region" or "province" or "district" or "camp" or "port";
            var place = country is not null || PlaceWords.Contains(before) || placeNoun;
            names.Add(new Name(words[first].Start, words[last].End, text, acronym, place, country));
        }

        return names;
    }

    /// <summary>The text's phrases for groups that act ("rival armed groups", "the Malian army", "Russian paramilitary forces") inside [start, end).</summary>
    public static List<string> GroupPhrases(string sentence, int start, int end)
    {
        var words = Words(sentence).Where(w => w.Start >= start && w.End <= end).ToList();
        var phrases = new List<string>();
        for (var i = 1; i < words.Count; i++)
        {
            var word = words[i].Text;
            if (!Groups.Contains(word))
            {
                continue;
            }

            var next = i + 1 < words.Count ? words[i + 1].Text.ToLowerInvariant() : "";
            if (next.Length > 0 && !NotDescribing.Contains(next) && char.IsLetter(next[0]) && !sentence[words[i].End..words[i + 1].Start].Contains(','))
            {
                continue; // "army posts": the group word describes something else
            }

            var first = i;
            while (first > 0 && i - first < 3 && !NotDescribing.Contains(words[first - 1].Text.ToLowerInvariant()) && Adjacent(sentence, words[first - 1], words[first]))
            {
                first--;
            }

            if (first < i)
            {
                phrases.Add(sentence[words[first].Start..words[i].End]);
            }
        }

        return phrases;
    }

    /// <summary>A tag from a name: lower case, Latin accents removed, other characters as '-' ("Wagner Group" is "wagner-group").</summary>
    public static string Slug(string text, int maxLength = 64)
    {
        var slug = new StringBuilder(text.Length);
        foreach (var c in TextFolding.Fold(text))
        {
            if (char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c))
            {
                slug.Append(c);
            }
            else if (slug.Length > 0 && slug[^1] != '-')
            {
                slug.Append('-');
            }
        }

        var result = slug.ToString().Trim('-');
        return result.Length <= maxLength ? result : result[..maxLength].TrimEnd('-');
    }

    /// <summary>Whether two names are one: the same words, or one is the other's acronym ("UN" and "United Nations").</summary>
    public static bool Same(string a, string b)
    {
        if (string.Equals(a, b, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return string.Equals(Initials(a), b, StringComparison.Ordinal) || string.Equals(Initials(b), a, StringComparison.Ordinal);
    }

    /// <summary>"United Nations" → "UN"; "Support Group for Islam and Muslims" → "SGIM" (capitalised words only).</summary>
    public static string Initials(string name) =>
        string.Concat(name.Split(' ', '-').Where(w => w.Length > 0 && char.IsUpper(w[0])).Select(w => w[0]));

    internal static List<(string Text, int Start, int End)> Words(string text)
    {
        var words = new List<(string, int, int)>();
        var i = 0;
        while (i < text.Length)
        {
            if (!char.IsLetterOrDigit(text[i]))
            {
                i++;
                continue;
            }

            var start = i;
            while (i < text.Length && char.IsLetterOrDigit(text[i]))
            {
                i++;
            }

            words.Add((text[start..i], start, i));
        }

        return words;
    }

    private static bool IsCapitalised(string word) => word.Length > 0 && char.IsUpper(word[0]);

    /// <summary>"Malian", "Russian", "West African", "Tuareg"-like words that describe: a capitalised word ending as nationalities do.</summary>
    private static bool IsNationality(string word) =>
        word.Length > 3 && IsCapitalised(word) && !word.All(char.IsUpper) &&
        (word.EndsWith("ian", StringComparison.Ordinal) || word.EndsWith("ese", StringComparison.Ordinal) || word.EndsWith("ish", StringComparison.Ordinal) ||
         word.EndsWith("an", StringComparison.Ordinal) || word.EndsWith("ic", StringComparison.Ordinal));

    /// <summary>Whether the word after <paramref name="last"/> continues the name: capitalised or a joiner, with only a space or a hyphen between.</summary>
    private static bool Continues(string text, List<(string Text, int Start, int End)> words, int last)
    {
        var next = words[last + 1];
        if (!Adjacent(text, words[last], next))
        {
            return false;
        }

        return IsCapitalised(next.Text) || Joiners.Contains(next.Text);
    }

    private static bool Adjacent(string text, (string Text, int Start, int End) a, (string Text, int Start, int End) b)
    {
        var between = text[a.End..b.Start];
        return between is " " or "-" or "–";
    }

    private static int FirstLetter(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsLetterOrDigit(text[i]))
            {
                return i;
            }
        }

        return 0;
    }
}
