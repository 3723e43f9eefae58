using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Timeline.ServiceDefaults.Security;

namespace Timeline.ServiceDefaults;

/// <summary>What both services set up the same way: gRPC with one error mapping, health, reflection.</summary>
public static class HostingDefaults
{
    /// <summary>
    /// gRPC on an HTTP/2-only endpoint (cleartext Kestrel cannot offer HTTP/1.1 and HTTP/2 on
    /// one port), on <paramref name="defaultUrl"/> unless <c>Urls</c> is configured.
    /// </summary>
    public static WebApplicationBuilder AddTimelineDefaults(this WebApplicationBuilder builder, string errorDomain, string defaultUrl)
    {
        if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
        {
            builder.WebHost.UseUrls(defaultUrl);
        }

        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(endpoint => endpoint.Protocols = HttpProtocols.Http2));
        builder.Services.AddSingleton(new ErrorDomain(errorDomain));
        builder.Services.AddSingleton(TimeProvider.System);
        var maxMessageBytes = builder.Configuration.GetValue<int?>("Grpc:MaxReceiveMessageBytes") ?? (4 * 1024 * 1024);
        builder.Services.AddGrpc(options =>
        {
            options.Interceptors.Add<ProblemInterceptor>();
            options.EnableDetailedErrors = false;
            options.MaxReceiveMessageSize = maxMessageBytes;
        });
        builder.Services.AddGrpcReflection();
        builder.Services.AddTimelineSecurity();
        return builder;
    }

    /// <summary>Authentication, scopes and per-caller limits; then the gRPC health service (answering from the registered checks) and reflection, both open.</summary>
    public static WebApplication MapTimelineDefaults(this WebApplication app)
    {
        app.UseTimelineSecurity();
        app.MapGrpcHealthChecksService();
        app.MapGrpcReflectionService();
        return app;
    }

    /// <summary>The addresses Kestrel actually bound (port 0 resolved), once started.</summary>
    public static IReadOnlyList<Uri> BoundAddresses(this WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses
            .Select(a => new Uri(a.Replace("[::]", "127.0.0.1", StringComparison.Ordinal)))
            .ToList() ?? [];
}
