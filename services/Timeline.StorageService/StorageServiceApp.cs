using Timeline.ServiceDefaults;
using Timeline.StorageService.Grpc;
using Timeline.StorageService.Storage;

namespace Timeline.StorageService;

/// <summary>Builds the storage service; used by Program, the CLI's embedded mode and the tests.</summary>
public static class StorageServiceApp
{
    public const string DefaultUrl = "http://127.0.0.1:5201";

    /// <summary>HTTP/JSON (HTTP/1.1) when neither <c>urls</c> nor <c>HttpJsonUrls</c> is set.</summary>
    public const string DefaultHttpJsonUrl = "http://127.0.0.1:5211";

    /// <summary>What the storage service reports to OpenTelemetry.</summary>
    public static readonly TelemetryNames Telemetry = new("timeline-storage", [StorageMetrics.MeterName], [StorageMetrics.MeterName]);

    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddTimelineDefaults("timeline.storage", DefaultUrl, DefaultHttpJsonUrl);
        builder.AddTimelineTelemetry(Telemetry);
        builder.Services.AddEventLog(builder.Configuration);
        configure?.Invoke(builder);

        var app = builder.Build();
        app.MapGrpcService<EventStoreGrpcService>();
        app.MapTimelineDefaults();
        return app;
    }
}
