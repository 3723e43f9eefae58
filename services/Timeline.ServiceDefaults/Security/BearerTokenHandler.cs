using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Timeline.ServiceDefaults.HttpJson;

namespace Timeline.ServiceDefaults.Security;

/// <summary>
/// Authenticates <c>authorization: Bearer TOKEN</c> against the configured SHA-256 hashes,
/// comparing in constant time. The principal's name is the token's configured name (it becomes
/// <c>recorded_by</c>); its claims are the token's scopes. With no token configured, every caller
/// is "anonymous" with every scope (the service then only listens on loopback).
/// The token set is the one the service started with (<see cref="IOptions{TOptions}"/>, read once):
/// a configuration file edited or reloaded under a running service never changes who is admitted
/// (docs/SECURITY.md). Only HTTP's own optional whitespace (space, tab) around the token is
/// ignored; any other character, a vertical tab, a form feed or a no-break space, is part of what
/// was presented and so does not match.
/// </summary>
public sealed class BearerTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IOptions<AuthOptions> authOptions) : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, logger, encoder)
{
    public const string SchemeName = "Bearer";
    public const string AnonymousName = "anonymous";

    /// <summary>OWS (RFC 9110 §5.6.3): the only whitespace a header value may carry around a token.</summary>
    private static readonly char[] HttpWhitespace = [' ', '\t'];

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var auth = authOptions.Value;
        if (auth.IsOpen)
        {
            return Task.FromResult(Success(AnonymousName, Scopes.All));
        }

        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || header.Length <= 7)
        {
            return Task.FromResult(AuthenticateResult.Fail("the authorization header is not 'Bearer <token>'"));
        }

        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(header[7..].Trim(HttpWhitespace)));
        string? matched = null;
        List<string>? scopes = null;
        foreach (var (name, entry) in auth.Tokens)
        {
            // Compare against every entry, so the time taken does not tell which one matched.
            if (TryHex(entry.Sha256, out var expected) && CryptographicOperations.FixedTimeEquals(presented, expected) && matched is null)
            {
                matched = name;
                scopes = entry.Scopes;
            }
        }

        return Task.FromResult(matched is null ? AuthenticateResult.Fail("unknown token") : Success(matched, scopes!));
    }

    /// <summary>gRPC callers read the bare 401 as UNAUTHENTICATED; HTTP/JSON callers get a <c>google.rpc.Status</c> too.</summary>
    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        await base.HandleChallengeAsync(properties);
        if (!SecurityDefaults.IsGrpc(Request))
        {
            await JsonStatus.WriteAsync(Response, StatusCodes.Status401Unauthorized, Google.Rpc.Code.Unauthenticated, "a bearer token is required (authorization: Bearer TOKEN)", Context.RequestAborted);
        }
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        await base.HandleForbiddenAsync(properties);
        if (!SecurityDefaults.IsGrpc(Request))
        {
            await JsonStatus.WriteAsync(Response, StatusCodes.Status403Forbidden, Google.Rpc.Code.PermissionDenied, "the token does not carry the scope this call needs", Context.RequestAborted);
        }
    }

    private AuthenticateResult Success(string name, IEnumerable<string> scopes)
    {
        var claims = new List<Claim> { new(ClaimTypes.Name, name) };
        claims.AddRange(scopes.Select(s => new Claim(Scopes.ClaimType, s)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName, ClaimTypes.Name, ClaimTypes.Role));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    private static bool TryHex(string hex, out byte[] bytes)
    {
        try
        {
            bytes = Convert.FromHexString(hex);
            return bytes.Length == 32;
        }
        catch (FormatException)
        {
            bytes = [];
            return false;
        }
    }
}
