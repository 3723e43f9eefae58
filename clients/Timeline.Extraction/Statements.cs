using System.Text.RegularExpressions;
using Timeline.Domain.Dates;
using Timeline.V1;

namespace Timeline.Extraction;

/// <summary>What the earlier stages made of one sentence: its clauses, its names and its dates.</summary>
internal sealed record SentenceReading(List<Clause> Clauses, List<Name> Names, List<FoundDate> Found);

/// <summary>A statement while the draft is made: one clause (or a speaker's several), its date, what it reports and the triggers in it.</summary>
internal sealed class Statement(Sentence sentence, Clause clause, ProposedDate date, Confidence confidence, string reason)
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

/// <summary>
/// The draft stage, first half: the statements of each sentence (a clause with a date of its own that
/// happened, the statement that reports each due date, an undated sentence that goes on with or is
/// dated by what came before), with their speakers, actors and triggers; then one speaker's
/// statements of one day joined.
/// </summary>
internal sealed class Statements(CalendarDay published, DateRoles dates, IReadOnlyDictionary<int, SentenceReading> readings)
{
    public List<int> Undated { get; } = [];

    public List<Statement> Found { get; } = [];

    /// <summary>The statements of one sentence, with their triggers; an undated sentence continues, or is dated by, what came before.</summary>
    public void Propose(Sentence sentence)
    {
        var reading = readings[sentence.Number];
        var text = sentence.Text;
        var statements = new List<Statement>();
        var triggers = DeadlineTriggers.InSentence(sentence, reading, dates.DeadlineWords);
        foreach (var date in reading.Found.Where(f => f.Role == DateRole.Occurred && !f.Span.Attributive))
        {
            var clause = Clauses.At(reading.Clauses, date.Span.Start);
            var anaphoric = date.Why.StartsWith("the day of", StringComparison.Ordinal);
            var proposed = new ProposedDate(date.Reading, anaphoric ? AntecedentText(date) : date.Span.Text, null, date.Span.Text);
            var marker = clause.PastMarker ?? clause.PerfectMarker ?? clause.ProgressiveMarker ?? (date.Span.LeadWord == "since" ? "since" : null);
            var confidence = anaphoric ? Confidence.Medium : marker is not null ? Confidence.High : Confidence.Medium;
            var reason = anaphoric
                ? $"'{date.Span.Text}': {date.Why}"
                : $"the clause's own date, {date.Why}";
            var statement = new Statement(sentence, Clauses.FrameOf(reading.Clauses, clause), proposed, confidence, reason);
            statements.Add(statement);
        }

        foreach (var due in reading.Found.Where(f => f.Role == DateRole.Due))
        {
            var clause = Clauses.At(reading.Clauses, due.Span.Start);
            var frame = Clauses.FrameOf(reading.Clauses, clause);
            var subject = dates.DueMentions.First(m => m.Date == due).Subject;
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
                var clause = Clauses.At(reading.Clauses, trigger.Start);
                var owner = statements.FirstOrDefault(s => s.Clause.Contains(trigger.Start) || (s.Reported?.Contains(trigger.Start) ?? false) || s.Clause.Index == clause.Frame)
                    ?? statements.LastOrDefault(s => s.Clause.Start <= trigger.Start) ?? statements[0];
                owner.Triggers.Add(trigger);
            }

            Found.AddRange(statements);
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
            var recent = Found.Where(s => sentence.Number - s.Sentences[^1] <= 3).ToList();

            // "The minister also added that …" goes on with the statement of the minister named before it
            // ("the foreign minister Abdoulaye Diop said …"), else with the paragraph's last one.
            speaker ??= role is null ? null : Found.LastOrDefault(s => s.Role == role && s.Speaker is not null)?.Speaker;
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
            var statement = new Statement(sentence, Clauses.FrameOf(reading.Clauses, reading.Clauses.FirstOrDefault(c => triggers.Exists(t => c.Contains(t.Start))) ?? main), date, confidence, why);
            statement.Triggers.AddRange(triggers);
            SetSpeakerAndActors(statement, sentence, reading);
            Found.Add(statement);
            return;
        }

        var perfect = reading.Clauses.FirstOrDefault(c => c.PerfectMarker is not null && c.Kind is ClauseKind.Main or ClauseKind.Subordinate);
        var since = dates.Found.LastOrDefault(f => f.Role == DateRole.Occurred && f.Span.LeadWord == "since" && f.Sentence < sentence.Number && sentence.Number - f.Sentence <= 8);
        if (perfect is not null && since is not null)
        {
            var statement = new Statement(sentence, perfect, new ProposedDate(since.Reading, since.Span.Text, null, since.Span.Text), Confidence.Low,
                $"no date of its own; '{perfect.PerfectMarker}' tells what has gone on until now: dated by the text's last 'since', '{since.Span.Text}' (sentence {since.Sentence})")
            {
                WholeSentence = true,
            };
            SetSpeakerAndActors(statement, sentence, reading);
            Found.Add(statement);
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
            Found.Add(statement);
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

    /// <summary>Where the words a relative clause is about start: back from its comma to a preposition or a verb.</summary>
    internal static int? AntecedentStart(string sentence, Clause clause)
    {
        var before = Names.Words(sentence[..clause.Start]);
        var first = before.Count;
        while (first > 0 && before.Count - first < 5 && before[first - 1].Text.ToLowerInvariant() is not ("by" or "of" or "in" or "from" or "with" or "to" or "for" or "on" or "at" or "and" or "that"))
        {
            first--;
        }

        return first < before.Count ? before[first].Start : null;
    }


    /// <summary>
    /// One speaker's statements of overlapping days are one statement when they are a few sentences
    /// apart ("The UN voiced concern on Saturday … The UN expressed its concern at the weekend …") or
    /// give the same due date ("Diop said … by 31 December" and, later, "Diop said on the same day … by 31 December").
    /// </summary>
    public static List<Statement> Merge(List<Statement> statements)
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

    internal static bool Compatible(DeadlineEffectType a, DeadlineEffectType b) =>
        a == b || a == DeadlineEffectType.Unspecified || b == DeadlineEffectType.Unspecified;
}
