using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;

namespace Timeline.ServiceDefaults;

/// <summary>
/// Where a service listens (ARCHITECTURE §7). Without TLS, Kestrel cannot offer HTTP/1.1 and
/// HTTP/2 on one port, so gRPC gets HTTP/2-only endpoints (<c>urls</c>) and HTTP/JSON gets
/// HTTP/1.1 endpoints of its own (<c>HttpJsonUrls</c>). When <c>Kestrel:Endpoints</c> is
/// configured (TLS), binding is left to that configuration.
/// </summary>
public sealed class TimelineEndpoints
{
    /// <summary>The setting for the HTTP/1.1 (JSON, curl) endpoints, <c>;</c>-separated like <c>urls</c>.</summary>
    public const string HttpJsonUrlsKey = "HttpJsonUrls";

    private readonly List<(ListenOptions Listen, string Scheme)> grpcListens = [];
    private readonly List<(ListenOptions Listen, string Scheme)> jsonListens = [];

    private TimelineEndpoints(IReadOnlyList<string> grpcUrls, IReadOnlyList<string> httpJsonUrls, bool fromKestrelConfiguration)
    {
        GrpcUrls = grpcUrls;
        HttpJsonUrls = httpJsonUrls;
        FromKestrelConfiguration = fromKestrelConfiguration;
    }

    /// <summary>The gRPC (HTTP/2-only when cleartext) URLs asked for.</summary>
    public IReadOnlyList<string> GrpcUrls { get; }

    /// <summary>The HTTP/1.1 URLs asked for; empty when the JSON endpoint is off.</summary>
    public IReadOnlyList<string> HttpJsonUrls { get; }

    /// <summary>True when <c>Kestrel:Endpoints</c> decides the binding (TLS, or anything custom).</summary>
    public bool FromKestrelConfiguration { get; }

    /// <summary>
    /// The plan from configuration: <c>urls</c> for gRPC (default <paramref name="defaultUrl"/>);
    /// <c>HttpJsonUrls</c> for HTTP/JSON, defaulting to <paramref name="defaultHttpJsonUrl"/> only
    /// when <c>urls</c> is not set either (whoever picks the gRPC address picks the JSON one too;
    /// an empty <c>HttpJsonUrls</c> turns it off).
    /// </summary>
    public static TimelineEndpoints Plan(IConfiguration configuration, string defaultUrl, string defaultHttpJsonUrl)
    {
        if (configuration.GetSection("Kestrel:Endpoints").GetChildren().Any())
        {
            var endpoints = configuration.GetSection("Kestrel:Endpoints").GetChildren().ToList();
            foreach (var endpoint in endpoints)
            {
                var url = endpoint["Url"] ?? throw new Startup.StartupRefusal($"{endpoint.Path}:Url is missing: every Kestrel endpoint needs one, like https://0.0.0.0:5201");
                Check($"{endpoint.Path}:Url", url);
            }

            return new TimelineEndpoints([.. endpoints.Select(e => e["Url"]!)], [], fromKestrelConfiguration: true);
        }

        var grpc = configuration[WebHostDefaults.ServerUrlsKey];
        var json = configuration[HttpJsonUrlsKey];
        json ??= string.IsNullOrEmpty(grpc) ? defaultHttpJsonUrl : string.Empty;
        var grpcUrls = Split(string.IsNullOrEmpty(grpc) ? defaultUrl : grpc);
        var jsonUrls = Split(json);
        grpcUrls.ForEach(url => Check(WebHostDefaults.ServerUrlsKey, url));
        jsonUrls.ForEach(url => Check(HttpJsonUrlsKey, url));
        return new TimelineEndpoints(grpcUrls, jsonUrls, fromKestrelConfiguration: false);
    }

    /// <summary>Refuses, naming the setting, a URL Kestrel could not listen on.</summary>
    private static void Check(string setting, string url)
    {
        string? problem;
        try
        {
            var address = BindingAddress.Parse(url);
            problem = address.Scheme.ToLowerInvariant() is not ("http" or "https") ? $"the scheme must be http or https, not '{address.Scheme}'"
                : !address.IsUnixPipe && address.Port is < 0 or > 65535 ? $"port {address.Port} is outside 0..65535"
                : null;
        }
        catch (FormatException e)
        {
            problem = e.Message;
        }

        if (problem is not null)
        {
            throw new Startup.StartupRefusal($"{setting}: '{url}' is not an address to listen on ({problem}); give one like http://127.0.0.1:5201 (several separated by ';')");
        }
    }

    /// <summary>Every URL the service will listen on, for the loopback guard.</summary>
    public IEnumerable<string> AllUrls => GrpcUrls.Concat(HttpJsonUrls);

    /// <summary>The gRPC addresses actually bound (port 0 resolved), once started.</summary>
    public IReadOnlyList<Uri> BoundGrpc => Bound(grpcListens);

    /// <summary>The HTTP/JSON addresses actually bound (port 0 resolved), once started.</summary>
    public IReadOnlyList<Uri> BoundHttpJson => Bound(jsonListens);

    /// <summary>Adds the endpoints to Kestrel: gRPC first (so the first bound address is a gRPC one), then HTTP/JSON.</summary>
    internal void Listen(KestrelServerOptions kestrel)
    {
        if (FromKestrelConfiguration)
        {
            return;
        }

        grpcListens.Clear();
        jsonListens.Clear();
        foreach (var url in GrpcUrls)
        {
            grpcListens.Add(Listen(kestrel, url, https => https ? HttpProtocols.Http1AndHttp2 : HttpProtocols.Http2));
        }

        foreach (var url in HttpJsonUrls)
        {
            jsonListens.Add(Listen(kestrel, url, https => https ? HttpProtocols.Http1AndHttp2 : HttpProtocols.Http1));
        }
    }

    private static (ListenOptions, string) Listen(KestrelServerOptions kestrel, string url, Func<bool, HttpProtocols> protocols)
    {
        var address = BindingAddress.Parse(url);
        var https = address.Scheme.Equals("https", StringComparison.OrdinalIgnoreCase);
        ListenOptions? captured = null;
        void Configure(ListenOptions listen)
        {
            captured = listen;
            listen.Protocols = protocols(https);
            if (https)
            {
                listen.UseHttps();
            }
        }

        if (address.IsUnixPipe)
        {
            kestrel.ListenUnixSocket(address.UnixPipePath, Configure);
        }
        else if (address.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            kestrel.ListenLocalhost(address.Port, Configure);
        }
        else if (IPAddress.TryParse(address.Host.Trim('[', ']'), out var ip))
        {
            kestrel.Listen(ip, address.Port, Configure);
        }
        else
        {
            // "*", "+", "0.0.0.0"-like wildcards and host names: every interface, as Kestrel does for urls.
            kestrel.ListenAnyIP(address.Port, Configure);
        }

        return (captured!, address.Scheme.ToLowerInvariant());
    }

    private static List<Uri> Bound(List<(ListenOptions Listen, string Scheme)> listens) =>
        [.. listens.Where(l => l.Listen.IPEndPoint is not null).Select(l => new Uri($"{l.Scheme}://{Host(l.Listen.IPEndPoint!.Address)}:{l.Listen.IPEndPoint.Port}"))];

    private static string Host(IPAddress ip) =>
        ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any) ? "127.0.0.1"
        : ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{ip}]"
        : ip.ToString();

    private static List<string> Split(string urls) =>
        [.. urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
}
