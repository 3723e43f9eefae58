using Timeline.ServiceDefaults;

namespace Timeline.TimelineService;

/// <summary>Builds the timeline service; used by Program, the CLI's embedded mode and the tests.</summary>
public static class TimelineServiceApp
{
    public const string DefaultUrl = "http://127.0.0.1:5202";

    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddTimelineDefaults("timeline.timeline", DefaultUrl);
        configure?.Invoke(builder);
        var app = builder.Build();
        app.MapTimelineDefaults();
        return app;
    }
}
