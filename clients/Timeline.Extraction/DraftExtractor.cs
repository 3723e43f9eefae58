using System.Text.RegularExpressions;
using Timeline.Domain.Dates;
using Timeline.Domain.Validation;
using Timeline.V1;
using DatePrecision = Timeline.Domain.Dates.DatePrecision;
using FuzzyDate = Timeline.Domain.Dates.FuzzyDate;

namespace Timeline.Extraction;

/// <summary>
/// Turns an article into a draft: one proposed event per dated statement, the deadlines it speaks
/// of and the effects its statements have on them. Rules only, in this order (docs/EXTRACT.md):
/// find the dates (<see cref="NewsDateScanner"/>), give each a role (when something happened, or
/// when it is due) from its lead word and its clause's verbs, make a statement of each clause
/// with a date of its own, host each due date in the statement that reports it, date the
/// undated sentences that say something of the deadline (or that go on "since" a date given
/// earlier, or are under way as the text is written), join one speaker's statements of one day,
/// and group the due dates into deadlines.
/// </summary>
public static partial class DraftExtractor
{
    private const int MaxTitle = 100;

    private static readonly HashSet<string> DueLeads = ["by", "before", "until", "till", "within", "through", "no", "not"];

    /// <summary>Verbs that move an end date: "extended the mandate through June" says when it now ends, whatever the tense.</summary>
    private static readonly HashSet<string> ExtensionVerbs = ["extended", "extends", "extend", "extending", "prolonged", "prolongs", "renewed", "renews", "postponed", "postpones", "deferred", "delayed"];

    private static readonly HashSet<string> TitleOpeners = ["but", "and", "meanwhile", "however", "yet", "so", "while", "as", "although", "though", "whereas", "that", "also", "then", "when"];

    private static readonly HashSet<string> Determiners = ["the", "a", "an", "its", "their", "this", "these", "those"];

    private static readonly HashSet<string> IdStopWords = ["the", "a", "an", "of", "in", "on", "at", "to", "by", "and", "that", "its", "is", "are", "was", "were", "has", "have", "been", "be", "would", "will", "from", "for", "there", "their", "this"];

    public static Draft Extract(Article article, ExtractOptions options)
    {
        ArgumentNullException.ThrowIfNull(article);
        ArgumentNullException.ThrowIfNull(options);
        var run = new Run(article, options.Published);
        foreach (var sentence in article.Sentences)
        {
            run.Read(sentence);
        }

        run.DeadlineWords.UnionWith(DeadlineTriggers.DeadlineWords);
        foreach (var sentence in article.Sentences)
        {
            run.Propose(sentence);
        }

        var statements = Merge(run.Statements);
        var deadlines = run.Deadlines(statements, options.DeadlineId, out var notes);
        var events = run.Events(statements, deadlines);
        deadlines = run.FinishedDeadlines;
        foreach (var deadline in deadlines.Where(d => !d.SetInText))
        {
            var effects = events.Where(e => e.Deadline?.DeadlineId == deadline.Id).GroupBy(e => e.Deadline!.Effect)
                .Select(g => $"{EffectWord(g.Key)} ({g.Count()})");
            notes.Add($"deadline '{deadline.Id}' (due {deadline.Due.Latest}): the text {string.Join(", ", effects)} but never says when or by whom it was set, " +
                "so the draft proposes no SET; its effects show a status once an event sets it (pass --deadline-id to join a deadline already set in the store, or add the event that set it)");
        }
        return new Draft(article, options.Published)
        {
            Events = events,
            Deadlines = deadlines,
            Dates = run.Found,
            Refused = run.Refused,
            Undated = run.Undated,
            Notes = notes,
        };
    }

    /// <summary>
    /// One speaker's statements of overlapping days are one statement when they are a few sentences
    /// apart ("The UN voiced concern on Saturday … The UN expressed its concern at the weekend …") or
    /// give the same due date ("Diop said … by 31 December" and, later, "Diop said on the same day … by 31 December").
    /// </summary>
    private static List<Statement> Merge(List<Statement> statements)
    {
        var merged = new List<Statement>();
        foreach (var statement in statements)
        {
            var into = merged.LastOrDefault(m =>
                m.Speaker is not null && statement.Speaker is not null && Names.Same(m.Speaker, statement.Speaker) &&
                (statement.Sentences[0] - m.Sentences[^1] <= 3 || (m.Due is not null && statement.Due is not null)) &&
                m.Date.Date.Earliest <= statement.Date.Date.Latest && statement.Date.Date.Earliest <= m.Date.Date.Latest &&
                (m.Due is null || statement.Due is null || m.Due.Reading.Latest == statement.Due.Reading.Latest) &&
                Compatible(m.EffectHint, statement.EffectHint));
            if (into is null)
            {
                merged.Add(statement);
                continue;
            }

            into.Absorb(statement);
        }

        return merged;
    }

