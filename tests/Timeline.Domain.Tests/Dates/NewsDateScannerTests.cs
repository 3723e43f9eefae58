using Timeline.Domain.Dates;

namespace Timeline.Domain.Tests.Dates;

/// <summary>
/// Date phrases found in running text (sentences written for these tests, in news style), with the
/// span the scanner finds and the bounds it reads looking back (an event) or forward (a deadline),
/// against Monday 16 October 2023.
/// </summary>
public sealed class NewsDateScannerTests
{
    private static readonly CalendarDay Monday = CalendarDay.Parse("2023-10-16");

    private static DateSpan Single(string sentence)
    {
        var spans = NewsDateScanner.Scan(sentence, Monday);
        return Assert.Single(spans);
    }

    private static void Found(string sentence, string span, bool past, string earliest, string latest)
    {
        var found = Single(sentence);
        Assert.Equal(span, found.Text);
        Assert.Equal(span, sentence.Substring(found.Start, found.Length));
        var reading = past ? found.Past : found.Future;
        Assert.NotNull(reading);
        Assert.Equal((CalendarDay.Parse(earliest), CalendarDay.Parse(latest)), (reading.Earliest, reading.Latest));
    }

    [Theory]
    [InlineData("Rebels seized the town on Saturday (14 October), residents said.", "on Saturday (14 October)", "2023-10-14", "2023-10-14")]
    [InlineData("The convoy was attacked on 3 September near Gao.", "on 3 September", "2023-09-03", "2023-09-03")]
    [InlineData("The talks opened on October 14, 2023 in Algiers.", "on October 14, 2023", "2023-10-14", "2023-10-14")]
    [InlineData("Fighting resumed yesterday in the north.", "yesterday", "2023-10-15", "2023-10-15")]
    [InlineData("The governor resigned last Friday after the protests.", "last Friday", "2023-10-13", "2023-10-13")]
    [InlineData("The attack came two weeks ago, officials said.", "two weeks ago", "2023-10-02", "2023-10-08")]
    [InlineData("Elections were held on 14/10/2023 across the country.", "on 14/10/2023", "2023-10-14", "2023-10-14")]
    [InlineData("The base was handed over on 2023-10-14 without incident.", "on 2023-10-14", "2023-10-14", "2023-10-14")]
    public void Days(string sentence, string span, string earliest, string latest) => Found(sentence, span, past: true, earliest, latest);

    [Theory]
    [InlineData("The army seized power in 2020.", "in 2020", "2020-01-01", "2020-12-31")]
    [InlineData("Unrest spread in August across the region.", "in August", "2023-08-01", "2023-08-31")]
    [InlineData("Rival armed groups have sought territory since late August.", "since late August", "2023-08-21", "2023-08-31")]
    [InlineData("Mercenaries have operated in Mali since late 2021.", "since late 2021", "2021-09-01", "2021-12-31")]
    [InlineData("The mission was reinforced in mid-2022 by helicopters.", "in mid-2022", "2022-05-01", "2022-08-31")]
    [InlineData("The group first appeared in the early 1990s in the Sahel.", "in the early 1990s", "1990-01-01", "1993-12-31")]
    [InlineData("The famine of the 19th century left deep scars.", "the 19th century", "1800-01-01", "1899-12-31")]
    [InlineData("Output fell sharply in Q3 2023, the ministry said.", "in Q3 2023", "2023-07-01", "2023-09-30")]
    [InlineData("Prices rose in the first half of last year.", "in the first half of last year", "2022-01-01", "2022-06-30")]
    [InlineData("The drought began in the autumn of 2019 and lasted.", "in the autumn of 2019", "2019-09-01", "2019-11-30")]
    [InlineData("Floods struck last autumn across the delta.", "last autumn", "2022-09-01", "2022-11-30")]
    [InlineData("The ministry said earlier this month that it had paid.", "earlier this month", "2023-10-01", "2023-10-16")]
    [InlineData("Refugees have arrived over the past three months.", "over the past three months", "2023-07-16", "2023-10-16")]
    [InlineData("The camp was emptied between 12 and 15 June.", "between 12 and 15 June", "2023-06-12", "2023-06-15")]
    [InlineData("The roads were closed June 12-15 after the rains.", "June 12-15", "2023-06-12", "2023-06-15")]
    [InlineData("The blockade lasted from late 2021 to mid-2022, aid groups said.", "from late 2021 to mid-2022", "2021-09-01", "2022-08-31")]
    [InlineData("The ceasefire held from March to June 2019.", "from March to June 2019", "2019-03-01", "2019-06-30")]
    [InlineData("The market was attacked before Christmas, witnesses said.", "before Christmas", "-9999-01-01", "2022-12-24")]
    [InlineData("Shops reopened after Eid al-Adha in the capital.", "after Eid al-Adha", "2023-06-29", "2023-10-16")]
    [InlineData("The town changed hands around 2020, according to locals.", "around 2020", "2020-01-01", "2020-12-31")]
    [InlineData("The mine has been closed since 2023-08~, workers said.", "since 2023-08~", "2023-08-01", "2023-08-31")]
    public void Periods_as_events(string sentence, string span, string earliest, string latest) => Found(sentence, span, past: true, earliest, latest);

