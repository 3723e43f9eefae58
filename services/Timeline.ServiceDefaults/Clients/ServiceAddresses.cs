using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.Client.Balancer;
using Grpc.Net.Client.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Timeline.ServiceDefaults.Clients;

/// <summary>
/// Where a client reaches one service: one address (<c>http://a:5201</c>), several separated by
/// commas (<c>http://a:5201,http://b:5201</c>: Grpc.Net.Client's round-robin balancer over a static
/// resolver), or <c>dns:///host:port</c> (round robin over every address the name resolves to,
/// re-resolved as they change). Every channel made from it retries a call that was answered
/// <see cref="RetriedStatus"/> (see <see cref="RetryPolicy"/>), on another address when there are several.
/// The one home of this rule for every client: the CLI, the timeline service's storage client, the tests.
/// </summary>
public sealed record ServiceAddresses
{
    /// <summary>The scheme of a name resolved by DNS.</summary>
    public const string DnsScheme = "dns";

    private const string StaticScheme = "static";

    private ServiceAddresses(IReadOnlyList<Uri> addresses, Uri? dns)
    {
        Addresses = addresses;
        Dns = dns;
    }

    /// <summary>The addresses given (one for a <c>dns:///</c> name: the name itself).</summary>
    public IReadOnlyList<Uri> Addresses { get; }

    /// <summary>The <c>dns:///host:port</c> name, when the addresses come from DNS.</summary>
    public Uri? Dns { get; }

    /// <summary>Whether calls are balanced over several addresses (a list, or a DNS name).</summary>
    public bool Balanced => Addresses.Count > 1 || Dns is not null;

    /// <summary>TLS (https://) or cleartext HTTP/2 (http://, and dns:///).</summary>
    public bool Tls => Dns is null && Addresses[0].Scheme == Uri.UriSchemeHttps;

    /// <summary>
    /// Only UNAVAILABLE is retried: it means the call did not reach a working service or the service
    /// asks for a retry (nothing listening, a connection lost, an instance shutting down, the
    /// database unreachable or failing over, a replica behind the caller's min_position). Every RPC
    /// may run again: reads change nothing, and appends are content-idempotent (an identical event
    /// is a no-op returning its position, a conditional one included), so a retried append is stored
    /// once. Not retried: DEADLINE_EXCEEDED (the caller's time is spent), RESOURCE_EXHAUSTED (a limit:
    /// retrying at once makes it worse), INTERNAL/UNKNOWN (not known to be passing), and every refusal.
    /// </summary>
    public static readonly StatusCode RetriedStatus = StatusCode.Unavailable;

    /// <summary>Five attempts in all, 0.1 s then doubling up to 1 s apart (with Grpc.Net.Client's jitter): about 2 s, longer than a failover.</summary>
    public static RetryPolicy RetryPolicy => new()
    {
        MaxAttempts = 5,
        InitialBackoff = TimeSpan.FromMilliseconds(100),
        MaxBackoff = TimeSpan.FromSeconds(1),
        BackoffMultiplier = 2,
        RetryableStatusCodes = { RetriedStatus },
    };

