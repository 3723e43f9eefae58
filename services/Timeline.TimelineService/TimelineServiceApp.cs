using Microsoft.Extensions.Options;
using Timeline.ServiceDefaults;
using Timeline.ServiceDefaults.Clients;
using Timeline.Storage.V1;
using Timeline.TimelineServer.Chronologies;
using Timeline.TimelineServer.Deadlines;
using Timeline.TimelineServer.Grpc;
using Timeline.TimelineServer.Page;

namespace Timeline.TimelineServer;

/// <summary>Builds the timeline service; used by Program, the CLI's embedded mode and the tests.</summary>
public static class TimelineServiceApp
{
    public const string DefaultUrl = "http://127.0.0.1:5202";

    /// <summary>HTTP/JSON (HTTP/1.1) when neither <c>urls</c> nor <c>HttpJsonUrls</c> is set.</summary>
    public const string DefaultHttpJsonUrl = "http://127.0.0.1:5212";

    /// <summary>
    /// <paramref name="configure"/> runs after the service's own registrations, so a test or the
    /// demo can override them (e.g. <c>AddSingleton&lt;TimeProvider&gt;(fake)</c>, configuration).
    /// </summary>
    /// <summary>What the timeline service reports to OpenTelemetry.</summary>
    public static readonly TelemetryNames Telemetry = new("timeline", [TimelineMetrics.MeterName], []);

    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddTimelineDefaults("timeline.timeline", DefaultUrl, DefaultHttpJsonUrl);
        builder.AddTimelineTelemetry(Telemetry);
        builder.Services.AddTimelineService();
        configure?.Invoke(builder);
        var app = builder.Build();

        // The metrics observe the projection; create them with the app so they are there from the start.
        app.Services.GetRequiredService<TimelineMetrics>();
        app.MapTimelineDefaults();
        app.MapGrpcService<TimelineGrpcService>();
        app.MapTimelinePage();
        return app;
    }

    private static ServiceAddresses StorageAddresses(IServiceProvider provider) =>
        ServiceAddresses.Parse(provider.GetRequiredService<IOptions<TimelineOptions>>().Value.StorageAddress);

    /// <summary>The timeline service's own parts: options, the storage client, the deadline projection, health.</summary>
    public static IServiceCollection AddTimelineService(this IServiceCollection services)
    {
        services.AddOptions<TimelineOptions>().BindConfiguration(TimelineOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TimelineOptions>, TimelineOptionsValidation>();
        // One address, several (round robin) or a dns:/// name, with retries on UNAVAILABLE (ServiceAddresses).
        services.AddGrpcClient<EventStoreService.EventStoreServiceClient>((provider, client) =>
                client.Address = StorageAddresses(provider).ChannelAddress)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                // A long-lived subscription notices a dead connection by its pings.
                KeepAlivePingDelay = TimeSpan.FromSeconds(20),
                KeepAlivePingTimeout = TimeSpan.FromSeconds(10),
                KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
                EnableMultipleHttp2Connections = true,
                ConnectTimeout = TimeSpan.FromSeconds(5),
            })
            .EnableCallContextPropagation(options => options.SuppressContextNotFoundErrors = true)
            .AddCallCredentials((_, metadata, provider) =>
            {
                // The page's form appends with its caller's own token (PageWrites); everything else reads with the service's.
                if (PageWrites.ForwardedAuthorization.Value is { Length: > 0 } caller)
                {
                    metadata.Add("Authorization", caller);
                    return Task.CompletedTask;
                }

                var token = provider.GetRequiredService<IOptions<TimelineOptions>>().Value.StorageToken;
                if (token.Length > 0)
                {
                    metadata.Add("Authorization", $"Bearer {token}");
                }

                return Task.CompletedTask;
            })
            .ConfigureChannel((provider, channel) =>
            {
                StorageAddresses(provider).Configure(channel);

                // The channel's own connection back-off (gRPC's default: 1 s growing to 120 s while
                // storage is down) bounded like the projection's, so that once storage is back the
                // service is back within Timeline:ReconnectMaxDelay, not a channel's back-off later.
                var timeline = provider.GetRequiredService<IOptions<TimelineOptions>>().Value;
                channel.InitialReconnectBackoff = timeline.ReconnectMinDelay;
                channel.MaxReconnectBackoff = timeline.ReconnectMaxDelay;

                // Cleartext is the loopback default; in production storage is reached over TLS (README).
                channel.UnsafeUseInsecureChannelCallCredentials = true;
            });
        services.AddSingleton<DeadlineProjection>();
        services.AddSingleton<TimelineMetrics>();
        services.AddHostedService<DeadlineProjectionWorker>();
        services.AddSingleton<DeadlineWatch>();
        services.AddSingleton<TimelineReader>();
        services.AddSingleton<DeadlineFeed>();
        services.AddSingleton<LiveFeed>();
        services.AddGrpcHealthChecks().AddCheck<ProjectionHealthCheck>("deadline-projection");
        return services;
    }
}
