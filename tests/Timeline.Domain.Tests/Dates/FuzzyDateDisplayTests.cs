using Timeline.Domain.Dates;

namespace Timeline.Domain.Tests.Dates;

public sealed class FuzzyDateDisplayTests
{
    private static readonly CalendarDay Reference = new(2023, 10, 16);

    [Theory]
    [InlineData("since late August", ReadDirection.Past, "late August 2023")]
    [InlineData("Saturday (14 October)", ReadDirection.Past, "Sat 14 Oct 2023")]
    [InlineData("in 2020", ReadDirection.Past, "2020")]
    [InlineData("since late 2021", ReadDirection.Past, "late 2021")]
    [InlineData("by the end of 2023", ReadDirection.Future, "late 2023")]
    public void Architecture_examples(string text, ReadDirection direction, string display)
    {
        Assert.Equal(display, NewsDates.Resolve(text, Reference, direction).Display);
    }

    [Theory]
    [InlineData("in October", "Sun 1 Oct 2023 – Mon 16 Oct 2023")]
    [InlineData("in 2023", "Sun 1 Jan 2023 – Mon 16 Oct 2023")]
    [InlineData("late summer 2021", "August 2021")]
    [InlineData("the late 2000s", "late 2000s")]
    [InlineData("before 2020", "2019 or earlier")]
    public void A_cut_or_narrowed_period_shows_its_bounds_and_reads_back_to_them(string text, string display)
    {
        var date = NewsDates.Resolve(text, Reference, ReadDirection.Past);
        var back = NewsDates.Resolve(date.Display, Reference, ReadDirection.Past);

        Assert.Equal(display, date.Display);
        Assert.Equal((date.Earliest, date.Latest), (back.Earliest, back.Latest));
    }
}