    private static string EffectWord(DeadlineEffectType effect) => effect switch
    {
        DeadlineEffectType.Set => "sets it",
        DeadlineEffectType.Reaffirmed => "reaffirms it",
        DeadlineEffectType.Risk => "puts it at risk",
        DeadlineEffectType.Extended => "extends it",
        DeadlineEffectType.Met => "says it is met",
        DeadlineEffectType.Cancelled => "cancels it",
        DeadlineEffectType.Progress => "reports progress",
        _ => "mentions it",
    };

    private static bool Compatible(DeadlineEffectType a, DeadlineEffectType b) =>
        a == b || a == DeadlineEffectType.Unspecified || b == DeadlineEffectType.Unspecified;

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

    /// <summary>A short title cut from a clause: without its date, openers, quotation marks, a leading article or an aside.</summary>
    internal static string Title(string text, IEnumerable<string> remove)
    {
        foreach (var words in remove)
        {
            var at = text.IndexOf(words, StringComparison.Ordinal);
            if (at >= 0)
            {
                text = text.Remove(at, words.Length);
            }
        }

        text = text.Replace("“", "", StringComparison.Ordinal).Replace("”", "", StringComparison.Ordinal).Replace("\"", "", StringComparison.Ordinal);
        text = Regex.Replace(text, @"\s+", " ").Trim().Trim(',', ';', ':', '—', '–', ' ').TrimEnd('.', '!', '?').Trim();
        text = Regex.Replace(text, @"\s+([,.;:])", "$1");
        text = Regex.Replace(text, @",\s*,", ",");

        // An aside or an apposition after a comma ("in Tessalit, a rural town in …", "(GSIM), which is affiliated to Al-Qaeda,").
        text = Regex.Replace(text, @",\s*(?:which|who)\s[^,]*,", "");
        text = Regex.Replace(text, @",\s*(?:a|an|the)\s[^,]*$", "");
        string[] openers = [.. TitleOpeners];
        for (var again = true; again;)
        {
            again = false;
            var first = text.Split(' ', 2);
            var word = first[0].TrimEnd(',').ToLowerInvariant();
            if (first.Length == 2 && (openers.Contains(word) || (first[0].EndsWith(',') && word is "meanwhile" or "however")))
            {
                text = first[1].TrimStart(',', ' ');
                again = true;
            }
        }

        text = Regex.Replace(text, @"^There (?:has|have) been (?:an? )?", "", RegexOptions.IgnoreCase);
        var leading = text.Split(' ', 2);
        if (leading.Length == 2 && leading[0].ToLowerInvariant() is "the" or "a" or "an")
        {
            text = leading[1];
        }

        text = text.Trim().TrimEnd(',');
        if (text.Length > MaxTitle)
        {
            var cut = text.LastIndexOf(' ', MaxTitle - 1);
            text = text[..(cut > 40 ? cut : MaxTitle - 1)].TrimEnd(',', ' ') + "…";
        }

        return text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
    }

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

    /// <summary>A statement while the draft is made: one clause (or a speaker's several), its date, what it reports and the triggers in it.</summary>
    private sealed class Statement(Sentence sentence, Clause clause, ProposedDate date, Confidence confidence, string reason)
    {
        public Sentence First { get; } = sentence;

        public Clause Clause { get; } = clause;

        public int Paragraph => First.Paragraph;

        public ProposedDate Date { get; private set; } = date;

        public Confidence Confidence { get; private set; } = confidence;

        public List<string> Reasons { get; } = [reason];

        public List<int> Sentences { get; } = [sentence.Number];

        public List<string> Quotes { get; } = [sentence.Text];

        /// <summary>Dated from another sentence: its title and actors come from the whole sentence but its subordinate and relative clauses.</summary>
        public bool WholeSentence { get; set; }

        /// <summary>The clause it reports (a complement or a quotation), for the title.</summary>
        public Clause? Reported { get; set; }

        public string? Speaker { get; set; }

        /// <summary>What the text calls the speaker ("minister" in "the foreign minister Abdoulaye Diop said", "The minister added").</summary>
        public string? Role { get; set; }

        public List<TriggerMatch> Triggers { get; } = [];

        /// <summary>The triggers of the undated sentences that go on with it.</summary>
        public HashSet<TriggerMatch> Continued { get; } = [];

        public FoundDate? Due { get; set; }

