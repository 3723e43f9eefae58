using System.Text.Json;
using System.Text.Json.Serialization;
using Timeline.Domain.Validation;

namespace Timeline.TimelineServer.Chronologies;

/// <summary>
/// The timeline service's page token, in the one token format of <see cref="PageTokens"/>: where to
/// continue and what the earlier pages carried forward (the payload, as JSON), bound to the
/// <see cref="Fingerprint"/> of the request it belongs to, so that a token used with another request
/// is refused.
/// </summary>
internal sealed record PageToken([property: JsonIgnore] ulong Fingerprint, string? Storage = null, string? MaxLatest = null, string? After = null, string? AsOf = null)
{
    private const int MaxPayload = 2_048;

    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    private static readonly PageTokens.Mismatch OtherRequest =
        new("belongs to a request with other parameters; repeat them unchanged", "INVALID_PAGE_TOKEN");

    public string Encode() => PageTokens.Encode(Fingerprint, JsonSerializer.SerializeToUtf8Bytes(this, Json));

    /// <summary>Null for an empty token; refuses a token that is malformed or from another request.</summary>
    public static PageToken? Decode(string? token, ulong fingerprint, string field = "page_token")
    {
        if (PageTokens.Decode(token, fingerprint, MaxPayload, OtherRequest, field) is not { } payload)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<PageToken>(payload, Json) is { } decoded
                ? decoded with { Fingerprint = fingerprint }
                : throw PageTokens.NotIssued(field);
        }
        catch (JsonException)
        {
            throw PageTokens.NotIssued(field);
        }
    }
}
