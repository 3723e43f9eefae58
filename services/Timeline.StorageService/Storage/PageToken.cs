using System.Buffers.Binary;
using Timeline.Domain.Validation;

namespace Timeline.StorageService.Storage;

/// <summary>
/// The storage service's keyset cursors (AIP-158, docs/adr/0003) in the one token format of
/// <see cref="PageTokens"/>: the payload is the sort key of the last row returned, bound to the
/// fingerprint of the query it came from. The same tokens on every backend.
/// </summary>
internal static class PageToken
{
    private const int KeyLength = 4 + 4 + 8;

    private static readonly PageTokens.Mismatch OtherQuery =
        new("was issued for a different filter or known_at; start again without a page token", "PAGE_TOKEN_MISMATCH");

    public static string Encode(ChronologicalKey key, ulong queryHash)
    {
        Span<byte> bytes = stackalloc byte[KeyLength];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, key.Earliest);
        BinaryPrimitives.WriteInt32LittleEndian(bytes[4..], key.Latest);
        BinaryPrimitives.WriteInt64LittleEndian(bytes[8..], key.Position);
        return PageTokens.Encode(queryHash, bytes);
    }

    /// <summary>The key a token continues after; null for no token (the first page).</summary>
    /// <exception cref="ProblemException">INVALID_PAGE_TOKEN or PAGE_TOKEN_MISMATCH on <c>page_token</c>.</exception>
    public static ChronologicalKey? Decode(string token, ulong queryHash)
    {
        if (PageTokens.Decode(token, queryHash, KeyLength, OtherQuery) is not { } bytes)
        {
            return null;
        }

        return bytes.Length == KeyLength
            ? new ChronologicalKey(
                BinaryPrimitives.ReadInt32LittleEndian(bytes),
                BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(4)),
                BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(8)))
            : throw PageTokens.NotIssued();
    }
}
