using Timeline.V1;

namespace Timeline.Extraction;

/// <summary>One trigger found in a sentence: the effect it proposes, its words as written, and whether a negation turned it round.</summary>
public sealed record TriggerMatch(DeadlineEffectType Effect, string Words, int Start, int End, bool Negated);

/// <summary>
/// The words that make a statement bear on a deadline, in one place (docs/EXTRACT.md lists them).
/// Each cue is a sequence of words; a word ending in '*' matches any word it begins
/// ("imped*" is impede, impedes, impeded). A negation within the four words before a cue ("does
/// not foresee any extension", "rejects delay", "ruled out an extension") turns an extension, a
/// risk or a cancellation into a reaffirmation, and removes a setting or a completion. MET and
/// PROGRESS cues count only in a clause that tells what happened (no future or modal verb):
/// "is finished by 31 December" after "must" sets nothing done.
/// </summary>
public static class DeadlineTriggers
{
    /// <summary>The triggers of a sentence that speaks of a deadline: it gives a due date, or names the deadline or what is due.</summary>
    internal static List<TriggerMatch> InSentence(Sentence sentence, SentenceReading reading, IReadOnlySet<string> deadlineWords)
    {
        var words = Names.Words(sentence.Text).Select(w => (Word: w.Text.ToLowerInvariant(), w.Start, w.End)).ToList();
        var aboutDeadline = reading.Found.Any(f => f.Role == DateRole.Due) || words.Exists(w => deadlineWords.Contains(w.Word));
        if (!aboutDeadline)
        {
            return [];
        }

        return Find(words, sentence.Text, position => Clauses.At(reading.Clauses, position).FutureMarker is null);
    }

    /// <summary>Effects by precedence: when one clause has cues of several, the first listed wins.</summary>
    public static readonly IReadOnlyList<(DeadlineEffectType Effect, string[] Cues)> Cues =
    [
        (DeadlineEffectType.Cancelled, ["cancelled", "canceled", "cancel*", "called off", "call off", "scrapped", "abandon*", "revoked", "annulled", "no longer take place"]),
        (DeadlineEffectType.Extended, ["extended", "extend*", "extension", "postpone*", "pushed back", "push back", "delayed until", "delayed to", "new deadline", "more time", "deferred"]),
        (DeadlineEffectType.Met, ["completed", "was complete*", "is complete*", "declared complete", "met the deadline", "met its deadline", "fulfilled", "finished", "concluded"]),
        (DeadlineEffectType.Risk, [
            "likely to imped*", "imped*", "hamper*", "jeopardi*", "threaten*", "derail*", "obstruct*", "undermin*", "at risk", "risk*", "behind schedule",
            "unlikely to", "doubt*", "slip*", "delay*", "obstacle*", "could be hampered", "in danger", "fall behind"]),
        (DeadlineEffectType.Set, [
            "set a deadline", "set the deadline", "set a date", "deadline of", "deadline for", "ordered", "decided", "demanded", "asked for",
            "called for", "agreed to", "adopted", "imposed", "gave * until", "requested", "voted to"]),
        (DeadlineEffectType.Reaffirmed, [
            "on time", "on schedule", "as planned", "as scheduled", "reaffirm*", "reiterat*", "confirmed", "insisted", "insists",
            "must", "committed to", "determined to", "no extension", "no delay", "will go ahead", "on track"]),
        (DeadlineEffectType.Progress, ["began withdrawing", "began to withdraw", "handed over", "left its", "withdrew from", "first phase", "progress", "pulled out of"]),
    ];

    /// <summary>
    /// Words that show a sentence without a due date is about the deadline ("does not foresee any
    /// extension of this deadline", "its drawdown could be hampered"); the head nouns of the text's
    /// own deadline phrases ("the withdrawal of UN peacekeepers … by 31 December") count too.
    /// </summary>
    public static readonly IReadOnlyList<string> DeadlineWords =
        ["deadline", "deadlines", "timetable", "schedule", "withdrawal", "departure", "drawdown", "pullout", "exit", "handover", "transition", "retreat"];

