using System.Text.RegularExpressions;
using Timeline.Domain.Dates;
using Timeline.Domain.Validation;
using Timeline.V1;
using DatePrecision = Timeline.Domain.Dates.DatePrecision;
using FuzzyDate = Timeline.Domain.Dates.FuzzyDate;

namespace Timeline.Extraction;

/// <summary>
/// Turns an article into a draft: one proposed event per dated statement, the deadlines it speaks
/// of and the effects its statements have on them. Rules only, one file per stage (docs/EXTRACT.md):
/// sentences (<see cref="ArticleText"/>), clauses (<see cref="Clauses"/>), dates and their roles
/// (<see cref="DateRoles"/>, on the domain's date scanner and reader), deadline triggers
/// (<see cref="DeadlineTriggers"/>), and the draft: statements (<see cref="Statements"/>), then
/// here the deadlines, each statement's effect on them, titles and ids.
/// </summary>
public static class DraftExtractor
{
    private const int MaxTitle = 100;

    private static readonly HashSet<string> TitleOpeners = ["but", "and", "meanwhile", "however", "yet", "so", "while", "as", "although", "though", "whereas", "that", "also", "then", "when"];

    private static readonly HashSet<string> IdStopWords = ["the", "a", "an", "of", "in", "on", "at", "to", "by", "and", "that", "its", "is", "are", "was", "were", "has", "have", "been", "be", "would", "will", "from", "for", "there", "their", "this"];

    public static Draft Extract(Article article, ExtractOptions options)
    {
        ArgumentNullException.ThrowIfNull(article);
        ArgumentNullException.ThrowIfNull(options);
        var dates = new DateRoles(options.Published);
        var readings = new Dictionary<int, SentenceReading>();
        foreach (var sentence in article.Sentences)
        {
            var clauses = Clauses.Split(sentence.Text);
            var names = Names.Find(sentence.Text);
            readings[sentence.Number] = new SentenceReading(clauses, names, dates.Read(sentence, clauses));
        }

        dates.DeadlineWords.UnionWith(DeadlineTriggers.DeadlineWords);
        var proposed = new Statements(options.Published, dates, readings);
        foreach (var sentence in article.Sentences)
        {
            proposed.Propose(sentence);
        }

        var statements = Statements.Merge(proposed.Found);
        var assembly = new Assembly(article, readings, dates.DueMentions);
        var deadlines = assembly.Deadlines(statements, options.DeadlineId, out var notes);
        var events = assembly.Events(statements, deadlines);
        deadlines = assembly.FinishedDeadlines;
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
            Dates = dates.Found,
            Refused = dates.Refused,
            Undated = proposed.Undated,
            Notes = notes,
        };
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

    /// <summary>The draft stage, second half: the deadlines the due dates name, and each statement as a proposed event with its effect.</summary>
    private sealed class Assembly(Article article, IReadOnlyDictionary<int, SentenceReading> readings, List<(FoundDate Date, string Subject)> dueMentions)
    {
        /// <summary>The deadlines, each knowing whether a statement of the text sets it.</summary>
        public List<ProposedDeadline> FinishedDeadlines { get; private set; } = [];

        /// <summary>The country the text names most: where its events are when a sentence names none.</summary>
        private Country? MainCountry { get; set; }

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
                : DateRoles.Head(mentions[0].Subject);
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
            Statements.AntecedentStart(sentence, clause) is { } start ? sentence[start..clause.Start].TrimEnd(',', ' ') : "";

        private static string MakeEventId(Statement statement, string title)
        {
            var words = Names.Words(title).Select(w => w.Text.ToLowerInvariant()).Where(w => !IdStopWords.Contains(w)).Take(5);
            var date = Names.Slug(statement.Date.Date.Edtf.Replace("/", "-", StringComparison.Ordinal));
            return Names.Slug($"{date}-{string.Join("-", words)}", 100);
        }
    }
}
