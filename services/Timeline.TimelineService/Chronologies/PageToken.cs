using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using Google.Protobuf;
using Timeline.Domain.Validation;

namespace Timeline.TimelineService.Chronologies;

/// <summary>
/// An opaque page token (AIP-158): where to continue, what the earlier pages carried forward, and a
/// fingerprint of the request it belongs to, so that a token used with another request is refused.
/// </summary>
internal sealed record PageToken(string Fingerprint, string? Storage = null, string? MaxLatest = null, string? After = null, string? AsOf = null)
{
    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    public string Encode() => Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(this, Json));

    /// <summary>Null for an empty token; refuses a token that is malformed or from another request.</summary>
    public static PageToken? Decode(string? token, string fingerprint, string field = "page_token")
    {
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }

        PageToken? decoded;
        try
        {
            decoded = JsonSerializer.Deserialize<PageToken>(Base64Url.DecodeFromChars(token), Json);
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            decoded = null;
        }

        if (decoded is null)
        {
            throw ProblemException.Invalid(field, "is not a page token this service issued", "INVALID_PAGE_TOKEN");
        }

        return decoded.Fingerprint == fingerprint
            ? decoded
            : throw ProblemException.Invalid(field, "belongs to a request with other parameters; repeat them unchanged", "INVALID_PAGE_TOKEN");
    }

    /// <summary>A short hash of the request fields that must not change between pages.</summary>
    public static string FingerprintOf(params IMessage?[] parts)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var part in parts)
        {
            hash.AppendData(part is null ? [0] : part.ToByteArray());
            hash.AppendData([0xff]);
        }

        return Convert.ToHexString(hash.GetHashAndReset(), 0, 8);
    }

    public static string FingerprintOf(params string[] parts)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(string.Join('\u001f', parts));
        return Convert.ToHexString(SHA256.HashData(bytes), 0, 8);
    }
}

/// <summary>AIP-158 page sizes: 0 means the default, larger than the maximum is capped, negative is refused.</summary>
internal static class PageSize
{
    public const int Default = 100;
    public const int Maximum = 1000;

    public static int Resolve(int requested, string field = "page_size") => requested switch
    {
        < 0 => throw ProblemException.Invalid(field, "must not be negative"),
        0 => Default,
        > Maximum => Maximum,
        _ => requested,
    };
}