    [Theory]
    [InlineData("The withdrawal will be finished by 31 December.", "by 31 December", "2023-12-31", "2023-12-31")]
    [InlineData("The junta promised to hand over power by the end of 2023.", "by the end of 2023", "2023-09-01", "2023-12-31")]
    [InlineData("Troops must leave within 30 days, the council said.", "within 30 days", "2023-10-16", "2023-11-15")]
    [InlineData("The report is due by the end of this month.", "by the end of this month", "2023-10-21", "2023-10-31")]
    [InlineData("A vote is expected later this month in parliament.", "later this month", "2023-10-17", "2023-10-31")]
    [InlineData("The camp will close by the start of next year.", "by the start of next year", "2024-01-01", "2024-01-01")]
    [InlineData("The mandate runs until next spring under the deal.", "until next spring", "2024-03-01", "2024-05-31")]
    [InlineData("The last convoy should leave before Christmas.", "before Christmas", "-9999-01-01", "2023-12-24")]
    [InlineData("Talks are planned in the next three months.", "in the next three months", "2023-10-16", "2024-01-16")]
    [InlineData("The airport should reopen by Eid al-Fitr, officials said.", "by Eid al-Fitr", "2024-04-10", "2024-04-10")]
    public void Periods_as_deadlines(string sentence, string span, string earliest, string latest) => Found(sentence, span, past: false, earliest, latest);

    /// <summary>More of each family, in both tenses: the whole phrase is found, and read as the reader reads it alone.</summary>
    [Theory]
    [InlineData("The harvest failed in summer 2023 across the Sahel.", "in summer 2023", true)]
    [InlineData("The ministry hopes to finish the road by next spring.", "by next spring", false)]
    [InlineData("Clashes broke out in early winter near the border.", "in early winter", true)]
    [InlineData("Exports grew in the third quarter of last year, customs said.", "in the third quarter of last year", true)]
    [InlineData("The bank will publish its review in H1 2024.", "in H1 2024", false)]
    [InlineData("The movement grew in the 1990s under military rule.", "in the 1990s", true)]
    [InlineData("The mines were sold in the late 2000s to foreign firms.", "in the late 2000s", true)]
    [InlineData("Curfews were lifted during Ramadan, residents said.", "during Ramadan", true)]
    [InlineData("The parties must agree by New Year's Day, the mediator said.", "by New Year's Day", false)]
    [InlineData("Prices have risen since Easter in the capital.", "since Easter", true)]
    [InlineData("The envoy visited Gao last week, officials said.", "last week", true)]
    [InlineData("Protests are expected this weekend in Bamako.", "this weekend", false)]
    [InlineData("The border post was abandoned a month ago, traders said.", "a month ago", true)]
    [InlineData("The army must withdraw within six weeks, the deal says.", "within six weeks", false)]
    [InlineData("The road must reopen by month-end, the governor said.", "by month-end", false)]
    [InlineData("The council will decide by the end of the decade.", "by the end of the decade", false)]
    [InlineData("Schools closed from the 2nd to the 5th of October.", "from the 2nd to the 5th of October", true)]
    [InlineData("The count ended between May and July 2023, officials said.", "between May and July 2023", true)]
    [InlineData("The rebels held the town in 1851-52, historians say.", "in 1851-52", true)]
    [InlineData("The fort dates from 44 BC, archaeologists said.", "44 BC", true)]
    [InlineData("The mission arrived in mid-October and stayed.", "in mid-October", true)]
    [InlineData("Aid should arrive early next week, the agency said.", "early next week", false)]
    public void More_phrases_of_each_family_are_found_whole(string sentence, string span, bool past)
    {
        var found = Single(sentence);
        var direction = past ? ReadDirection.Past : ReadDirection.Future;

        Assert.Equal(span, found.Text);
        var reading = found.In(direction);
        Assert.NotNull(reading);
        Assert.Equal(NewsDates.Resolve(span, Monday, direction) with { Text = null }, reading with { Text = null });
    }

