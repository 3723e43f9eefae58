using System.Text.RegularExpressions;
using Timeline.Domain.Dates;
using DatePrecision = Timeline.Domain.Dates.DatePrecision;

namespace Timeline.Extraction;

/// <summary>
/// The dates stage: each date phrase of a sentence (found by the domain's <see cref="NewsDateScanner"/>,
/// read as the storage service reads it) with its role, when something happened or when it is due,
/// from its lead word and its clause's verbs; "on the same day" as the last day the text gave before
/// it; and, for each due date, the words that say what is due. It keeps what the text gave so far.
/// </summary>
internal sealed partial class DateRoles(CalendarDay published)
{
    private static readonly HashSet<string> DueLeads = ["by", "before", "until", "till", "within", "through", "no", "not"];

    /// <summary>Verbs that move an end date: "extended the mandate through June" says when it now ends, whatever the tense.</summary>
    private static readonly HashSet<string> ExtensionVerbs = ["extended", "extends", "extend", "extending", "prolonged", "prolongs", "renewed", "renews", "postponed", "postpones", "deferred", "delayed"];

    private static readonly HashSet<string> Determiners = ["the", "a", "an", "its", "their", "this", "these", "those"];

    /// <summary>The last day the text gave for something that happened: what "on the same day" refers to.</summary>
    private FoundDate? lastDay;

    public List<FoundDate> Found { get; } = [];

    public List<DateRefusal> Refused { get; } = [];

    /// <summary>Each due date with the words that say what is due.</summary>
    public List<(FoundDate Date, string Subject)> DueMentions { get; } = [];

    /// <summary>Words that show a sentence speaks of a deadline: the head words of the text's due phrases, then the trigger vocabulary's.</summary>
    public HashSet<string> DeadlineWords { get; } = new(StringComparer.Ordinal);

    /// <summary>The dates of one sentence, in order, each with its role.</summary>
    public List<FoundDate> Read(Sentence sentence, List<Clause> clauses)
    {
        var text = sentence.Text;
        var spans = NewsDateScanner.Scan(text, published).ToList();
        var found = new List<FoundDate>();
        var anaphora = SameDay().Matches(text).Where(m => !spans.Exists(s => s.Start < m.Index + m.Length && m.Index < s.End)).ToList();
        foreach (var span in spans.OrderBy(s => s.Start))
        {
            foreach (var same in anaphora.Where(m => m.Index < span.Start).ToList())
            {
                AddSameDay(sentence, clauses, same, found);
                anaphora.Remove(same);
            }

            if (span.Refusal is { } refusal)
            {
                Refused.Add(new DateRefusal(sentence.Number, span.Text, refusal));
                continue;
            }

            var clause = Clauses.At(clauses, span.Start);
            var (role, why) = Classify(text, span, clause, published);
            var reading = role == DateRole.Due ? span.Future! : span.Past!;
            var date = new FoundDate(sentence.Number, span, role, reading, why);
            found.Add(date);
            if (role == DateRole.Occurred)
            {
                lastDay = reading.Precision == DatePrecision.Day ? date : lastDay;
            }
            else
            {
                var subject = spans.Aggregate(Subject(text, clause, span), (words, other) => other == span ? words : words.Replace(other.Text, "", StringComparison.Ordinal));
                subject = Regex.Replace(subject, @"\s+", " ").Trim();
                DueMentions.Add((date, subject));
                if (Head(subject) is { Length: > 2 } head)
                {
                    DeadlineWords.Add(head);
                }
            }
        }

        foreach (var same in anaphora)
        {
            AddSameDay(sentence, clauses, same, found);
        }

        Found.AddRange(found);
        return found;
    }

    private void AddSameDay(Sentence sentence, List<Clause> clauses, Match same, List<FoundDate> found)
    {
        if (lastDay is not { } antecedent)
        {
            Refused.Add(new DateRefusal(sentence.Number, same.Value, $"'{same.Value}' refers to a day the text has not given before it"));
            return;
        }

        var span = new DateSpan(same.Index, same.Length, same.Value, antecedent.Reading, null, null) { LeadWord = same.Value.Split(' ')[0].ToLowerInvariant() };
        var date = new FoundDate(sentence.Number, span, DateRole.Occurred, antecedent.Reading, $"the day of '{antecedent.Span.Text}' (sentence {antecedent.Sentence})");
        found.Add(date);
        _ = Clauses.At(clauses, same.Index);
    }