    /// <summary>The cues as words, split once.</summary>
    private static readonly (DeadlineEffectType Effect, string[] Words)[] SplitCues =
        [.. Cues.SelectMany(c => c.Cues.Select(cue => (c.Effect, cue.Split(' '))))];

    /// <summary>Words that turn a cue round when they come up to four words before it.</summary>
    public static readonly IReadOnlyList<string> Negations =
        ["not", "no", "never", "without", "rejects", "rejected", "reject", "ruled", "rule", "rules", "denied", "denies", "nor", "refused", "refuses", "dismissed", "t"];

    /// <summary>
    /// The triggers in <paramref name="words"/> (the tokens of a sentence, lower case), each with its
    /// effect after negation; <paramref name="reported"/> says whether the clause tells what happened
    /// (MET and PROGRESS count only then).
    /// </summary>
    public static List<TriggerMatch> Find(IReadOnlyList<(string Word, int Start, int End)> words, string sentence, Func<int, bool> reported)
    {
        var found = new List<TriggerMatch>();
        for (var i = 0; i < words.Count; i++)
        {
            var best = (Effect: DeadlineEffectType.Unspecified, Length: 0);
            foreach (var (cueEffect, cue) in SplitCues)
            {
                {
                    var length = MatchLength(words, i, cue);
                    if (length > best.Length)
                    {
                        best = (cueEffect, length);
                    }
                }
            }

            if (best.Length == 0)
            {
                continue;
            }

            var negator = NegationBefore(words, i);
            var effect = best.Effect;
            if (negator is not null)
            {
                effect = effect switch
                {
                    DeadlineEffectType.Extended or DeadlineEffectType.Risk or DeadlineEffectType.Cancelled => DeadlineEffectType.Reaffirmed,
                    DeadlineEffectType.Reaffirmed when words[i].Word is "no" => DeadlineEffectType.Reaffirmed,
                    _ => DeadlineEffectType.Unspecified,
                };
            }

            if (effect is DeadlineEffectType.Met or DeadlineEffectType.Progress && !reported(words[i].Start))
            {
                effect = DeadlineEffectType.Unspecified;
            }

            var first = negator ?? i;
            var last = i + best.Length - 1;
            if (effect != DeadlineEffectType.Unspecified)
            {
                found.Add(new TriggerMatch(effect, sentence[words[first].Start..words[last].End], words[first].Start, words[last].End, negator is not null));
            }

            i = last;
        }

        return found;
    }

    /// <summary>The effect a clause with these triggers proposes: the first by precedence.</summary>
    public static DeadlineEffectType Strongest(IEnumerable<TriggerMatch> triggers)
    {
        var effects = triggers.Select(t => t.Effect).ToHashSet();
        return Cues.Select(c => c.Effect).FirstOrDefault(effects.Contains);
    }

    private static int MatchLength(IReadOnlyList<(string Word, int Start, int End)> words, int at, string[] parts)
    {
        var i = at;
        foreach (var part in parts)
        {
            if (part == "*")
            {
                i++;
                continue;
            }

            if (i >= words.Count)
            {
                return 0;
            }

            var word = words[i].Word;
            var matches = part.EndsWith('*') ? word.StartsWith(part[..^1], StringComparison.Ordinal) : word == part;
            if (!matches)
            {
                return 0;
            }

            i++;
        }

        return i - at;
    }

    /// <summary>The index of a negation up to four words before <paramref name="at"/> (and the auxiliary before it: "does not"), or null.</summary>
    private static int? NegationBefore(IReadOnlyList<(string Word, int Start, int End)> words, int at)
    {
        for (var i = at - 1; i >= Math.Max(0, at - 4); i--)
        {
            if (Negations.Contains(words[i].Word))
            {
                var start = i;
                if (words[i].Word == "t" && i > 0)
                {
                    start = i - 1; // "doesn't": the tokenizer splits "doesn", "'", "t"
                }
                else if (i > 0 && words[i - 1].Word is "does" or "do" or "did" or "will" or "would" or "can" or "could" or "is" or "are" or "was" or "were" or "has" or "have")
                {
                    start = i - 1;
                }

                return start;
            }
        }

        return null;
    }
}
