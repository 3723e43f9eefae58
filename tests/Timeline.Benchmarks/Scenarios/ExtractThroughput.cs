using System.Diagnostics;
using System.Text;
using Timeline.Benchmarks.Infrastructure;
using Timeline.Domain.Dates;
using Timeline.Extraction;

namespace Timeline.Benchmarks.Scenarios;

/// <summary>
/// EXTRACT: `timeline extract`'s rules (sentences, clauses, the date scanner, triggers, names) on a
/// 1,000-word news article, against reading the same article's date phrases with the date reader
/// alone (<see cref="NewsDates.Resolve"/> on each phrase the scanner finds): what finding the dates
/// in running text and making a draft costs beyond reading them. A second row holds the whole
/// extraction against the budget of a second per 1,000-word article.
/// </summary>
internal static class ExtractThroughput
{
    public const string Id = "EXTRACT";

    private static readonly CalendarDay Published = CalendarDay.Parse("2023-10-16");

    /// <summary>Sentences in news style covering the reader's families, past and future, statements and deadlines; repeated to 1,000 words.</summary>
    private static readonly string[] Sentences =
    [
        "While the United Nations voiced concern on Saturday (14 October) over fighting in the north, the foreign minister Abdoulaye Diop said that the withdrawal of UN peacekeepers would happen on time by 31 December.",
        "The UN expressed its concern at the weekend that its drawdown could be hampered by an escalation of fighting in the north.",
        "“Heightened tensions and the hostile presence of armed groups are likely to impede the departure of the mission,” the UN wrote.",
        "Since late August, rival armed groups have been seeking to seize territory, while the UN mission there is about to pull out.",
        "The departure of the peacekeepers by the end of 2023 is part of a reconfiguration launched by the military junta, which seized power in 2020.",
        "But Abdoulaye Diop said on the same day that “everything must be done to ensure the work of MINUSMA is finished by 31 December.”",
        "The minister also added that “the government does not foresee any extension of this deadline.”",
        "There has been an escalation in fighting between separatist groups and the Malian army.",
        "Mercenaries from the Russian Wagner Group have actively operated in Mali since late 2021.",
        "Aid agencies said between 12 and 15 June some 2,000 families fled the villages around Ber.",
        "The convoy left Gao two weeks ago and reached Kidal in mid-2022 conditions, officials said.",
        "Talks planned for the first half of next year were moved to Algiers, according to diplomats.",
        "The ceasefire held from March to June 2019 before collapsing in the autumn of 2019.",
        "Markets reopened after Eid al-Adha, and traders expect more customers before Christmas.",
        "The council will vote within 30 days on the mandate, which runs until next spring.",
        "Output fell in Q3 2023 and the ministry expects a recovery later this month.",
        "Aid will arrive in the coming weeks, the agency said, without giving a date.",
        "The airport is expected to reopen by the end of this month, the transport minister said.",
        "Malian soldiers are seeking to take their place in Tessalit, a rural town in the northeast.",
        "Rebels seized the town of Ber on Sunday (15 October), residents said.",
    ];

    public static void Run(BenchContext bench)
    {
        var text = Article(1_000, out var words);
        var article = ArticleText.FromPlainText(text);
        var options = new ExtractOptions(Published);
        var phrases = article.Sentences.SelectMany(s => NewsDateScanner.Scan(s.Text, Published)).Where(s => s.Refusal is null).Select(s => s.Text).ToArray();
        var draft = DraftExtractor.Extract(ArticleText.FromPlainText(text), options);

        void Extract() => DraftExtractor.Extract(ArticleText.FromPlainText(text), options);
        void ReadPhrases()
        {
            foreach (var phrase in phrases)
            {
                try
                {
                    _ = NewsDates.Resolve(phrase, Published, ReadDirection.Past);
                }
                catch (FuzzyDateException)
                {
                    // a phrase that reads only forward
                }
            }
        }

        // Warm both up, then size the loops so one side of a repetition takes about SecondsPerSide.
        var warm = Stopwatch.StartNew();
        while (warm.Elapsed < TimeSpan.FromSeconds(2))
        {
            Extract();
            ReadPhrases();
        }

        var extractLoops = Loops(Extract, bench.Options.SecondsPerSide);
        var readLoops = Loops(ReadPhrases, bench.Options.SecondsPerSide);
        var pairs = new List<Pair>();
        var budget = new List<Pair>();
        for (var rep = 0; rep < bench.Options.Reps; rep++)
        {
            double extractMs = 0, readMs = 0;
            if (rep % 2 == 0)
            {
                extractMs = Time(Extract, extractLoops);
                readMs = Time(ReadPhrases, readLoops);
            }
            else
            {
                readMs = Time(ReadPhrases, readLoops);
                extractMs = Time(Extract, extractLoops);
            }

            pairs.Add(new Pair(extractMs, readMs));
            budget.Add(new Pair(extractMs, 1_000));
        }

        bench.Report.Add(new Row(Id, $"extract's rules on a {words:N0}-word article ({article.Sentences.Count} sentences, {phrases.Length} date phrases) vs the date reader alone on its phrases (time per article)", "ms", Goal.AtMost, 25, pairs));
        bench.Report.Add(new Row(Id, $"extract a {words:N0}-word article vs the issue's budget (baseline = 1 s)", "ms", Goal.AtMost, 0.1, budget));
        bench.Report.Note($"{Id}: the article proposes {draft.Events.Count} events and {draft.Deadlines.Count} deadlines; one extraction {Report.Number(Stats.Median(pairs.Select(p => p.Value)))} ms, the reader on its {phrases.Length} phrases {Report.Number(Stats.Median(pairs.Select(p => p.Baseline)))} ms");
    }

    /// <summary>
    /// The sentences repeated, a paragraph each seven (so no paragraph repeats an earlier one, which
    /// the reader would leave out as a repeat), up to <paramref name="target"/> words.
    /// </summary>
    internal static string Article(int target, out int words)
    {
        var text = new StringBuilder("Mali rejects delay in UN troops’ departure\n\n");
        words = 0;
        for (var i = 0; words < target; i++)
        {
            var sentence = Sentences[i % Sentences.Length];
            text.Append(sentence).Append(i % 7 == 6 ? "\n" : " ");
            words += sentence.Split(' ').Length;
        }

        return text.ToString();
    }

    private static int Loops(Action work, double seconds)
    {
        var watch = Stopwatch.StartNew();
        var n = 0;
        while (watch.Elapsed.TotalSeconds < seconds / 4)
        {
            work();
            n++;
        }

        return Math.Max(1, n * 4);
    }

    /// <summary>Milliseconds per call, over <paramref name="loops"/> calls.</summary>
    private static double Time(Action work, int loops)
    {
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < loops; i++)
        {
            work();
        }

        return watch.Elapsed.TotalMilliseconds / loops;
    }
}
