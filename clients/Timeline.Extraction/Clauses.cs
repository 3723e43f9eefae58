namespace Timeline.Extraction;

/// <summary>What a clause is to its sentence.</summary>
public enum ClauseKind
{
    Main,

    /// <summary>Opened by "while", "as", "although", "when"…: it dates or frames the main clause.</summary>
    Subordinate,

    /// <summary>Opened by ", which", ", who", ", where": about the words before it.</summary>
    Relative,

    /// <summary>What a speech verb reports: "said that …", "expressed its concern that …".</summary>
    Complement,

    /// <summary>Words in quotation marks.</summary>
    Quoted,

    /// <summary>Between dashes: "— where rival armed groups are seeking to seize territory —".</summary>
    Aside,
}

/// <summary>
/// A clause of a sentence, [Start, End), with what its verbs say: whether it looks forward (a
/// modal or future verb: "will", "would", "must", "is to", "expected to"), tells what happened
/// (a past verb), what has gone on until now ("has been", "have operated") or what is under way
/// ("are seeking"), and the speech verb it reports with, if any.
/// </summary>
public sealed record Clause(int Index, int Start, int End, ClauseKind Kind)
{
    /// <summary>The clause whose speech verb introduces this one (a complement or a quotation), if any.</summary>
    public int? Frame { get; set; }

    public string? FutureMarker { get; set; }

    /// <summary>Where <see cref="FutureMarker"/> starts in the sentence.</summary>
    public int FutureMarkerStart { get; set; }

    public string? PastMarker { get; set; }

    public string? PerfectMarker { get; set; }

    public string? ProgressiveMarker { get; set; }

    /// <summary>The speech verb ("said", "wrote", "voiced") and where it starts.</summary>
    public (string Verb, int Start)? Speech { get; set; }

    public bool Contains(int position) => position >= Start && position < End;
}

/// <summary>Splits a sentence into clauses and reads their verbs (the words are in docs/EXTRACT.md).</summary>
public static class Clauses
{
    /// <summary>The clause a position of the sentence falls in (the first when none starts before it).</summary>
    internal static Clause At(List<Clause> clauses, int position) =>
        clauses.LastOrDefault(c => c.Start <= position) ?? clauses[0];

    /// <summary>The clause that reports a complement or a quotation, else the clause itself.</summary>
    internal static Clause FrameOf(List<Clause> clauses, Clause clause) =>
        clause.Frame is { } frame ? clauses[frame] : clause;

    public static readonly IReadOnlyList<string> SpeechVerbs =
    [
        "said", "says", "say", "added", "adds", "warned", "warns", "wrote", "writes", "stated", "states", "announced", "announces", "told",
        "insisted", "insists", "noted", "notes", "claimed", "claims", "reported", "confirmed", "confirms", "denied", "denies", "argued",
        "explained", "expressed", "expresses", "voiced", "voices", "declared", "declares", "stressed", "reiterated", "urged", "vowed",
        "pledged", "promised", "threatened", "tweeted", "posted",
    ];

    /// <summary>Words (or two-word groups) that make a clause look forward.</summary>
    public static readonly IReadOnlyList<string> FutureMarkers =
    [
        "will", "would", "shall", "ll", "going to", "must", "should", "has to", "have to", "had to", "needs to", "need to", "is to", "are to",
        "was to", "were to", "due to", "expected to", "set to", "plans to", "plan to", "planned to", "aims to", "aim to", "intends to",
        "scheduled", "promised to", "pledged to", "vowed to", "committed to",
    ];

    private static readonly HashSet<string> Speech = [.. SpeechVerbs];

    private static readonly HashSet<string> IrregularPast =
    [
        "was", "were", "had", "did", "said", "took", "left", "began", "held", "met", "made", "came", "went", "saw", "fought", "won", "lost",
        "told", "gave", "sent", "struck", "fell", "rose", "broke", "drove", "led", "ran", "spoke", "wrote", "became", "brought", "kept",
        "found", "hit", "seized", "fled", "withdrew", "stood", "shot", "sought", "won", "overran", "arrived",
    ];

    private static readonly HashSet<string> Connectives = ["but", "and", "meanwhile", "however", "yet", "so", "also", "still", "moreover", "then"];

    private static readonly HashSet<string> Subordinators = ["while", "as", "although", "though", "when", "after", "because", "whereas", "if", "once", "whilst"];

