using Timeline.Domain.Dates;
using Timeline.Extraction;
using Timeline.V1;
using FuzzyDate = Timeline.Domain.Dates.FuzzyDate;

namespace Timeline.Extraction.Tests;

/// <summary>Drafts of short articles written for these tests in news style, published on Monday 16 October 2023.</summary>
public sealed class DraftExtractorTests
{
    private static readonly CalendarDay Monday = CalendarDay.Parse("2023-10-16");

    private static Draft Extract(string text, string? deadlineId = null) =>
        DraftExtractor.Extract(ArticleText.FromPlainText(text), new ExtractOptions(Monday) { DeadlineId = deadlineId });

    private static void Bounds(FuzzyDate date, string earliest, string latest) =>
        Assert.Equal((CalendarDay.Parse(earliest), CalendarDay.Parse(latest)), (date.Earliest, date.Latest));

    [Fact]
    public void A_past_verb_makes_an_event_and_a_future_one_a_deadline()
    {
        var draft = Extract("The town was seized in 2020 by the rebels. The government said the withdrawal will be finished by 31 December.");

        var seized = Assert.Single(draft.Dates, d => d.Span.Text == "in 2020");
        Assert.Equal(DateRole.Occurred, seized.Role);
        var due = Assert.Single(draft.Dates, d => d.Span.Text == "by 31 December");
        Assert.Equal(DateRole.Due, due.Role);
        Bounds(due.Reading, "2023-12-31", "2023-12-31");

        var town = Assert.Single(draft.Events, e => e.Occurred.Written == "in 2020");
        Assert.Null(town.Deadline);
        Bounds(town.Occurred.Date, "2020-01-01", "2020-12-31");
        Assert.Equal("The town was seized in 2020 by the rebels.", town.Quote);

        var deadline = Assert.Single(draft.Deadlines);
        Assert.Equal(CalendarDay.Parse("2023-12-31"), deadline.Due.Latest);
        var statement = Assert.Single(draft.Events, e => e.Deadline is not null);
        Assert.Equal(deadline.Id, statement.Deadline!.DeadlineId);
        Assert.Equal(DeadlineEffectType.Set, statement.Deadline.Effect);
        Assert.Contains("by 31 December", statement.Deadline.Triggers);
        Assert.Equal("(the publication date)", statement.Occurred.Written);
    }

    [Fact]
    public void Since_is_an_event_whatever_the_tense()
    {
        var draft = Extract("Fighters have operated in the region since late 2021, the army says.");

        var e = Assert.Single(draft.Events);
        Assert.Equal("since late 2021", e.Occurred.Text);
        Bounds(e.Occurred.Date, "2021-09-01", "2021-12-31");
        Assert.Null(e.Deadline);
        Assert.Equal(Confidence.High, e.Confidence);
    }

    [Fact]
    public void Quoted_future_speech_is_a_deadline_statement_dated_by_its_frame()
    {
        var draft = Extract("The minister said on Tuesday (10 October) that “the last troops will leave by 31 March.”");

        var e = Assert.Single(draft.Events);
        Bounds(e.Occurred.Date, "2023-10-10", "2023-10-10");
        Assert.Equal("Statement", e.Kind);
        Assert.NotNull(e.Deadline);
        Assert.Equal(CalendarDay.Parse("2024-03-31"), e.Deadline.Due!.Latest);
        Assert.Equal("by 31 March", e.Deadline.DueText);
    }

    [Fact]
    public void Reaffirming_risk_and_negated_extension_each_propose_their_effect_with_their_words()
    {
        const string text = """
            On Monday (9 October) the council set a deadline of 30 June for the handover of the base.
            The governor insisted on Thursday (12 October) that the handover would happen on time by 30 June.
            The army warned at the weekend that clashes near the base are likely to impede the handover.
            The governor also said the council does not foresee any extension of this deadline.
            """;
        var draft = Extract(text);

        var deadline = Assert.Single(draft.Deadlines);
        Assert.Equal(CalendarDay.Parse("2024-06-30"), deadline.Due.Latest);
        Assert.True(deadline.SetInText);
        var effects = draft.Events.Where(e => e.Deadline is not null).ToDictionary(e => e.Sentences[0], e => e.Deadline!);
        Assert.Equal(DeadlineEffectType.Set, effects[1].Effect);
        Assert.Contains("set a deadline", effects[1].Triggers);
        Assert.Equal(DeadlineEffectType.Reaffirmed, effects[2].Effect);
        Assert.Contains("on time", effects[2].Triggers);
        Assert.Equal(DeadlineEffectType.Risk, effects[3].Effect);
        Assert.Contains("likely to impede", effects[3].Triggers);

        // The undated fourth sentence goes on with the governor's statement of sentence 2.
        var governor = draft.Events.Single(e => e.Sentences.Contains(2));
        Assert.Contains(4, governor.Sentences);
        Assert.Contains("does not foresee any extension", governor.Deadline!.Triggers);
        Assert.All(effects.Values, e => Assert.Equal(deadline.Id, e.DeadlineId));
    }

