namespace Timeline.ServiceDefaults.Security;

/// <summary>The scopes a bearer token can carry; each is also the name of an authorization policy.</summary>
public static class Scopes
{
    public const string EventsWrite = "events:write";
    public const string EventsRead = "events:read";
    public const string TimelineRead = "timeline:read";

    public static readonly IReadOnlyList<string> All = [EventsWrite, EventsRead, TimelineRead];

    /// <summary>The claim type that holds one scope.</summary>
    public const string ClaimType = "scope";
}
