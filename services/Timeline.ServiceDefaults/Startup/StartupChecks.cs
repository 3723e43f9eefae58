using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Configuration;

namespace Timeline.ServiceDefaults.Startup;

/// <summary>
/// Settings checked before anything starts, each refused with a <see cref="StartupRefusal"/> that
/// names the setting: what Kestrel or gRPC would otherwise throw about, with a stack trace, once
/// the host is half started.
/// </summary>
internal static class StartupChecks
{
    public const string MaxReceiveMessageBytesKey = "Grpc:MaxReceiveMessageBytes";
    public const int DefaultMaxReceiveMessageBytes = 4 * 1024 * 1024;

    /// <summary><c>Grpc:MaxReceiveMessageBytes</c>: a positive number of bytes.</summary>
    public static int MaxReceiveMessageBytes(IConfiguration configuration)
    {
        var text = configuration[MaxReceiveMessageBytesKey];
        if (string.IsNullOrEmpty(text))
        {
            return DefaultMaxReceiveMessageBytes;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var bytes) && bytes > 0
            ? bytes
            : throw new StartupRefusal($"{MaxReceiveMessageBytesKey}: '{text}' is not a number of bytes from 1 to {int.MaxValue} (default {DefaultMaxReceiveMessageBytes})");
    }

    public const string MaxConnectionsKey = "Kestrel:Limits:MaxConcurrentConnections";
    public const long DefaultMaxConnections = 10_000;
    public const string IdleTimeoutKey = "Kestrel:Limits:KeepAliveTimeout";
    public static readonly TimeSpan DefaultIdleTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// <c>Kestrel:Limits:MaxConcurrentConnections</c> (a positive number; past it a new connection
    /// is closed at once and a warning logged) and <c>Kestrel:Limits:KeepAliveTimeout</c> (how long a
    /// connection may stay silent: one that never sends a request, or the HTTP/2 preface, or that
    /// has no call open, is closed after it).
    /// </summary>
    public static (long MaxConnections, TimeSpan IdleTimeout) ConnectionLimits(IConfiguration configuration)
    {
        var max = DefaultMaxConnections;
        if (configuration[MaxConnectionsKey] is { Length: > 0 } maxText &&
            !(long.TryParse(maxText, NumberStyles.None, CultureInfo.InvariantCulture, out max) && max > 0))
        {
            throw new StartupRefusal($"{MaxConnectionsKey}: '{maxText}' is not a number of connections of at least 1 (default {DefaultMaxConnections})");
        }

        var idle = DefaultIdleTimeout;
        if (configuration[IdleTimeoutKey] is { Length: > 0 } idleText &&
            !(TimeSpan.TryParse(idleText, CultureInfo.InvariantCulture, out idle) && idle > TimeSpan.Zero && idle < TimeSpan.FromDays(1)))
        {
            throw new StartupRefusal($"{IdleTimeoutKey}: '{idleText}' is not a duration from 00:00:00.001 to under a day, hh:mm:ss (default {DefaultIdleTimeout:c})");
        }

        return (max, idle);
    }

    /// <summary>
    /// Every certificate Kestrel is configured with (<c>Kestrel:Endpoints:*:Certificate</c>,
    /// <c>Kestrel:Certificates:*</c>) given as a file: it must exist, load with its password, and
    /// carry its private key. Certificates from a store are left to Kestrel.
    /// </summary>
    public static void Certificates(IConfiguration configuration)
    {
        var sections = configuration.GetSection("Kestrel:Endpoints").GetChildren().Select(e => e.GetSection("Certificate"))
            .Concat(configuration.GetSection("Kestrel:Certificates").GetChildren());
        foreach (var certificate in sections)
        {
            if (certificate["Path"] is { Length: > 0 } path)
            {
                Load(certificate.Path, path, certificate["KeyPath"], certificate["Password"]);
            }
        }
    }

    private static void Load(string setting, string path, string? keyPath, string? password)
    {
        string? problem;
        try
        {
            using var certificate = keyPath is { Length: > 0 }
                ? password is { Length: > 0 } ? X509Certificate2.CreateFromEncryptedPemFile(path, password, keyPath) : X509Certificate2.CreateFromPemFile(path, keyPath)
                : X509CertificateLoader.LoadPkcs12FromFile(path, password);
            problem = certificate.HasPrivateKey ? null : "it has no private key (a server certificate needs one: a .pfx with its key, or KeyPath)";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            problem = e.Message;
        }

        if (problem is not null)
        {
            throw new StartupRefusal($"{setting}: cannot use the certificate '{path}'{(keyPath is { Length: > 0 } ? $" with key '{keyPath}'" : "")}: {problem.TrimEnd('.')}; check {setting}:Path, KeyPath and Password");
        }
    }
}
