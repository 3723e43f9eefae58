using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using Google.Protobuf;

namespace Timeline.Domain.Validation;

/// <summary>
/// AIP-158 page sizes, the one rule both services follow: 0 means the default, a size above the
/// maximum is capped to it, a negative size is refused. A default configured above the maximum is
/// capped too (the maximum is a promise to the server, the default only a convenience).
/// </summary>
public readonly record struct PageSizePolicy(int Default, int Maximum)
{
    /// <summary>The sizes a service uses unless configured otherwise.</summary>
    public static PageSizePolicy Standard { get; } = new(100, 1_000);

    /// <exception cref="ProblemException">INVALID_ARGUMENT on <paramref name="field"/> for a negative size.</exception>
    public int Resolve(int requested, string field = "page_size") => requested switch
    {
        < 0 => throw ProblemException.Invalid(field, "must not be negative"),
        0 => Math.Min(Default, Maximum),
        _ => Math.Min(requested, Maximum),
    };
}

/// <summary>
/// The one page-token format of both services (AIP-158, docs/adr/0003): base64url of a version
/// byte, a 64-bit fingerprint of the query the token belongs to, and what the service needs to
/// continue (its payload). A token is opaque to callers; a token used with another query, or that
/// no service issued, is refused on its field.
/// </summary>
public static class PageTokens
{
    private const byte Version = 2;
    private const int HeaderLength = 1 + 8;

    /// <summary>A token for <paramref name="payload"/>, bound to the query <paramref name="fingerprint"/>.</summary>
    public static string Encode(ulong fingerprint, ReadOnlySpan<byte> payload)
    {
        var bytes = new byte[HeaderLength + payload.Length];
        bytes[0] = Version;
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(1), fingerprint);
        payload.CopyTo(bytes.AsSpan(HeaderLength));
        return Base64Url.EncodeToString(bytes);
    }

    /// <summary>
    /// The payload of <paramref name="token"/>; null for an empty token (the first page). A token
    /// longer than <paramref name="maxPayload"/> allows, malformed, or from another version is
    /// INVALID_PAGE_TOKEN; one from another query is refused with <paramref name="mismatch"/>.
    /// </summary>
    /// <exception cref="ProblemException">INVALID_ARGUMENT on <paramref name="field"/>.</exception>
    public static byte[]? Decode(string? token, ulong fingerprint, int maxPayload, Mismatch mismatch, string field = "page_token")
    {
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }

        byte[] bytes;
        try
        {
            bytes = token.Length <= Base64Url.GetEncodedLength(HeaderLength + maxPayload) ? Base64Url.DecodeFromChars(token) : [];
        }
        catch (FormatException)
        {
            bytes = [];
        }

        if (bytes.Length < HeaderLength || bytes[0] != Version)
        {
            throw NotIssued(field);
        }

        return BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(1)) == fingerprint
            ? bytes[HeaderLength..]
            : throw ProblemException.Invalid(field, mismatch.Description, mismatch.Reason);
    }

    /// <summary>The refusal of a token no service issued (also for a payload its service cannot read).</summary>
    public static ProblemException NotIssued(string field = "page_token") =>
        ProblemException.Invalid(field, "is not a page token this service issued", "INVALID_PAGE_TOKEN");

    /// <summary>A stable fingerprint of everything that defines a query except its page size and token.</summary>
    public static ulong Fingerprint(params IMessage?[] parts)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> length = stackalloc byte[4];
        foreach (var part in parts)
        {
            var bytes = part?.ToByteArray() ?? [];
            BinaryPrimitives.WriteInt32LittleEndian(length, part is null ? -1 : bytes.Length);
            hash.AppendData(length);
            hash.AppendData(bytes);
        }

        return BinaryPrimitives.ReadUInt64LittleEndian(hash.GetHashAndReset());
    }

    /// <summary>A stable fingerprint of a query given as text parts (ids, names), in the order given.</summary>
    public static ulong Fingerprint(params string[] parts) =>
        BinaryPrimitives.ReadUInt64LittleEndian(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(string.Join('\u001f', parts))));

    /// <summary>What a service says of a token from another query, and the reason it gives.</summary>
    public sealed record Mismatch(string Description, string Reason);
}
