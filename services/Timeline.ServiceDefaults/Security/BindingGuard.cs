using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Timeline.ServiceDefaults.Security;

/// <summary>
/// Safe default: a service with no token configured serves loopback only, and refuses to start
/// when asked to listen anywhere else, saying why. Runs before Kestrel binds.
/// </summary>
public sealed class BindingGuard(IConfiguration configuration, TimelineEndpoints endpoints, IOptions<AuthOptions> auth) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!auth.Value.IsOpen)
        {
            return Task.CompletedTask;
        }

        // gRPC (`urls` or Kestrel:Endpoints) and HTTP/JSON (`HttpJsonUrls`) alike.
        var exposed = endpoints.AllUrls.Where(u => !IsLoopback(u)).ToList();
        if (!string.IsNullOrEmpty(configuration["http_ports"]) || !string.IsNullOrEmpty(configuration["https_ports"]))
        {
            exposed.Add("ASPNETCORE_HTTP(S)_PORTS (all interfaces)");
        }

        if (exposed.Count > 0)
        {
            throw new Startup.StartupRefusal(
                $"Refusing to listen on {string.Join(", ", exposed)} with no tokens configured: without Auth:Tokens a Timeline service " +
                "accepts every caller, so it only listens on loopback (127.0.0.1, [::1], localhost). Configure Auth:Tokens " +
                "(see README, 'Running in production') or bind to loopback.");
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public static bool IsLoopback(string url)
    {
        var host = url;
        var scheme = url.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0)
        {
            host = url[(scheme + 3)..];
        }

        var slash = host.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            host = host[..slash];
        }

        if (host.StartsWith('['))
        {
            host = host[1..host.IndexOf(']', StringComparison.Ordinal)];
        }
        else if (host.LastIndexOf(':') is var colon and > 0)
        {
            host = host[..colon];
        }

        return host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));
    }
}
