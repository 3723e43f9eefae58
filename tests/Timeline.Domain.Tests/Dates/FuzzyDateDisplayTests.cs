using Timeline.Domain.Dates;

namespace Timeline.Domain.Tests.Dates;

public sealed class FuzzyDateDisplayTests
{
    private static readonly DateOnly Reference = new(2023, 10, 16);

    [Theory]
    [InlineData("since late August", "late August 2023")]
    [InlineData("Saturday (14 October)", "Sat 14 Oct 2023")]
    [InlineData("in 2020", "2020")]
    [InlineData("since late 2021", "late 2021")]
    [InlineData("by the end of 2023", "late 2023")]
    public void Architecture_examples(string text, string display)
    {
        Assert.Equal(display, NewsDates.Resolve(text, Reference, ReadDirection.Past).Display);
    }
}
