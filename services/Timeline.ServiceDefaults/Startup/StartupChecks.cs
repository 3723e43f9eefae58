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
