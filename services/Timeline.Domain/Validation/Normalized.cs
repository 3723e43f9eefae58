namespace Timeline.Domain.Validation;

/// <summary>
/// How a tag, an actor and a country are compared: the one home of these rules, used when an
/// event is written (<see cref="NewEventValidator"/>) and when a filter is read
/// (<see cref="Events.EventCriteria"/>), so a filter value matches exactly what was stored.
/// </summary>
public static class Normalized
{
    /// <summary>Tags are lower case, without surrounding blanks.</summary>
    public static string Tag(string tag) => tag.Trim().ToLowerInvariant();

    /// <summary>Actors keep their case, without surrounding blanks.</summary>
    public static string Actor(string actor) => actor.Trim();

    /// <summary>Countries are ISO 3166-1 alpha-3 codes in upper case.</summary>
    public static string Country(string country) => country.Trim().ToUpperInvariant();
}
