using Timeline.ServiceDefaults;

namespace Timeline.StorageService;

/// <summary>Builds the storage service; used by Program, the CLI's embedded mode and the tests.</summary>
public static class StorageServiceApp
{
    public const string DefaultUrl = "http://127.0.0.1:5201";

    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddTimelineDefaults("timeline.storage", DefaultUrl);
        configure?.Invoke(builder);
        var app = builder.Build();
        app.MapTimelineDefaults();
        return app;
    }
}