        public string? DueSubject { get; set; }

        /// <summary>The clause's modal ("would", "must") when the due date has no trigger of its own.</summary>
        public string? Modal { get; set; }

        public List<string> Actors { get; } = [];

        public List<Name> NamesFound { get; } = [];

        /// <summary>The effect the triggers give so far (for joining statements).</summary>
        public DeadlineEffectType EffectHint => DeadlineTriggers.Strongest(Triggers);

        /// <summary>The statements this one absorbed keep their sentences, triggers and names; the date with more confidence (else the narrower) wins; the title comes from the one with triggers.</summary>
        public Statement? TitleSource { get; private set; }

        public void Absorb(Statement other)
        {
            foreach (var number in other.Sentences.Where(n => !Sentences.Contains(n)))
            {
                Sentences.Add(number);
            }

            foreach (var quote in other.Quotes.Where(q => !Quotes.Contains(q)))
            {
                Quotes.Add(quote);
            }

            Triggers.AddRange(other.Triggers);
            Continued.UnionWith(other.Continued);
            Due ??= other.Due;
            DueSubject ??= other.DueSubject;
            Modal ??= other.Modal;
            Actors.AddRange(other.Actors.Where(a => !Actors.Exists(b => Names.Same(a, b))));
            NamesFound.AddRange(other.NamesFound);
            var narrower = other.Date.Date.Latest.DayNumber - other.Date.Date.Earliest.DayNumber < Date.Date.Latest.DayNumber - Date.Date.Earliest.DayNumber;
            if (other.Confidence > Confidence || (other.Confidence == Confidence && narrower))
            {
                (Date, Confidence) = (other.Date, other.Confidence);
            }

            Reasons.Add($"joined with sentence {other.Sentences[0]}: the same speaker ({other.Speaker}) on the same day");
            if (TitleSource is null && Triggers.Count == other.Triggers.Count && other.Triggers.Count > 0)
            {
                TitleSource = other; // this one had no trigger of its own
            }
        }

        public void AddSentence(Sentence sentence)
        {
            if (!Sentences.Contains(sentence.Number))
            {
                Sentences.Add(sentence.Number);
                Quotes.Add(sentence.Text);
            }
        }
    }

    /// <summary>The state of one extraction: what each sentence gave, in reading order.</summary>
    private sealed class Run(Article article, CalendarDay published)
    {
        private readonly Dictionary<int, SentenceReading> readings = [];
        private readonly List<(FoundDate Date, string Subject)> dueMentions = [];
        /// <summary>The last day the text gave for something that happened: what "on the same day" refers to.</summary>
        private FoundDate? lastDay;

        public List<FoundDate> Found { get; } = [];

        public List<DateRefusal> Refused { get; } = [];

        public List<int> Undated { get; } = [];

        public List<Statement> Statements { get; } = [];

        public HashSet<string> DeadlineWords { get; } = new(StringComparer.Ordinal);

        /// <summary>The deadlines, each knowing whether a statement of the text sets it.</summary>
        public List<ProposedDeadline> FinishedDeadlines { get; private set; } = [];

        /// <summary>The country the text names most: where its events are when a sentence names none.</summary>
        private Country? MainCountry { get; set; }

        public void Read(Sentence sentence)
        {
            var text = sentence.Text;
            var clauses = Clauses.Split(text);
            var names = Names.Find(text);
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

                var clause = ClauseAt(clauses, span.Start);
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
                    dueMentions.Add((date, subject));
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
            readings[sentence.Number] = new SentenceReading(clauses, names, found);
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
            _ = ClauseAt(clauses, same.Index);
        }

