using System.Buffers.Binary;
using System.Security.Cryptography;
using Google.Protobuf;
using Timeline.Domain.Validation;

namespace Timeline.StorageService.Storage;

/// <summary>
/// Opaque keyset cursors (AIP-158, docs/adr/0003): the sort key of the last row returned, bound
/// to a hash of the query it came from so that it cannot be reused with another filter. The same
/// tokens on every backend.
/// </summary>
internal static class PageToken
{
    private const byte Version = 1;
    private const int Length = 1 + 4 + 4 + 8 + 8;

    public static string Encode(ChronologicalKey key, ulong queryHash)
    {
        Span<byte> bytes = stackalloc byte[Length];
        bytes[0] = Version;
        BinaryPrimitives.WriteInt32LittleEndian(bytes[1..], key.Earliest);
        BinaryPrimitives.WriteInt32LittleEndian(bytes[5..], key.Latest);
        BinaryPrimitives.WriteInt64LittleEndian(bytes[9..], key.Position);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes[17..], queryHash);
        return Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>The key a token continues after; null for no token (the first page).</summary>
    /// <exception cref="ProblemException">INVALID_PAGE_TOKEN or PAGE_TOKEN_MISMATCH on <c>page_token</c>.</exception>
    public static ChronologicalKey? Decode(string token, ulong queryHash)
    {
        if (token.Length == 0)
        {
            return null;
        }

        var bytes = new byte[Length];
        var base64 = token.Replace('-', '+').Replace('_', '/');
        base64 = base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
        if (token.Length > 64 || !Convert.TryFromBase64String(base64, bytes, out var written) || written != Length || bytes[0] != Version)
        {
            throw ProblemException.Invalid("page_token", "is not a page token this service issued", "INVALID_PAGE_TOKEN");
        }

        if (BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(17)) != queryHash)
        {
            throw ProblemException.Invalid("page_token", "was issued for a different filter or known_at; start again without a page token", "PAGE_TOKEN_MISMATCH");
        }

        return new ChronologicalKey(
            BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(1)),
            BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(5)),
            BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(9)));
    }

    /// <summary>A stable hash of everything that defines the query, except the page size and token.</summary>
    public static ulong HashQuery(params IMessage?[] parts)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> length = stackalloc byte[4];
        foreach (var part in parts)
        {
            var bytes = part?.ToByteArray() ?? [];
            BinaryPrimitives.WriteInt32LittleEndian(length, bytes.Length);
            hash.AppendData(length);
            hash.AppendData(bytes);
        }

        return BinaryPrimitives.ReadUInt64LittleEndian(hash.GetHashAndReset());
    }
}