    /// <summary>"on the same day", "that day", "the next day": a day the text gave just before.</summary>
    [GeneratedRegex(@"\b(?:on\s+)?(?:the\s+same\s+day|that\s+(?:same\s+)?day|the\s+(?:next|following|previous)\s+day|the\s+day\s+(?:before|after)|a\s+day\s+(?:later|earlier))\b", RegexOptions.IgnoreCase)]
    private static partial Regex SameDay();

    /// <summary>Whether the role of a date is when something happened or when it is due, and why.</summary>
    internal static (DateRole Role, string Why) Classify(string sentence, DateSpan span, Clause clause, CalendarDay published)
    {
        var lead = span.LeadWord;
        if (span.Attributive)
        {
            return (DateRole.Occurred, $"a year as an adjective ('{span.Text}' before a noun): the date of what it names, not of its clause");
        }

        // Reported speech: "On 3 May the ministry said the convoy would leave": the future is what was said; a date
        // before it, with the speech verb before the future word, dates the saying.
        if (clause.FutureMarker is not null && clause.Speech is { } speech && speech.Start < clause.FutureMarkerStart && span.Start < clause.FutureMarkerStart)
        {
            clause = clause with { FutureMarker = null };
        }

        var before = Names.Words(sentence[clause.Start..span.Start]).TakeLast(3).Select(w => w.Text.ToLowerInvariant()).ToList();
        if (span.Future is not null && before.Find(w => w is "deadline" or "due" or "expire" or "expires" or "target") is { } word)
        {
            return (DateRole.Due, $"'{word}' before it");
        }

        if (span.Past is null)
        {
            return (DateRole.Due, "read only forward");
        }

        if (lead is "since" || span.Text.EndsWith(" ago", StringComparison.OrdinalIgnoreCase) || lead is "earlier" or "last" or "yesterday")
        {
            return (DateRole.Occurred, $"'{FirstWords(span.Text)}': what happened");
        }

        if (span.Future is null)
        {
            var past = clause.PastMarker ?? clause.PerfectMarker ?? clause.ProgressiveMarker;
            return (DateRole.Occurred, past is not null ? $"past: '{past}'" : "read only back from the publication date");
        }

        if (span.Past.Earliest > published)
        {
            return (DateRole.Due, "after the publication date");
        }

        if (lead is "until" or "till" or "through" && span.Future.Latest >= published &&
            Names.Words(sentence[clause.Start..clause.End]).Find(w => ExtensionVerbs.Contains(w.Text.ToLowerInvariant())) is { Text: { } moved })
        {
            return (DateRole.Due, $"'{lead}' after '{moved}': the end it moves to");
        }

        if (DueLeads.Contains(lead) || lead is "later")
        {
            if (clause.FutureMarker is { } marker)
            {
                return (DateRole.Due, $"'{lead}' in a clause that looks forward ('{marker}')");
            }

            if (span.Future.Latest >= published && (clause.PastMarker is null || span.Past.Latest >= published))
            {
                return (DateRole.Due, $"'{lead}' a date not over by the publication date");
            }

            return (DateRole.Occurred, $"'{lead}' with a past verb ('{clause.PastMarker}') and a date over by the publication date");
        }

        if (clause.FutureMarker is { } future && span.Future.Latest >= published && span.Future != span.Past)
        {
            return (DateRole.Due, $"a clause that looks forward ('{future}')");
        }

        var verb = clause.PastMarker ?? clause.PerfectMarker ?? clause.ProgressiveMarker;
        return (DateRole.Occurred, verb is not null ? $"past: '{verb}'" : "no verb looks forward: what happened");
    }

    private static string FirstWords(string text) => text.Split(' ')[0];