    private static readonly HashSet<string> CommaOpeners = ["while", "whereas", "but", "which", "who", "whom", "whose", "where", "although", "though", "because", "as", "when", "whilst"];

    public static List<Clause> Split(string sentence)
    {
        ArgumentNullException.ThrowIfNull(sentence);
        var words = Names.Words(sentence);
        var cuts = new List<(int At, ClauseKind Kind)> { (0, ClauseKind.Main) };

        // "Meanwhile, as the UN mission … begins to wind down, Malian soldiers …": the opener is subordinate up to its comma.
        var w = 0;
        while (w < words.Count && Connectives.Contains(words[w].Text.ToLowerInvariant()))
        {
            w++;
        }

        var depth = 0; // inside quotes or dashes, a comma does not end the opening clause
        if (w < words.Count && Subordinators.Contains(words[w].Text.ToLowerInvariant()))
        {
            cuts[0] = (0, ClauseKind.Subordinate);
            for (var i = words[w].End; i < sentence.Length; i++)
            {
                if (sentence[i] is '“' or '—')
                {
                    depth++;
                }
                else if (sentence[i] is '”')
                {
                    depth--;
                }
                else if (sentence[i] == ',' && depth <= 0)
                {
                    cuts.Add((i + 1, ClauseKind.Main));
                    break;
                }
            }
        }

        var inQuote = false;
        var inAside = false;
        for (var i = 0; i < sentence.Length; i++)
        {
            var c = sentence[i];
            if (c is '“' || (c == '"' && !inQuote))
            {
                inQuote = true;
                cuts.Add((i, ClauseKind.Quoted));
            }
            else if (c is '”' || (c == '"' && inQuote))
            {
                inQuote = false;
                cuts.Add((i + 1, ClauseKind.Main));
            }
            else if (!inQuote && (c is '—' || (c is '–' && i > 0 && sentence[i - 1] == ' ')))
            {
                inAside = !inAside;
                cuts.Add((inAside ? i : i + 1, inAside ? ClauseKind.Aside : ClauseKind.Main));
            }
            else if (!inQuote && c == ';')
            {
                cuts.Add((i + 1, ClauseKind.Main));
            }
            else if (!inQuote && c == ',')
            {
                var next = words.FirstOrDefault(x => x.Start > i);
                var word = next.Text?.ToLowerInvariant();
                if (word is not null && CommaOpeners.Contains(word) && !(word == "as" && words.Any(x => x.Start > next.End && x.Text == "well")))
                {
                    var kind = word is "which" or "who" or "whom" or "whose" or "where" ? ClauseKind.Relative : word == "but" ? ClauseKind.Main : ClauseKind.Subordinate;
                    cuts.Add((i + 1, kind));
                    var close = sentence.IndexOf(',', i + 1);
                    if (kind == ClauseKind.Relative && close > 0 && sentence.IndexOfAny(['“', '"', '—'], i + 1, close - i - 1) < 0)
                    {
                        cuts.Add((close + 1, ClauseKind.Main)); // ", which is affiliated to Al-Qaeda, has also stepped up …": the sentence goes on
                    }
                }
            }
        }

        // "said that …": a complement opens at "that" when the words before it hold a speech verb.
        foreach (var word in words.Where(x => x.Text is "that"))
        {
            var before = cuts.Where(c => c.At <= word.Start).Max(c => c.At);
            if (words.Any(x => x.Start >= before && x.End <= word.Start && Speech.Contains(x.Text.ToLowerInvariant())))
            {
                cuts.Add((word.Start, ClauseKind.Complement));
            }
        }

        var ordered = cuts.GroupBy(c => c.At).Select(g => g.Last()).OrderBy(c => c.At).ToList();
        var clauses = new List<Clause>();
        for (var i = 0; i < ordered.Count; i++)
        {
            var end = i + 1 < ordered.Count ? ordered[i + 1].At : sentence.Length;
            if (sentence[ordered[i].At..end].Any(char.IsLetterOrDigit))
            {
                clauses.Add(new Clause(clauses.Count, ordered[i].At, end, ordered[i].Kind));
            }
        }

        foreach (var clause in clauses)
        {
            ReadVerbs(sentence, clause, words.Where(x => clause.Contains(x.Start)).ToList());
        }

        // A complement or a quotation reports what the nearest clause with a speech verb says: before it, else after it.
        foreach (var clause in clauses.Where(c => c.Kind is ClauseKind.Complement or ClauseKind.Quoted))
        {
            var frame = clauses.Where(c => c.Index < clause.Index && c.Speech is not null && c.Kind is not ClauseKind.Quoted).LastOrDefault()
                ?? clauses.FirstOrDefault(c => c.Index > clause.Index && c.Speech is not null && c.Kind is not ClauseKind.Quoted);
            if (frame is not null && (clause.Kind == ClauseKind.Quoted || frame.Index < clause.Index))
            {
                clause.Frame = frame.Frame ?? frame.Index;
            }
        }

        // A quotation inside a complement ("said that “everything must be done …”") is reported by the same frame.
        foreach (var clause in clauses.Where(c => c.Kind == ClauseKind.Quoted && c.Frame is null && c.Index > 0))
        {
            clause.Frame = clauses[clause.Index - 1].Frame;
        }

        return clauses;
    }

