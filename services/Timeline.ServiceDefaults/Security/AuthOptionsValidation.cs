using Microsoft.Extensions.Options;

namespace Timeline.ServiceDefaults.Security;

/// <summary>
/// Refuses at start a token configuration that could never admit anyone or that grants what no
/// scope means: a <c>Sha256</c> that is not 64 hex digits, an unknown scope, no scope at all, a
/// per-caller limit below 1; and one that admits more than meant: the hash of a secret anyone could
/// guess (<see cref="WeakSecrets"/>: the empty string, a secret of 1-3 characters, a common
/// placeholder), or one secret under two names (which name a caller got, and so its scopes and its
/// <c>recorded_by</c>, would depend on the order of the names). Each failure names the setting.
/// </summary>
internal sealed class AuthOptionsValidation : IValidateOptions<AuthOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var failures = new List<string>();
        foreach (var (token, entry) in options.Tokens)
        {
            var key = $"{AuthOptions.Section}:Tokens:{token}";
            if (entry.Sha256.Length != 64 || !entry.Sha256.All(char.IsAsciiHexDigit))
            {
                failures.Add($"{key}:Sha256 must be the SHA-256 of the token as 64 hex digits (printf %s \"$token\" | sha256sum), not the token itself");
            }

            if (entry.Scopes.Count == 0)
            {
                failures.Add($"{key}:Scopes is empty; give at least one of {string.Join(", ", Scopes.All)}");
            }

            foreach (var (scope, i) in entry.Scopes.Select((s, i) => (s, i)).Where(x => !Scopes.All.Contains(x.s, StringComparer.Ordinal)))
            {
                failures.Add($"{key}:Scopes:{i} '{scope}' is not a scope; use one of {string.Join(", ", Scopes.All)}");
            }
        }

        var wellFormed = options.Tokens.Where(t => t.Value.Sha256.Length == 64 && t.Value.Sha256.All(char.IsAsciiHexDigit)).ToList();
        var weak = WeakSecrets.Find(wellFormed.Select(t => t.Value.Sha256));
        foreach (var (token, entry) in wellFormed.Where(t => weak.ContainsKey(t.Value.Sha256)))
        {
            failures.Add($"{AuthOptions.Section}:Tokens:{token}:Sha256 is the SHA-256 of {weak[entry.Sha256]}: anyone could guess it; " +
                "give each token a long random secret (openssl rand -hex 32)");
        }

        foreach (var shared in wellFormed.GroupBy(t => t.Value.Sha256, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
        {
            var names = shared.Select(t => $"{AuthOptions.Section}:Tokens:{t.Key}").Order(StringComparer.Ordinal).ToList();
            failures.Add($"{string.Join(" and ", names)} have the same Sha256: one secret would be all of them, and which name (scopes, recorded_by) " +
                "a caller got would depend on their order; give each its own secret");
        }

        if (options.MaxStreamsPerCaller < 1)
        {
            failures.Add($"{AuthOptions.Section}:MaxStreamsPerCaller must be at least 1 (got {options.MaxStreamsPerCaller})");
        }

        if (options.AppendsPerSecondPerCaller < 1)
        {
            failures.Add($"{AuthOptions.Section}:AppendsPerSecondPerCaller must be at least 1 (got {options.AppendsPerSecondPerCaller})");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