    /// <summary>The words of a clause before its due date that say what is due ("the withdrawal of UN peacekeepers from the region").</summary>
    internal static string Subject(string sentence, Clause clause, DateSpan due)
    {
        // A date read across the clause's edge (its words run on into the next clause) is cut to the clause.
        var before = sentence[clause.Start..Math.Max(clause.Start, due.Start)];
        var words = Names.Words(before);
        var end = before.Length;
        var lastTwo = string.Join(' ', words.TakeLast(2).Select(w => w.Text.ToLowerInvariant()));
        if (lastTwo is "deadline of" or "date of" or "deadline for" or "deadline" or "due on")
        {
            // "set a deadline of 30 June for the handover of the base": what is due follows the date.
            var after = Regex.Match(sentence[Math.Min(due.End, clause.End)..clause.End], @"^\s*(?:for|to)\s+([^,;.]+)");
            return after.Success ? after.Groups[1].Value.Trim() : "";
        }

        if (words.Count > 1 && words[^1].Text == "due")
        {
            // "any delay to the vote due by 30 November": what is due is named just before "due".
            var first = words.Count - 1;
            while (first > 0 && words.Count - first < 5 && words[first - 1].Text.ToLowerInvariant() is not ("to" or "for" or "of" or "on" or "in" or "that" or "with") && !words[first - 1].Text.EndsWith("ed", StringComparison.Ordinal))
            {
                first--;
            }

            return before[words[first].Start..words[^1].Start].Trim();
        }

        var auxiliary = false;
        for (var i = words.Count - 1; i >= 0; i--)
        {
            if (words[i].Text.ToLowerInvariant() is "will" or "would" or "must" or "is" or "are" or "was" or "were" or "be" or "shall" or "should" or "to")
            {
                end = words[i].Start;
                var j = i;
                while (j > 0 && words[j - 1].Text.ToLowerInvariant() is "will" or "would" or "must" or "be" or "shall" or "should" or "to" or "is" or "are" or "been")
                {
                    j--;
                    end = words[j].Start;
                }

                auxiliary = true;
                break;
            }
        }

        var subject = before[..end];
        if (auxiliary && !subject.Contains(" of ", StringComparison.Ordinal) && Names.Words(subject) is { Count: > 0 } subjectWords && Names.GroupWords.Contains(subjectWords[^1].Text))
        {
            // "the army would retake the town by 31 December": an actor before the verb; what is due is what it does.
            var predicate = Regex.Replace(before[end..], @"^\s*(?:(?:will|would|must|shall|should|is|are|was|were|to|be|been|have|has)\s+)+", "", RegexOptions.IgnoreCase).Trim();
            var actor = subject[(subject.LastIndexOfAny([',', '“', '"']) + 1)..].Trim();
            actor = actor.StartsWith("that ", StringComparison.OrdinalIgnoreCase) ? actor[5..] : actor;
            return $"{actor} to {predicate}";
        }

        if (!auxiliary && words.FindLastIndex(w => w.Text.Length > 3 && char.IsLower(w.Text[0]) && w.Text.EndsWith("ed", StringComparison.Ordinal)) is var verb and >= 0)
        {
            subject = before[words[verb].End..]; // "The council extended the mandate until …": the mandate
        }

        var start = 0;
        foreach (var opener in new[] { " that ", " ensure ", ",", "“", "\"" })
        {
            var at = subject.LastIndexOf(opener, StringComparison.Ordinal);
            if (at >= 0 && at + opener.Length > start)
            {
                start = at + opener.Length;
            }
        }

        subject = subject[start..].Trim().Trim('“', '"', ',').Trim();
        return subject.StartsWith("that ", StringComparison.OrdinalIgnoreCase) ? subject[5..] : subject;
    }

    /// <summary>The head word of a subject: its first word after an article ("the withdrawal of …" → "withdrawal").</summary>
    internal static string Head(string subject)
    {
        foreach (var (word, _, _) in Names.Words(subject))
        {
            var lower = word.ToLowerInvariant();
            if (!Determiners.Contains(lower))
            {
                return lower;
            }
        }

        return "";
    }
}
