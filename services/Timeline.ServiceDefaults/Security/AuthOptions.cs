namespace Timeline.ServiceDefaults.Security;

/// <summary>
/// Configuration section <c>Auth</c>. Tokens are configured by name with only their SHA-256 hash
/// (hex), never the token itself, e.g. <c>Auth:Tokens:ingest:Sha256</c> and
/// <c>Auth:Tokens:ingest:Scopes:0 = events:write</c>.
/// </summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    public Dictionary<string, TokenEntry> Tokens { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Concurrent streaming calls one caller may hold open.</summary>
    public int MaxStreamsPerCaller { get; set; } = 1_000;

    /// <summary>Append requests one caller may make per second (token bucket, with a burst of twice as many).</summary>
    public int AppendsPerSecondPerCaller { get; set; } = 5_000;

    /// <summary>True when no token is configured: the service then serves loopback only, with every scope.</summary>
    public bool IsOpen => Tokens.Count == 0;
}

/// <summary>One configured token.</summary>
public sealed class TokenEntry
{
    /// <summary>Lower- or upper-case hex SHA-256 of the token's UTF-8 bytes.</summary>
    public string Sha256 { get; set; } = "";

    public List<string> Scopes { get; set; } = [];
}
