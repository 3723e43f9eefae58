using Timeline.Extraction;

namespace Timeline.Extraction.Tests;

public sealed class ArticleTextTests
{
    [Fact]
    public void Sentences_end_at_stops_but_not_after_abbreviations_initials_or_inside_numbers()
    {
        var sentences = ArticleText.SplitSentences("Mr. Diop met Gen. Goïta on Oct. 14 in Bamako. Turnout was 52.5 percent, the U.N. said. “We will leave,” he said. Was it true? Yes.");

        Assert.Equal(["Mr. Diop met Gen. Goïta on Oct. 14 in Bamako.", "Turnout was 52.5 percent, the U.N. said.", "“We will leave,” he said.", "Was it true?", "Yes."], sentences);
    }

    [Fact]
    public void A_closing_quote_stays_with_its_sentence()
    {
        var sentences = ArticleText.SplitSentences("He said “the work is finished by 31 December.” The minister added more.");

        Assert.Equal(["He said “the work is finished by 31 December.”", "The minister added more."], sentences);
    }

    [Fact]
    public void Headline_repeats_wrapped_lines_and_furniture()
    {
        const string text = """
            Floods cut the road to Gao

            Floods cut the road to Gao

            Heavy rains on Sunday washed away the bridge at the
            entrance to the town, officials said. Traffic stopped.
            A second paragraph.

            Share This
            Related
            """;
        var article = ArticleText.FromPlainText(text);

        Assert.Equal("Floods cut the road to Gao", article.Headline);
        Assert.Equal(["Heavy rains on Sunday washed away the bridge at the entrance to the town, officials said.", "Traffic stopped.", "A second paragraph."], article.Sentences.Select(s => s.Text));
        Assert.Equal([1, 1, 2], article.Sentences.Select(s => s.Paragraph));
        Assert.Equal(["Share This", "Related"], article.LeftOut);
    }
}
