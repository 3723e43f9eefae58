using System.Security.Cryptography;
using System.Text;
using Grpc.Core;

namespace Timeline.Tests.Shared;

/// <summary>Bearer tokens as the services are configured with them (SHA-256, hex) and as callers send them.</summary>
internal static class TestTokens
{
    public static string Hash(string token) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    public static Metadata Bearer(string token) => new() { { "authorization", $"Bearer {token}" } };
}
