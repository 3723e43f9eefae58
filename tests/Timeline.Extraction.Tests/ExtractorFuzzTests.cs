using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Timeline.Domain.Dates;
using Timeline.Extraction;
using FuzzyDate = Timeline.Domain.Dates.FuzzyDate;

namespace Timeline.Extraction.Tests;

/// <summary>
/// No text crashes the extractor (issue 28 item 1). FsCheck writes articles from pieces of wire-service
/// prose (speech verbs, modals, dates of every family, quotations in every style, brackets, dashes,
/// unicode punctuation, empty clauses) and mutates them (a character cut, doubled or swapped for a
/// quote or a bracket; sentences run together into one very long one). Whatever the text, the
/// extractor returns a draft, and every date it proposes is the one the storage service would read
/// from the phrase it sends.
/// </summary>
public sealed class ExtractorFuzzTests
{
    private static readonly string[] Pieces =
    [
        "He says the law will", "“help.”", "\"help.\"", "The ministry said", "the convoy would leave", "within days", "on 3 May", "by 31 December",
        "since late August", "in 2020", "a 2015 ceasefire", "talks could resume next month", "might slip into 2025", "Thursday evening",
        "overnight", "in the early hours of Monday", "the night of 6 to 7 May", "the second Wednesday of June", "the 12 months to June",
        "year to date", "the first half", "the April-June quarter", "the month before last", "a year ago this week", "5 March next year",
        "not later than 1 July", "within a fortnight", "throughout the 1980s", "the 2019/20 season", "fiscal 2026", "this fiscal year",
        "2020-05-01T23:30:00-04:00", "through June", "the 19th century", "Saturday (14 October)", "on the same day", "the next day",
        "will", "would", "must", "is to", "expected to", "has been", "are seeking", "begins to", "said that", "added", "that",
        "(", ")", "[", "]", "{", "}", "“", "”", "‘", "’", "\"", "'", "«", "»", "„", "—", "–", "-", ";", ",", ", ,", ";;", ":", "…", "...",
        ".", "!", "?", "?!", "U.N.", "Mr.", "Gen.", "52.5", "2690", "some 2000 troops", "MINUSMA", "Abdoulaye Diop", "the UN",
        "\u200b", "\u00a0", "\t", "é", "🙂", "Ⅻ", "٣", "the", "a", "which", ", which", ", while", "While", "As", "But", "deadline",
        "extended", "postponed", "at risk", "does not foresee any extension", "on time", "completed", "began withdrawing",
    ];

    private static readonly string[] Inserts = ["\"", "“", "”", "(", ")", "[", "—", ";", ",", ".", "'", "’", " ", "\n", "will", "\u200b", "«", "»"];

    private static readonly CalendarDay Published = CalendarDay.Parse("2023-10-16");

    /// <summary>Articles: sentences of pieces, some mutated, some of several hundred words.</summary>
    public static Arbitrary<string> Articles()
    {
        var sentence = Gen.Choose(0, 25).SelectMany(n => Gen.ArrayOf(Gen.Elements(Pieces), n)).Select(words => string.Join(" ", words));
        var longSentence = Gen.Choose(200, 600).SelectMany(n => Gen.ArrayOf(Gen.Elements(Pieces), n)).Select(words => string.Join(" ", words));
        var paragraph = Gen.Choose(1, 6).SelectMany(n => Gen.ArrayOf(Gen.Frequency((9, sentence), (1, longSentence)), n)).Select(s => string.Join(" ", s));
        var article = Gen.Choose(1, 5).SelectMany(n => Gen.ArrayOf(paragraph, n)).Select(p => string.Join("\n", p));
        return (from text in article
                from mutations in Gen.ArrayOf(Gen.Zip(Gen.Choose(0, 3), Gen.Zip(Gen.Choose(0, 100_000), Gen.Elements(Inserts))), 4)
                select Mutate(text, mutations)).ToArbitrary();
    }

    private static string Mutate(string text, (int Kind, (int At, string Insert) Where)[] mutations)
    {
        foreach (var (kind, (at, insert)) in mutations)
        {
            if (text.Length == 0)
            {
                break;
            }

            var i = at % text.Length;
            text = kind switch
            {
                0 => text.Remove(i, 1),
                1 => text.Insert(i, insert),
                2 => text.Insert(i, text[i].ToString()),
                _ => text,
            };
        }

        return text;
    }

    /// <summary>The text a CI run's fuzz found: a due date read across a clause's end (Subject cut a negative length).</summary>
    [Property(Arbitrary = [typeof(ExtractorFuzzTests)], MaxTest = 1, Replay = "(15444278526379369322,14717498758995380963,24)")]
    public void A_due_date_read_across_a_clauses_end_gives_a_draft_too(string text) =>
        Any_text_gives_a_draft_whose_dates_are_what_the_storage_service_reads(text);

    [Property(Arbitrary = [typeof(ExtractorFuzzTests)], MaxTest = 400)]
    public void Any_text_gives_a_draft_whose_dates_are_what_the_storage_service_reads(string text)
    {
        var draft = DraftExtractor.Extract(ArticleText.FromPlainText(text), new ExtractOptions(Published));

        foreach (var e in draft.Events)
        {
            Assert.True(e.Title.Any(char.IsLetterOrDigit), $"an event titled '{e.Title}' (sentences {string.Join(",", e.Sentences)})");
            if (e.Occurred.Text is { } phrase)
            {
                SameBounds(e.Occurred.Date, NewsDates.Resolve(phrase, Published, ReadDirection.Past), phrase);
            }

            if (e.Deadline is { DueText: { } due, Due: { } reading })
            {
                SameBounds(reading, NewsDates.Resolve(due, Published, ReadDirection.Future), due);
            }
        }
    }

    [Theory]
    [InlineData("He says the law will \"help.\"")]
    [InlineData("He says the law will “help.”")]
    [InlineData("The law will")]
    [InlineData("will")]
    [InlineData("\"will\"")]
    [InlineData("They said it is to \"go.\" It is to")]
    [InlineData("“”")]
    [InlineData(", , ; ; — —")]
    [InlineData("(((((")]
    public void Sentences_that_end_on_a_future_word_or_hold_nothing_give_a_draft(string text)
    {
        var draft = DraftExtractor.Extract(ArticleText.FromPlainText(text), new ExtractOptions(CalendarDay.Parse("2013-03-22")));

        Assert.Empty(draft.Deadlines);
        Assert.All(draft.Events, e => Assert.Equal(Confidence.Low, e.Confidence));
    }

    [Fact]
    public void A_sentence_of_thousands_of_words_gives_a_draft()
    {
        var text = string.Join(", ", Enumerable.Repeat("the army said on Saturday (14 October) that troops would leave by 31 December “as planned”", 300)) + ".";

        var draft = DraftExtractor.Extract(ArticleText.FromPlainText(text), new ExtractOptions(Published));

        var deadline = Assert.Single(draft.Deadlines);
        Assert.Equal(CalendarDay.Parse("2023-12-31"), deadline.Due.Latest);
    }

    private static void SameBounds(FuzzyDate proposed, FuzzyDate stored, string phrase) =>
        Assert.True((proposed.Earliest, proposed.Latest) == (stored.Earliest, stored.Latest),
            $"'{phrase}' proposed {proposed.Earliest}..{proposed.Latest}, stored {stored.Earliest}..{stored.Latest}");
}