        /// <summary>The statements of one sentence, with their triggers; an undated sentence continues, or is dated by, what came before.</summary>
        public void Propose(Sentence sentence)
        {
            var reading = readings[sentence.Number];
            var text = sentence.Text;
            var statements = new List<Statement>();
            var triggers = Triggers(sentence, reading);
            foreach (var date in reading.Found.Where(f => f.Role == DateRole.Occurred && !f.Span.Attributive))
            {
                var clause = ClauseAt(reading.Clauses, date.Span.Start);
                var anaphoric = date.Why.StartsWith("the day of", StringComparison.Ordinal);
                var proposed = new ProposedDate(date.Reading, anaphoric ? AntecedentText(date) : date.Span.Text, null, date.Span.Text);
                var marker = clause.PastMarker ?? clause.PerfectMarker ?? clause.ProgressiveMarker ?? (date.Span.LeadWord == "since" ? "since" : null);
                var confidence = anaphoric ? Confidence.Medium : marker is not null ? Confidence.High : Confidence.Medium;
                var reason = anaphoric
                    ? $"'{date.Span.Text}': {date.Why}"
                    : $"the clause's own date, {date.Why}";
                var statement = new Statement(sentence, FrameOf(reading.Clauses, clause), proposed, confidence, reason);
                statements.Add(statement);
            }

            foreach (var due in reading.Found.Where(f => f.Role == DateRole.Due))
            {
                var clause = ClauseAt(reading.Clauses, due.Span.Start);
                var frame = FrameOf(reading.Clauses, clause);
                var subject = dueMentions.First(m => m.Date == due).Subject;
                var host = statements.FirstOrDefault(s => s.Clause.Index == frame.Index && s.Due is null);
                var triggered = triggers.Exists(t => clause.Contains(t.Start));
                if (host is null)
                {
                    if (frame.Speech is null && clause.FutureMarker is null && !triggered)
                    {
                        continue; // the deadline named in passing ("The departure … by the end of 2023 is part of …"): a mention, not a statement
                    }

                    var (date, confidence, why) = Borrow(sentence, statements);
                    host = new Statement(sentence, frame, date, confidence, why);
                    statements.Add(host);
                }

                host.Due = due;
                host.DueSubject = subject;
                host.Modal ??= clause.FutureMarker;
                if (clause != frame)
                {
                    host.Reported = clause;
                }
            }

            foreach (var statement in statements)
            {
                statement.Reported ??= reading.Clauses.FirstOrDefault(c => c.Frame == statement.Clause.Index);
                SetSpeakerAndActors(statement, sentence, reading);
            }

            if (statements.Count > 0)
            {
                foreach (var trigger in triggers)
                {
                    var clause = ClauseAt(reading.Clauses, trigger.Start);
                    var owner = statements.FirstOrDefault(s => s.Clause.Contains(trigger.Start) || (s.Reported?.Contains(trigger.Start) ?? false) || s.Clause.Index == clause.Frame)
                        ?? statements.LastOrDefault(s => s.Clause.Start <= trigger.Start) ?? statements[0];
                    owner.Triggers.Add(trigger);
                }

                Statements.AddRange(statements);
                return;
            }

            ProposeUndated(sentence, reading, triggers);
        }

        private void ProposeUndated(Sentence sentence, SentenceReading reading, List<TriggerMatch> triggers)
        {
            if (reading.Clauses.Count == 0)
            {
                Undated.Add(sentence.Number); // punctuation only ("” ;"): no clause, nothing to say
                return;
            }

            var main = reading.Clauses.FirstOrDefault(c => c.Kind == ClauseKind.Main) ?? reading.Clauses[0];
            if (triggers.Count > 0)
            {
                var speaker = reading.Clauses.Select(c => SpeakerOf(sentence.Text, c, reading.Names)).FirstOrDefault(s => s is not null);
                var role = reading.Clauses.Select(c => RoleOf(sentence.Text, c, reading.Names)).FirstOrDefault(r => r is not null);
                var effect = DeadlineTriggers.Strongest(triggers);
                var recent = Statements.Where(s => sentence.Number - s.Sentences[^1] <= 3).ToList();

                // "The minister also added that …" goes on with the statement of the minister named before it
                // ("the foreign minister Abdoulaye Diop said …"), else with the paragraph's last one.
                speaker ??= role is null ? null : Statements.LastOrDefault(s => s.Role == role && s.Speaker is not null)?.Speaker;
                var previous = recent.LastOrDefault(s => (speaker is not null && s.Speaker is not null && Names.Same(speaker, s.Speaker)) || (role is not null && s.Role == role))
                    ?? (speaker is null && role is null ? recent.LastOrDefault(s => s.Paragraph == sentence.Paragraph) : null);
                if (previous is not null && Compatible(previous.EffectHint, effect))
                {
                    previous.AddSentence(sentence);
                    previous.Triggers.AddRange(triggers);
                    previous.Continued.UnionWith(triggers);
                    previous.Reasons.Add($"sentence {sentence.Number} has no date and goes on with this statement{(speaker is null ? "" : $" ({speaker})")}");
                    return;
                }

                previous ??= recent.LastOrDefault();
                var (date, confidence, why) = previous is not null
                    ? (previous.Date, Confidence.Low, $"no date of its own: the date of sentence {previous.Sentences[0]} ('{previous.Date.Written}')")
                    : Published("no date of its own");
                var statement = new Statement(sentence, FrameOf(reading.Clauses, reading.Clauses.FirstOrDefault(c => triggers.Exists(t => c.Contains(t.Start))) ?? main), date, confidence, why);
                statement.Triggers.AddRange(triggers);
                SetSpeakerAndActors(statement, sentence, reading);
                Statements.Add(statement);
                return;
            }

            var perfect = reading.Clauses.FirstOrDefault(c => c.PerfectMarker is not null && c.Kind is ClauseKind.Main or ClauseKind.Subordinate);
            var since = Found.LastOrDefault(f => f.Role == DateRole.Occurred && f.Span.LeadWord == "since" && f.Sentence < sentence.Number && sentence.Number - f.Sentence <= 8);
            if (perfect is not null && since is not null)
            {
                var statement = new Statement(sentence, perfect, new ProposedDate(since.Reading, since.Span.Text, null, since.Span.Text), Confidence.Low,
                    $"no date of its own; '{perfect.PerfectMarker}' tells what has gone on until now: dated by the text's last 'since', '{since.Span.Text}' (sentence {since.Sentence})")
                {
                    WholeSentence = true,
                };
                SetSpeakerAndActors(statement, sentence, reading);
                Statements.Add(statement);
                return;
            }

            var progressive = reading.Clauses.Where(c => c.ProgressiveMarker is not null).OrderBy(c => c.Kind == ClauseKind.Main ? 0 : 1).FirstOrDefault();
            if (progressive is not null)
            {
                var edtf = $"{published}~";
                var statement = new Statement(sentence, progressive, new ProposedDate(Edtf.Parse(edtf), null, edtf, "(under way when written)"), Confidence.Low,
                    $"no date of its own; '{progressive.ProgressiveMarker}' is under way as the text is written: around the publication date")
                {
                    WholeSentence = true,
                };
                SetSpeakerAndActors(statement, sentence, reading);
                Statements.Add(statement);
                return;
            }

            Undated.Add(sentence.Number);
        }