    [Theory]
    [InlineData("The council extended the mandate on Friday (13 October) until 30 June 2024.", DeadlineEffectType.Extended, "extended")]
    [InlineData("The government cancelled the referendum on Friday (13 October), which had been due by 30 November.", DeadlineEffectType.Cancelled, "cancelled")]
    [InlineData("The mission said on Friday (13 October) that it had completed its withdrawal, due by 31 December.", DeadlineEffectType.Met, "completed")]
    [InlineData("The junta on Friday (13 October) rejected any delay to the vote due by 30 November.", DeadlineEffectType.Reaffirmed, "rejected any delay")]
    public void Each_effect_family(string sentence, DeadlineEffectType effect, string trigger)
    {
        var draft = Extract(sentence);

        var e = Assert.Single(draft.Events, e => e.Deadline is not null);
        Assert.Equal(effect, e.Deadline!.Effect);
        Assert.Contains(e.Deadline.Triggers, t => t.Contains(trigger.Split(' ')[0], StringComparison.Ordinal));
        Bounds(e.Occurred.Date, "2023-10-13", "2023-10-13");
    }

    [Fact]
    public void A_negated_risk_is_no_risk()
    {
        var draft = Extract("The minister said on Friday (13 October) that the clashes are not likely to impede the withdrawal due by 31 December.");

        var e = Assert.Single(draft.Events);
        Assert.NotEqual(DeadlineEffectType.Risk, e.Deadline!.Effect);
    }

    [Fact]
    public void Completion_words_inside_a_commitment_do_not_meet_the_deadline()
    {
        var draft = Extract("The minister said on Friday (13 October) that “everything must be done to ensure the work is finished by 31 December.”");

        Assert.Equal(DeadlineEffectType.Reaffirmed, Assert.Single(draft.Events).Deadline!.Effect);
    }

    [Fact]
    public void A_refused_date_is_reported_with_its_sentence_and_reason()
    {
        var draft = Extract("The convoy left Gao on 3 October. Aid will arrive in the coming weeks, the agency said.");

        var refused = Assert.Single(draft.Refused);
        Assert.Equal(2, refused.Sentence);
        Assert.Equal("in the coming weeks", refused.Text);
        Assert.Contains("gives no number", refused.Reason, StringComparison.Ordinal);
        Assert.Single(draft.Events);
    }

    [Fact]
    public void The_same_day_is_the_day_given_before_it()
    {
        var draft = Extract("Rebels attacked Kidal on Wednesday (11 October). The army answered on the same day with air strikes.");

        var answer = Assert.Single(draft.Events, e => e.Sentences[0] == 2);
        Assert.Equal("on the same day", answer.Occurred.Written);
        Assert.Equal("on Wednesday (11 October)", answer.Occurred.Text);
        Bounds(answer.Occurred.Date, "2023-10-11", "2023-10-11");
        Assert.Equal(Confidence.Medium, answer.Confidence);
    }

    [Fact]
    public void Actors_places_and_tags_are_the_texts_own_names()
    {
        var draft = Extract("Malian soldiers and Wagner Group fighters took control of the camp in Anefis on Saturday (7 October), in Mali's north.");

        var e = Assert.Single(draft.Events);
        Assert.Contains("Malian soldiers", e.Actors);
        Assert.Contains(e.Actors, a => a.StartsWith("Wagner Group", StringComparison.Ordinal));
        Assert.Equal("MLI", e.Country);
        Assert.Equal("Anefis", e.Place);
        Assert.Contains("anefis", e.Tags);
        Assert.Contains("mali", e.Tags);
    }

    [Fact]
    public void The_deadline_id_can_be_given()
    {
        var draft = Extract("The minister said on Friday (13 October) that the troops would leave by 31 December.", deadlineId: "minusma-withdrawal");

        Assert.Equal("minusma-withdrawal", Assert.Single(draft.Deadlines).Id);
        Assert.Equal("minusma-withdrawal", Assert.Single(draft.Events).Deadline!.DeadlineId);
    }

    [Fact]
    public void The_same_text_gives_the_same_draft()
    {
        const string text = "The UN said on Saturday (14 October) that its withdrawal would end by 31 December. Rebels have held Ber since late August.";

        Assert.Equal(Extract(text).Events.Select(e => (e.Id, e.Title, e.Occurred.Date.Earliest)), Extract(text).Events.Select(e => (e.Id, e.Title, e.Occurred.Date.Earliest)));
    }
}
