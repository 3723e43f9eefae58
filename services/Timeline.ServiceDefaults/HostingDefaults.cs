using Google.Protobuf.Reflection;
using Google.Rpc;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Timeline.ServiceDefaults.Logging;
using Timeline.ServiceDefaults.Security;

namespace Timeline.ServiceDefaults;

/// <summary>What both services set up the same way: endpoints, gRPC with one error mapping, HTTP/JSON, health, reflection.</summary>
public static class HostingDefaults
{
    /// <summary>
    /// gRPC on HTTP/2-only endpoints (<c>urls</c>, default <paramref name="defaultUrl"/>) and the
    /// same unary RPCs as HTTP/JSON on HTTP/1.1 endpoints (<c>HttpJsonUrls</c>, default
    /// <paramref name="defaultHttpJsonUrl"/> when <c>urls</c> is not set): cleartext Kestrel cannot
    /// offer both protocols on one port. See <see cref="TimelineEndpoints"/>.
    /// </summary>
    public static WebApplicationBuilder AddTimelineDefaults(this WebApplicationBuilder builder, string errorDomain, string defaultUrl, string defaultHttpJsonUrl)
    {
        builder.AddTimelineLogging();
        var endpoints = TimelineEndpoints.Plan(builder.Configuration, defaultUrl, defaultHttpJsonUrl);
        builder.Services.AddSingleton(endpoints);
        if (endpoints.FromKestrelConfiguration)
        {
            UseProtocolsByScheme(builder.Configuration);
        }
        else
        {
            builder.WebHost.ConfigureKestrel(endpoints.Listen);
            EndpointsOnlyServer.Decorate(builder.Services);
        }

        var (maxConnections, idleTimeout) = Startup.StartupChecks.ConnectionLimits(builder.Configuration);
        builder.WebHost.ConfigureKestrel((context, kestrel) =>
        {
            // Read once (docs/SECURITY.md): Kestrel's default would bind Kestrel:Endpoints again when a settings file changes.
            kestrel.Configure(context.Configuration.GetSection("Kestrel"), reloadOnChange: false);
            kestrel.Limits.MaxConcurrentConnections = maxConnections;
            kestrel.Limits.KeepAliveTimeout = idleTimeout;
        });
        builder.Services.AddHostedService<SettingsReadOnce>();
        builder.Services.AddSingleton(new ErrorDomain(errorDomain));
        builder.Services.AddSingleton(TimeProvider.System);
        Startup.StartupChecks.Certificates(builder.Configuration);
        var maxMessageBytes = Startup.StartupChecks.MaxReceiveMessageBytes(builder.Configuration);
        builder.Services.AddGrpc(options =>
        {
            options.Interceptors.Add<ProblemInterceptor>();
            options.EnableDetailedErrors = false;
            options.MaxReceiveMessageSize = maxMessageBytes;
        }).AddJsonTranscoding(options =>
        {
            // Error details are Any-packed; JSON needs their types to print them.
            options.TypeRegistry = TypeRegistry.FromMessages(BadRequest.Descriptor, ErrorInfo.Descriptor);

            // Canonical proto3 JSON: fields at their default value are left out.
            options.JsonSettings.IgnoreDefaultValues = true;
        });
        builder.Host.UseServiceProviderFactory(new Wire.GuardedMethods(new ServiceProviderOptions
        {
            // As the default factory does: check scopes and registrations in Development.
            ValidateScopes = builder.Environment.IsDevelopment(),
            ValidateOnBuild = builder.Environment.IsDevelopment(),
        }));
        builder.Services.AddGrpcReflection();
        builder.Services.AddTimelineSecurity();
        return builder;
    }

    /// <summary>
    /// Authentication, scopes and per-caller limits; the HTTP/JSON guard (size limit, refusals
    /// naming the field, JSON 404/405); then the gRPC health service (answering from the registered
    /// checks) and reflection, both open.
    /// </summary>
    public static WebApplication MapTimelineDefaults(this WebApplication app)
    {
        app.UseTimelineSecurity();
        app.UseMiddleware<HttpJson.HttpJsonGuard>();
        app.MapGrpcHealthChecksService();
        app.MapGrpcReflectionService();
        return app;
    }

    /// <summary>The addresses Kestrel actually bound (port 0 resolved), once started; gRPC ones first.</summary>
    public static IReadOnlyList<Uri> BoundAddresses(this WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses
            .Select(a => new Uri(a.Replace("[::]", "127.0.0.1", StringComparison.Ordinal)))
            .ToList() ?? [];

    /// <summary>The (first) gRPC address, once started.</summary>
    public static Uri GrpcAddress(this WebApplication app)
    {
        var endpoints = app.Services.GetRequiredService<TimelineEndpoints>();
        return endpoints.FromKestrelConfiguration ? app.BoundAddresses()[0] : endpoints.BoundGrpc[0];
    }

    /// <summary>
    /// The (first) HTTP/JSON address once started, or null when the service has none. With
    /// <c>Kestrel:Endpoints</c> it is the first HTTPS endpoint, where ALPN offers both protocols.
    /// </summary>
    public static Uri? HttpJsonAddress(this WebApplication app)
    {
        var endpoints = app.Services.GetRequiredService<TimelineEndpoints>();
        return endpoints.FromKestrelConfiguration
            ? app.BoundAddresses().FirstOrDefault(a => a.Scheme == Uri.UriSchemeHttps)
            : endpoints.BoundHttpJson.FirstOrDefault();
    }

    /// <summary>
    /// Configured endpoints keep their own <c>Protocols</c>; when they give none, cleartext ones
    /// are HTTP/2 only (gRPC) and TLS ones offer both, chosen by ALPN (gRPC and HTTP/JSON on one port).
    /// </summary>
    private static void UseProtocolsByScheme(ConfigurationManager configuration)
    {
        var defaults = new Dictionary<string, string?>();
        foreach (var endpoint in configuration.GetSection("Kestrel:Endpoints").GetChildren())
        {
            if (string.IsNullOrEmpty(endpoint["Protocols"]) && endpoint["Url"] is { } url)
            {
                defaults[$"{endpoint.Path}:Protocols"] = url.StartsWith("https:", StringComparison.OrdinalIgnoreCase) ? "Http1AndHttp2" : "Http2";
            }
        }

        configuration.AddInMemoryCollection(defaults);
    }
}