        private (ProposedDate Date, Confidence Confidence, string Why) Borrow(Sentence sentence, List<Statement> inSentence)
        {
            if (inSentence.FirstOrDefault() is { } other)
            {
                return (other.Date, Confidence.Medium, $"no date in its clause: the date of its sentence, '{other.Date.Written}'");
            }

            return Published("no date in its sentence");
        }

        private (ProposedDate, Confidence, string) Published(string why)
        {
            var edtf = published.ToString();
            return (new ProposedDate(Edtf.Parse(edtf), null, edtf, "(the publication date)"), Confidence.Low, $"{why}: dated by the publication date, when it was reported");
        }

        private static string AntecedentText(FoundDate date)
        {
            var quoted = Regex.Match(date.Why, "'(.*)'");
            return quoted.Success ? quoted.Groups[1].Value : date.Span.Text;
        }

        /// <summary>The triggers of a sentence that speaks of a deadline: it gives a due date, or names the deadline or what is due.</summary>
        private List<TriggerMatch> Triggers(Sentence sentence, SentenceReading reading)
        {
            var words = Names.Words(sentence.Text).Select(w => (Word: w.Text.ToLowerInvariant(), w.Start, w.End)).ToList();
            var aboutDeadline = reading.Found.Any(f => f.Role == DateRole.Due) || words.Exists(w => DeadlineWords.Contains(w.Word));
            if (!aboutDeadline)
            {
                return [];
            }

            return DeadlineTriggers.Find(words, sentence.Text, position => ClauseAt(reading.Clauses, position).FutureMarker is null);
        }

        private void SetSpeakerAndActors(Statement statement, Sentence sentence, SentenceReading reading)
        {
            var text = sentence.Text;
            statement.Speaker ??= SpeakerOf(text, statement.Clause, reading.Names);
            statement.Role ??= RoleOf(text, statement.Clause, reading.Names);
            var ranges = new List<(int Start, int End)> { (statement.Clause.Start, statement.Clause.End) };
            if (statement.WholeSentence)
            {
                ranges = [.. reading.Clauses.Where(c => c.Kind is ClauseKind.Main or ClauseKind.Quoted or ClauseKind.Complement).Select(c => (c.Start, c.End))];
            }
            else if (statement.Clause.Kind == ClauseKind.Relative && AntecedentStart(text, statement.Clause) is { } antecedent)
            {
                ranges.Add((antecedent, statement.Clause.Start));
            }

            if (statement.Reported is { } reported)
            {
                statement.NamesFound.AddRange(reading.Names.Where(n => n.Start >= reported.Start && n.End <= reported.End));
            }

            bool Inside(int start, int end) => ranges.Exists(r => start >= r.Start && end <= r.End);
            statement.NamesFound.AddRange(reading.Names.Where(n => Inside(n.Start, n.End)));
            if (statement.Speaker is { } speaker)
            {
                statement.Actors.Add(speaker);
                return;
            }

            var phrases = ranges.SelectMany(r => Names.GroupPhrases(text, r.Start, r.End)).ToList();
            foreach (var name in reading.Names.Where(n => !n.Place && Inside(n.Start, n.End)))
            {
                var actor = name.Acronym is { } acronym ? $"{name.Text} ({acronym})" : name.Text;
                if (!statement.Actors.Exists(a => Names.Same(a, name.Text)) && !phrases.Exists(p => p.Contains(name.Text, StringComparison.Ordinal)))
                {
                    statement.Actors.Add(actor);
                }
            }

            foreach (var phrase in phrases)
            {
                var actor = char.ToUpperInvariant(phrase[0]) + phrase[1..];
                if (!statement.Actors.Exists(a => a.Contains(phrase, StringComparison.OrdinalIgnoreCase)))
                {
                    statement.Actors.Add(actor);
                }
            }
        }

