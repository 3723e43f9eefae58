namespace Timeline.Domain.Dates;

/// <summary>Dates as news writes them ("since late August", "by 31 December"), read against a reference date.</summary>
public static class NewsDates
{
    /// <summary>Resolves a phrase; throws <see cref="FuzzyDateException"/> when it cannot be read without guessing.</summary>
    public static FuzzyDate Resolve(string text, DateOnly reference, ReadDirection direction) => throw new NotImplementedException();
}