    private static void ReadVerbs(string sentence, Clause clause, List<(string Text, int Start, int End)> words)
    {
        var lower = words.Select(x => x.Text.ToLowerInvariant()).ToList();
        for (var i = 0; i < lower.Count; i++)
        {
            var word = lower[i];
            // A two-word marker ("is to", "expected to") needs the next word; a clause may end on "will" ("the law will “help.”").
            var pairMarker = i + 1 < lower.Count && FutureMarkers.Contains($"{word} {lower[i + 1]}");
            if (clause.FutureMarker is null && (pairMarker || (FutureMarkers.Contains(word) && word is not ("due" or "set" or "expected")) || IsModal(words[i].Text)))
            {
                clause.FutureMarker = pairMarker ? sentence[words[i].Start..words[i + 1].End] : words[i].Text;
                clause.FutureMarkerStart = words[i].Start;
            }

            if (clause.Speech is null && Speech.Contains(word))
            {
                clause.Speech = (words[i].Text, words[i].Start);
            }

            if (word is "has" or "have" && NextVerb(lower, i) is { } participle && (participle == "been" || participle.EndsWith("ed", StringComparison.Ordinal) || participle.EndsWith("en", StringComparison.Ordinal) || IrregularPast.Contains(participle)))
            {
                clause.PerfectMarker ??= sentence[words[i].Start..words[lower.IndexOf(participle, i)].End];
            }

            if (word is "am" or "is" or "are" && NextVerb(lower, i) is { } ing && ing.EndsWith("ing", StringComparison.Ordinal) && ing != "going")
            {
                clause.ProgressiveMarker ??= sentence[words[i].Start..words[lower.IndexOf(ing, i)].End];
            }

            if (word is "begins" or "continues" or "continue" && i + 1 < lower.Count && lower[i + 1] == "to")
            {
                clause.ProgressiveMarker ??= sentence[words[i].Start..words[i + 1].End];
            }

            var previous = i > 0 ? lower[i - 1] : "";
            var afterAuxiliary = previous is "has" or "have" or "is" or "are" or "be" or "been" or "being" or "am";
            if (clause.PastMarker is null && !afterAuxiliary && char.IsLower(words[i].Text[0]) && (IrregularPast.Contains(word) || (word.Length > 4 && word.EndsWith("ed", StringComparison.Ordinal) && !word.EndsWith("eed", StringComparison.Ordinal))))
            {
                clause.PastMarker = words[i].Text;
            }
        }

        if (clause.PerfectMarker is not null && clause.PastMarker is not null && clause.PerfectMarker.EndsWith(clause.PastMarker, StringComparison.Ordinal))
        {
            clause.PastMarker = null;
        }
    }

    /// <summary>
    /// A modal that says what may come ("talks could resume next month", "might slip into 2025",
    /// "may be delayed"): lower case only, so "May" is a month.
    /// </summary>
    private static bool IsModal(string word) => word is "could" or "might" or "may";

    /// <summary>The verb after an auxiliary, skipping up to two adverbs ("has also stepped", "have actively operated").</summary>
    private static string? NextVerb(List<string> lower, int auxiliary)
    {
        for (var i = auxiliary + 1; i < lower.Count && i <= auxiliary + 3; i++)
        {
            if (lower[i].EndsWith("ly", StringComparison.Ordinal) || lower[i] is "also" or "not" or "already" or "now" or "just" or "since" or "never" or "still")
            {
                continue;
            }

            return lower[i];
        }

        return null;
    }
}