        /// <summary>The word the text calls a speaker by: before the speaker's name ("minister Abdoulaye Diop"), else before the speech verb ("The minister also added").</summary>
        private static string? RoleOf(string text, Clause clause, List<Name> names)
        {
            if (clause.Speech is not { } speech)
            {
                return null;
            }

            var end = SpeakerOf(text, clause, names) is { } speaker ? names.Last(n => n.Text == speaker && n.End <= speech.Start).Start : speech.Start;
            var before = Names.Words(text[clause.Start..end]).Select(w => w.Text).Where(w => w is not ("also" or "has" or "had" or "have")).ToList();
            return before.Count > 0 && before[^1].All(char.IsLower) && before[^1].Length > 3 && before[^1] is not ("that" or "they" or "which" or "this") ? before[^1] : null;
        }

        /// <summary>The name just before a clause's speech verb ("Abdoulaye Diop said", "the UN wrote"), or null ("The minister added").</summary>
        private static string? SpeakerOf(string text, Clause clause, List<Name> names)
        {
            if (clause.Speech is not { } speech)
            {
                return null;
            }

            var name = names.LastOrDefault(n => n.End <= speech.Start && n.Start >= clause.Start && !n.Place);
            if (name is null)
            {
                return null;
            }

            var between = Names.Words(text[name.End..speech.Start]);
            return between.Count <= 2 ? name.Text : null;
        }

        public List<ProposedDeadline> Deadlines(List<Statement> statements, string? deadlineId, out List<string> notes)
        {
            notes = [];
            var groups = dueMentions.GroupBy(m => m.Date.Reading.Latest).ToList();
            var deadlines = new List<ProposedDeadline>();
            var used = new HashSet<string>(StringComparer.Ordinal);
            foreach (var group in groups)
            {
                var mentions = group.Select(m => new DeadlineMention(m.Date.Sentence, m.Date.Span.Text, m.Date.Reading, m.Subject)).ToList();
                var id = deadlineId is not null && groups.Count == 1 ? deadlineId : MakeId(mentions, group.Key);
                for (var n = 2; !used.Add(id); n++)
                {
                    id = $"{MakeId(mentions, group.Key)}-{n}";
                }

                var first = group.First().Date;
                deadlines.Add(new ProposedDeadline(id, Title(mentions[0].Subject, []), first.Reading, first.Span.Text, mentions));
            }

            if (deadlineId is not null && groups.Count > 1)
            {
                notes.Add($"--deadline-id {deadlineId} was not used: the text has {groups.Count} deadlines (due {string.Join(", ", groups.Select(g => g.Key))})");
            }

            return deadlines;
        }

        private static string MakeId(List<DeadlineMention> mentions, CalendarDay due)
        {
            var counts = new Dictionary<string, (int Count, int First, string Text)>(StringComparer.Ordinal);
            var order = 0;
            foreach (var mention in mentions)
            {
                foreach (var name in Names.Find(mention.Subject))
                {
                    var key = name.Key;
                    counts[key] = counts.TryGetValue(key, out var c) ? (c.Count + 1, c.First, c.Text) : (1, order++, name.Acronym ?? name.Text);
                }
            }

            var top = counts.Values.OrderByDescending(c => c.Count).ThenBy(c => c.First).Select(c => c.Text).FirstOrDefault();
            var head = top is null
                ? string.Join(' ', Names.Words(mentions[0].Subject).Select(w => w.Text.ToLowerInvariant()).Where(w => !IdStopWords.Contains(w)).Take(3))
                : Head(mentions[0].Subject);
            var parts = new[] { top is null ? "" : Names.Slug(top, 30), Names.Slug(head, 40) }.Where(p => p.Length > 0).ToList();
            return parts.Count > 0 ? string.Join("-", parts) : $"deadline-{due}";
        }