    [Fact]
    public void Two_dates_in_one_sentence_are_two_spans_in_order()
    {
        const string sentence = "The departure of the peacekeepers by the end of 2023 is part of a plan launched by the junta, which seized power in 2020.";
        var spans = NewsDateScanner.Scan(sentence, Monday);

        Assert.Equal(["by the end of 2023", "in 2020"], spans.Select(s => s.Text));
        Assert.Equal(CalendarDay.Parse("2023-12-31"), spans[0].Future!.Latest);
        Assert.Equal((CalendarDay.Parse("2020-01-01"), CalendarDay.Parse("2020-12-31")), (spans[1].Past!.Earliest, spans[1].Past!.Latest));
    }

    [Fact]
    public void A_list_of_years_is_each_read()
    {
        var spans = NewsDateScanner.Scan("Coups took place in 2020 and 2021 in Bamako.", Monday);

        Assert.Equal(["in 2020", "2021"], spans.Select(s => s.Text));
    }

    [Theory]
    [InlineData("The army may march on Gao, a colonel warned.")]
    [InlineData("The fall of Kabul changed the calculus in the Sahel.")]
    [InlineData("The council adopted resolution 2690 unanimously.")]
    [InlineData("Some 2000 troops remain in the country.")]
    [InlineData("The Arab Spring reached the region quickly.")]
    [InlineData("Officials met in the capital to discuss the plan.")]
    public void Words_that_only_look_like_dates_are_not_dates(string sentence) =>
        Assert.Empty(NewsDateScanner.Scan(sentence, Monday));

    [Theory]
    [InlineData("Aid will arrive in the coming weeks, the agency said.", "in the coming weeks", "gives no number")]
    [InlineData("The mission has recently been cut back.", "recently", "names no period")]
    [InlineData("The rebels said the town fell until Friday (14 October).", "until Friday (14 October)", "is a Saturday, not a Friday")]
    [InlineData("Markets will close for Diwali, traders said.", "for Diwali", "does not compute")]
    [InlineData("Voting took place on 10/7/2008 in the north.", "on 10/7/2008", "could be day/month or month/day")]
    public void A_date_the_reader_refuses_is_found_with_its_reason(string sentence, string span, string reason)
    {
        var found = Single(sentence);

        Assert.Null(found.Past);
        Assert.Null(found.Future);
        Assert.EndsWith(span.Split(' ')[^1], found.Text, StringComparison.Ordinal);
        Assert.Contains(reason, found.Refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_span_reads_as_the_reader_reads_its_words_alone()
    {
        const string text = "Since late August, rival groups have fought; on Saturday (14 October) the UN warned, and the minister said the work will be finished by 31 December, as agreed in 2020.";
        foreach (var span in NewsDateScanner.Scan(text, Monday))
        {
            if (span.Past is { } past)
            {
                Assert.Equal(NewsDates.Resolve(span.Text, Monday, ReadDirection.Past) with { Text = null }, past with { Text = null });
            }

            if (span.Future is { } future)
            {
                Assert.Equal(NewsDates.Resolve(span.Text, Monday, ReadDirection.Future) with { Text = null }, future with { Text = null });
            }
        }
    }
}
