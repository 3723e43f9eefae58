using Microsoft.Extensions.Options;

namespace Timeline.ServiceDefaults.Security;

/// <summary>
/// Refuses at start a token configuration that could never admit anyone or that grants what no
/// scope means: a <c>Sha256</c> that is not 64 hex digits, an unknown scope, no scope at all, a
/// per-caller limit below 1. Each failure names the setting.
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