        public List<ProposedEvent> Events(List<Statement> statements, List<ProposedDeadline> deadlines)
        {
            var events = new List<ProposedEvent>();
            var ids = new HashSet<string>(StringComparer.Ordinal);
            MainCountry = article.Sentences.SelectMany(s => readings[s.Number].Names).Where(n => n.Country is not null)
                .GroupBy(n => n.Country!.Alpha3).OrderByDescending(g => g.Count()).Select(g => g.First().Country).FirstOrDefault();
            var setIds = new HashSet<string>(StringComparer.Ordinal);
            var mentionedBefore = new HashSet<string>(StringComparer.Ordinal);
            foreach (var statement in statements)
            {
                var deadline = DeadlineOf(statement, deadlines);
                var effect = ProposeEffect(statement, deadline, mentionedBefore);
                if (effect is { Effect: DeadlineEffectType.Set })
                {
                    setIds.Add(effect.DeadlineId);
                }

                if (deadline is not null && statement.Due is not null)
                {
                    mentionedBefore.Add(deadline.Id);
                }

                var title = TitleOf(statement);
                if (!title.Any(char.IsLetterOrDigit))
                {
                    // A clause of a date and punctuation ("As a 2015 ceasefire ?!" cut to nothing): the sentence, else the date it gives.
                    var sentence = article.Sentences[statement.First.Number - 1].Text;
                    title = Title(sentence, []) is var whole && whole.Any(char.IsLetterOrDigit) ? whole : Title(statement.Date.Written, []);
                }

                var id = MakeEventId(statement, title);
                for (var n = 2; !ids.Add(id); n++)
                {
                    id = $"{MakeEventId(statement, title)}-{n}";
                }

                var sentenceNames = statement.Sentences.SelectMany(n => readings[n].Names).ToList();
                var country = sentenceNames.FirstOrDefault(n => n.Country is not null)?.Country ?? MainCountry;
                var place = statement.NamesFound.FirstOrDefault(n => n.Place && n.Country is null)?.Text;
                var tags = new List<string>();
                foreach (var name in sentenceNames.Where(n => n.IsAcronym || n.Acronym is not null || n.Place))
                {
                    var tag = Names.Slug(name.Acronym ?? name.Text);
                    if (tag.Length > 0 && !tags.Contains(tag))
                    {
                        tags.Add(tag);
                    }
                }

                if (country is not null && Names.Slug(country.Name) is var countryTag && !tags.Contains(countryTag))
                {
                    tags.Insert(0, countryTag);
                }

                events.Add(new ProposedEvent(id, title, statement.Date, statement.Quotes[0])
                {
                    Summary = statement.Quotes.Count > 1 ? string.Join(" ", statement.Quotes.Skip(1)) : null,
                    Sentences = [.. statement.Sentences],
                    Actors = [.. statement.Actors.Distinct()],
                    Tags = tags,
                    Place = place,
                    Country = country?.Alpha3,
                    Kind = statement.Clause.Speech is not null ? "Statement" : "",
                    Deadline = effect,
                    Confidence = statement.Confidence,
                    Reason = string.Join("; ", statement.Reasons),
                });
            }

            FinishedDeadlines = [.. deadlines.Select(d => d with { SetInText = setIds.Contains(d.Id) })];

            return events;
        }

        private ProposedDeadline? DeadlineOf(Statement statement, List<ProposedDeadline> deadlines)
        {
            if (deadlines.Count == 0)
            {
                return null;
            }

            if (statement.Due is { } due)
            {
                return deadlines.First(d => d.Due.Latest == due.Reading.Latest);
            }

            // Without a due date of its own, the deadline the text spoke of last before it (else the first one it names).
            var at = statement.Sentences[0];
            return deadlines.Where(d => d.Mentions[0].Sentence <= at).MaxBy(d => d.Mentions.Where(m => m.Sentence <= at).Max(m => m.Sentence)) ?? deadlines[0];
        }

