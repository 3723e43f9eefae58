using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Timeline.ServiceDefaults.Security;

/// <summary>
/// Recognizes the SHA-256 of a secret anyone could guess. A service holds only the hash of each
/// token, so it cannot measure the secret's length; it recognizes the hash of the empty string (what
/// the README's recipe gives when the variable holding the secret is empty), of every secret of 1 to
/// <see cref="MaxGuessedLength"/> printable ASCII characters, and of common placeholders
/// ("password", "changeme", ...). A verdict is kept per hash, so a process that starts services
/// again and again (the tests, the CLI's embedded mode) enumerates once per hash.
/// </summary>
internal static class WeakSecrets
{
    /// <summary>Secrets up to this many printable ASCII characters are refused (95³ ≈ 870,000 hashes to compare).</summary>
    public const int MaxGuessedLength = 3;

    private static readonly string[] Placeholders =
    [
        "password", "passw0rd", "secret", "changeme", "change-me", "token", "test", "testing", "admin", "root", "timeline",
        "1234", "12345", "123456", "1234567", "12345678", "123456789", "1234567890", "qwerty", "letmein", "default",
        "example", "bearer", "ingest", "reader", "writer", "dashboard", "none", "null", "undefined", "true", "false",
    ];

    private static readonly ConcurrentDictionary<string, string?> Verdicts = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>For each of <paramref name="hexHashes"/> (64 hex digits each) that is a guessable secret's, what the secret is like.</summary>
    public static IReadOnlyDictionary<string, string> Find(IEnumerable<string> hexHashes)
    {
        var unknown = hexHashes.Where(h => !Verdicts.ContainsKey(h)).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (unknown.Count > 0)
        {
            var found = Enumerate([.. unknown.Select(h => (Convert.FromHexString(h), h))]);
            foreach (var hash in unknown)
            {
                Verdicts[hash] = found.GetValueOrDefault(hash);
            }
        }

        return hexHashes.Select(h => (h, Verdicts.GetValueOrDefault(h)))
            .Where(x => x.Item2 is not null)
            .DistinctBy(x => x.h, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(x => x.h, x => x.Item2!, StringComparer.OrdinalIgnoreCase);
    }

    private static Dictionary<string, string> Enumerate(List<(byte[] Bytes, string Hex)> wanted)
    {
        var found = new ConcurrentDictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        Check(wanted, [], found, "the empty string (was the variable holding the secret empty?)");
        foreach (var placeholder in Placeholders)
        {
            Check(wanted, Encoding.UTF8.GetBytes(placeholder), found, "a common placeholder secret");
        }

        // Every printable ASCII string of 1..MaxGuessedLength characters, split by its first character.
        Parallel.For(0, 95, first =>
        {
            Span<byte> text = stackalloc byte[MaxGuessedLength];
            Span<byte> hash = stackalloc byte[32];
            text[0] = (byte)(' ' + first);
            for (var length = 1; length <= MaxGuessedLength; length++)
            {
                var rest = (int)Math.Pow(95, length - 1);
                for (var i = 0; i < rest; i++)
                {
                    var v = i;
                    for (var k = 1; k < length; k++)
                    {
                        text[k] = (byte)(' ' + (v % 95));
                        v /= 95;
                    }

                    SHA256.HashData(text[..length], hash);
                    if (Lookup(wanted, hash) is { } hex)
                    {
                        found[hex] = $"a secret of only {length} character{(length == 1 ? "" : "s")}";
                    }
                }
            }
        });
        return new Dictionary<string, string>(found, StringComparer.OrdinalIgnoreCase);
    }

    private static void Check(List<(byte[] Bytes, string Hex)> wanted, byte[] secret, ConcurrentDictionary<string, string> found, string what)
    {
        if (Lookup(wanted, SHA256.HashData(secret)) is { } hex)
        {
            found[hex] = what;
        }
    }

    private static string? Lookup(List<(byte[] Bytes, string Hex)> wanted, ReadOnlySpan<byte> hash)
    {
        foreach (var (bytes, hex) in wanted)
        {
            if (hash.SequenceEqual(bytes))
            {
                return hex;
            }
        }

        return null;
    }
}
