using Timeline.Domain.Dates;
using Timeline.Extraction;
using Timeline.V1;

namespace Timeline.Extraction.Tests;

/// <summary>
/// The October 2023 report the product was conceived from (../shared/seeds, a news report: read
/// from there, never copied into the repository), against ARCHITECTURE §1's table: every dated
/// event found with its date and bounds, and the deadline reaffirmed and put at risk, never set.
/// </summary>
public sealed class SeedReportTests
{
    private static readonly CalendarDay Published = CalendarDay.Parse("2023-10-16");

    private static Draft Draft()
    {
        var path = SeedPath();
        if (!File.Exists(path))
        {
            Assert.Skip($"the seed report is not at {path} (../shared/seeds beside the repository)");
        }

        return DraftExtractor.Extract(ArticleText.FromPlainText(File.ReadAllText(path)), new ExtractOptions(Published));
    }

    internal static string SeedPath()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Timeline.sln")))
            {
                return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "seeds", "mali-minusma-withdrawal-2023-10.txt"));
            }
        }

        throw new InvalidOperationException("no Timeline.sln above the test's folder");
    }

    private static ProposedEvent Event(Draft draft, string quoteWords) =>
        Assert.Single(draft.Events, e => e.Quote.Contains(quoteWords, StringComparison.Ordinal) || (e.Summary?.Contains(quoteWords, StringComparison.Ordinal) ?? false));

    private static void Dated(ProposedEvent e, string written, string earliest, string latest)
    {
        Assert.Equal(written, e.Occurred.Text ?? e.Occurred.Edtf);
        Assert.Equal((CalendarDay.Parse(earliest), CalendarDay.Parse(latest)), (e.Occurred.Date.Earliest, e.Occurred.Date.Latest));
    }

    [Fact]
    public void The_headline_and_the_page_furniture_are_not_sentences()
    {
        var draft = Draft();

        Assert.StartsWith("Mali rejects delay", draft.Article.Headline, StringComparison.Ordinal);
        Assert.Equal(["CATEGORIES", "Share This"], draft.Article.LeftOut);
        Assert.Equal(11, draft.Article.Sentences.Count);
        Assert.Empty(draft.Refused);
    }

    [Fact]
    public void Every_dated_event_of_the_table_is_found_with_its_date_and_bounds()
    {
        var draft = Draft();

        Dated(Event(draft, "which seized power in 2020"), "in 2020", "2020-01-01", "2020-12-31");
        Assert.Equal("Military junta seized power", Event(draft, "which seized power in 2020").Title);
        Dated(Event(draft, "Wagner Group have actively operated"), "since late 2021", "2021-09-01", "2021-12-31");
        Dated(Event(draft, "rival armed groups have been seeking"), "Since late August", "2023-08-21", "2023-08-31");
        Dated(Event(draft, "majority-Tuareg separatist groups"), "Since late August", "2023-08-21", "2023-08-31");
        Dated(Event(draft, "stepped up attacks on Malian army posts"), "Since late August", "2023-08-21", "2023-08-31");
        Dated(Event(draft, "likely to impede"), "on Saturday (14 October)", "2023-10-14", "2023-10-14");
        Dated(Event(draft, "does not foresee any extension"), "on Saturday (14 October)", "2023-10-14", "2023-10-14");
        var tessalit = Event(draft, "take their place in Tessalit");
        Dated(tessalit, "2023-10-16~", "2023-10-16", "2023-10-16");
        Assert.True(tessalit.Occurred.Date.Approximate);
        Assert.Equal("Tessalit", tessalit.Place);
        Assert.Equal(8, draft.Events.Count);
        Assert.All(draft.Events, e => Assert.Equal("MLI", e.Country));
    }

    [Fact]
    public void The_deadline_is_reaffirmed_and_put_at_risk_with_its_words_but_not_set()
    {
        var draft = Draft();

        var deadline = Assert.Single(draft.Deadlines);
        Assert.Equal("minusma-withdrawal", deadline.Id);
        Assert.Equal(CalendarDay.Parse("2023-12-31"), deadline.Due.Latest);
        Assert.Equal(["by 31 December", "by the end of 2023", "by 31 December"], deadline.Mentions.Select(m => m.Text));
        Assert.False(deadline.SetInText);
        Assert.Contains(draft.Notes, n => n.Contains("proposes no SET", StringComparison.Ordinal));

        var un = Event(draft, "likely to impede");
        Assert.Equal(DeadlineEffectType.Risk, un.Deadline!.Effect);
        Assert.Contains("likely to impede", un.Deadline.Triggers);
        Assert.Contains("could be hampered", un.Deadline.Triggers);
        Assert.Contains("United Nations", un.Actors);

        var diop = Event(draft, "does not foresee any extension");
        Assert.Equal(DeadlineEffectType.Reaffirmed, diop.Deadline!.Effect);
        Assert.Contains("does not foresee any extension", diop.Deadline.Triggers);
        Assert.Contains("by 31 December", diop.Deadline.Triggers);
        Assert.Equal(CalendarDay.Parse("2023-12-31"), diop.Deadline.Due!.Latest);
        Assert.Equal(["Abdoulaye Diop"], diop.Actors);

        Assert.Equal(2, draft.Events.Count(e => e.Deadline is not null));
        Assert.DoesNotContain(draft.Events, e => e.Deadline?.Effect == DeadlineEffectType.Set);
    }

    [Fact]
    public void Each_proposal_says_how_sure_it_is_and_why()
    {
        var draft = Draft();

        Assert.Equal(Confidence.High, Event(draft, "which seized power in 2020").Confidence);
        Assert.Equal(Confidence.Low, Event(draft, "take their place in Tessalit").Confidence);
        Assert.Contains("under way", Event(draft, "take their place in Tessalit").Reason, StringComparison.Ordinal);
        Assert.Contains("'since'", Event(draft, "majority-Tuareg").Reason, StringComparison.Ordinal);
        Assert.All(draft.Events, e => Assert.NotEqual("", e.Reason));
    }
}