        private static ProposedEffect? ProposeEffect(Statement statement, ProposedDeadline? deadline, HashSet<string> mentionedBefore)
        {
            if (deadline is null || (statement.Triggers.Count == 0 && statement.Due is null))
            {
                return null;
            }

            var triggers = statement.Triggers.Select(t => t.Words).Distinct().ToList();
            var effect = DeadlineTriggers.Strongest(statement.Triggers);

            // "… would retake the town by 31 December. He does not foresee any extension": the first word of a
            // deadline sets it; that no extension is foreseen restates it only when it was given before.
            var restatedLater = effect == DeadlineEffectType.Reaffirmed && statement.Triggers.TrueForAll(t => statement.Continued.Contains(t) || t.Effect != DeadlineEffectType.Reaffirmed);
            if (restatedLater && statement.Due is not null && !mentionedBefore.Contains(deadline.Id))
            {
                effect = DeadlineEffectType.Unspecified;
            }

            if (effect == DeadlineEffectType.Unspecified)
            {
                // A commitment with a due date and no word of its own: it restates a deadline the text gave before, else it sets one.
                effect = mentionedBefore.Contains(deadline.Id) ? DeadlineEffectType.Reaffirmed : DeadlineEffectType.Set;
                if (statement.Modal is { } modal)
                {
                    triggers.Insert(0, modal);
                }
            }

            if (statement.Due is { } due && !triggers.Contains(due.Span.Text))
            {
                triggers.Add(due.Span.Text);
            }

            var gives = statement.Due is not null && effect is DeadlineEffectType.Set or DeadlineEffectType.Extended;
            return new ProposedEffect(deadline.Id, effect, triggers)
            {
                Due = gives || statement.Due is not null ? statement.Due?.Reading : null,
                DueText = statement.Due?.Span.Text,
                Title = effect == DeadlineEffectType.Set ? (deadline.Title.Length > 0 ? deadline.Title : $"Due {deadline.Due.Latest}") : null,
                Responsible = effect == DeadlineEffectType.Set ? statement.Speaker : null,
            };
        }

        private string TitleOf(Statement statement)
        {
            var source = statement.TitleSource ?? statement;
            var sentence = article.Sentences[source.First.Number - 1].Text;
            var remove = readings[source.First.Number].Found.Where(f => f.Role == DateRole.Occurred && !f.Span.Attributive).Select(f => f.Span.Text).ToList();
            if (source.Speaker is { } speaker && source.Reported is { } reported)
            {
                var said = Title(sentence[reported.Start..reported.End], remove);
                return said.Length > 0 ? $"{speaker}: {char.ToLowerInvariant(said[0])}{said[1..]}" : speaker;
            }

            var clause = source.Clause;
            var text = sentence[clause.Start..clause.End];
            if (source.Reported is { } reportedClause && reportedClause.Start >= clause.End)
            {
                text = sentence[clause.Start..reportedClause.End]; // "The governor insisted … that the handover would happen on time by 30 June"
            }

            if (source.WholeSentence)
            {
                text = string.Concat(readings[source.First.Number].Clauses.Where(c => c.Kind != ClauseKind.Subordinate).Select(c => sentence[c.Start..c.End]));
            }

            if (clause.Kind == ClauseKind.Relative)
            {
                text = Antecedent(sentence, clause) + " " + Regex.Replace(text.TrimStart(',', ' '), @"^(?:which|who|whom|where)\s+", "", RegexOptions.IgnoreCase);
            }

            return Title(text, remove);
        }

        /// <summary>The words a relative clause is about: back from its comma to a preposition or a verb ("launched by the military junta, which …" → "the military junta").</summary>
        private static string Antecedent(string sentence, Clause clause) =>
            AntecedentStart(sentence, clause) is { } start ? sentence[start..clause.Start].TrimEnd(',', ' ') : "";

        private static int? AntecedentStart(string sentence, Clause clause)
        {
            var before = Names.Words(sentence[..clause.Start]);
            var first = before.Count;
            while (first > 0 && before.Count - first < 5 && before[first - 1].Text.ToLowerInvariant() is not ("by" or "of" or "in" or "from" or "with" or "to" or "for" or "on" or "at" or "and" or "that"))
            {
                first--;
            }

            return first < before.Count ? before[first].Start : null;
        }

        private static string MakeEventId(Statement statement, string title)
        {
            var words = Names.Words(title).Select(w => w.Text.ToLowerInvariant()).Where(w => !IdStopWords.Contains(w)).Take(5);
            var date = Names.Slug(statement.Date.Date.Edtf.Replace("/", "-", StringComparison.Ordinal));
            return Names.Slug($"{date}-{string.Join("-", words)}", 100);
        }

        private static Clause ClauseAt(List<Clause> clauses, int position) =>
            clauses.LastOrDefault(c => c.Start <= position) ?? clauses[0];

        /// <summary>The clause that reports a complement or a quotation, else the clause itself.</summary>
        private static Clause FrameOf(List<Clause> clauses, Clause clause) =>
            clause.Frame is { } frame ? clauses[frame] : clause;
    }

    private sealed record SentenceReading(List<Clause> Clauses, List<Name> Names, List<FoundDate> Found);
}