    /// <summary>
    /// Reads "http://a:5201", "http://a:5201,http://b:5201" or "dns:///host:5201". False with the
    /// reason (to follow the setting's name in a message) when it is not one of those.
    /// </summary>
    public static bool TryParse(string? text, out ServiceAddresses addresses, out string problem)
    {
        addresses = null!;
        problem = "";
        var parts = (text ?? "").Split(',', StringSplitOptions.TrimEntries);
        if (parts.Any(p => p.Length == 0))
        {
            problem = "has an empty address: give one or more addresses separated by commas, like http://127.0.0.1:5201 or http://a:5201,http://b:5201";
            return false;
        }

        var uris = new List<Uri>();
        foreach (var part in parts)
        {
            if (!Uri.TryCreate(part, UriKind.Absolute, out var uri) || uri.Host.Length == 0 && uri.Scheme != DnsScheme)
            {
                problem = $"has '{part}', which is not an address: use http://host:port, https://host:port or dns:///host:port";
                return false;
            }

            if (uri.Scheme == DnsScheme)
            {
                if (parts.Length > 1)
                {
                    problem = $"mixes '{part}' with other addresses: give one dns:/// name, or a list of http(s):// addresses";
                    return false;
                }

                if (uri.AbsolutePath.Trim('/').Length == 0)
                {
                    problem = $"has '{part}' without a name: use dns:///host:port";
                    return false;
                }

                addresses = new ServiceAddresses([uri], uri);
                return true;
            }

            if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            {
                problem = $"has '{part}': an address is http://, https:// or dns:///";
                return false;
            }

            if (uri.AbsolutePath != "/" || uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0)
            {
                // gRPC calls go to /package.Service/Method at the host: a path, query or user would be silently dropped.
                problem = $"has '{part}' with more than a host and port ({uri.UserInfo}{uri.PathAndQuery}{uri.Fragment}): a service address is scheme://host:port, nothing after it";
                return false;
            }

            uris.Add(uri);
        }

        if (uris.Select(u => u.Scheme).Distinct().Count() > 1)
        {
            problem = "mixes http:// and https:// addresses: all of a service's addresses use one";
            return false;
        }

        if (uris.Select(Key).Distinct(StringComparer.OrdinalIgnoreCase).Count() < uris.Count)
        {
            problem = "names an address twice";
            return false;
        }

        addresses = new ServiceAddresses(uris, null);
        return true;
    }

    /// <summary>Parses, or throws <see cref="FormatException"/> with the reason.</summary>
    public static ServiceAddresses Parse(string text) =>
        TryParse(text, out var addresses, out var problem) ? addresses : throw new FormatException($"'{text}' {problem}");

    /// <summary>"http://a:5201, http://b:5201" (or the dns:/// name), for messages.</summary>
    public override string ToString() => string.Join(", ", Addresses.Select(a => a.OriginalString.TrimEnd('/')));

    /// <summary>The address a channel is made for: the one address, the DNS name, or <c>static:///</c> for a list.</summary>
    public Uri ChannelAddress => Dns ?? (Addresses.Count == 1 ? Addresses[0] : new Uri($"{StaticScheme}:///{Addresses[0].Host}"));

    /// <summary>A channel to these addresses with <see cref="Configure"/> applied to <paramref name="options"/>.</summary>
    public GrpcChannel CreateChannel(GrpcChannelOptions? options = null)
    {
        options ??= new GrpcChannelOptions();
        Configure(options);
        return GrpcChannel.ForAddress(ChannelAddress, options);
    }

    /// <summary>
    /// Sets what a channel to these addresses needs: the retry policy (for every method), and with
    /// several addresses round robin, the resolver and the credentials (a static or DNS address
    /// carries no scheme to tell TLS from cleartext). Requests of up to 8 MiB are buffered for a
    /// retry (Grpc.Net.Client's default of 1 MiB would leave a large import batch unretried).
    /// </summary>
    public void Configure(GrpcChannelOptions options)
    {
        var config = new ServiceConfig { MethodConfigs = { new MethodConfig { Names = { MethodName.Default }, RetryPolicy = RetryPolicy } } };
        options.MaxRetryBufferPerCallSize = 8 * 1024 * 1024;
        options.MaxRetryBufferSize = 64 * 1024 * 1024;
        if (Balanced)
        {
            config.LoadBalancingConfigs.Add(new RoundRobinConfig());
            options.Credentials = Tls ? ChannelCredentials.SecureSsl : ChannelCredentials.Insecure;
            if (Dns is null)
            {
                var services = new ServiceCollection();
                services.AddSingleton<ResolverFactory>(new StaticResolverFactory(_ => Addresses.Select(a => new BalancerAddress(a.Host, a.Port))));
                options.ServiceProvider = services.BuildServiceProvider();
            }
        }

        options.ServiceConfig = config;
    }

    private static string Key(Uri uri) => $"{uri.Host}:{uri.Port}";
}
