using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Timeline.ServiceDefaults;
using Timeline.StorageService;
using Timeline.TimelineServer;

namespace Timeline.Cli.Hosting;

/// <summary>How to run the two services inside the CLI's process.</summary>
internal sealed record EmbeddedOptions(string DatabasePath, string StorageUrl, string TimelineUrl)
{
    /// <summary>The timeline service's clock; the system clock when null.</summary>
    public TimeProvider? TimelineClock { get; init; }

    /// <summary>Only warnings and errors (else information too), on stderr, so the CLI's own output stays readable.</summary>
    public bool QuietLogging { get; init; } = true;

    /// <summary>More configuration for the storage service, e.g. <c>--Auth:Tokens:cli:Sha256 HASH</c>.</summary>
    public IReadOnlyList<string> StorageArgs { get; init; } = [];

    /// <summary>More configuration for the timeline service, e.g. tokens and <c>--Timeline:StorageToken</c>.</summary>
    public IReadOnlyList<string> TimelineArgs { get; init; } = [];

    /// <summary>The storage service's HTTP/JSON (HTTP/1.1) address; none when null (gRPC only).</summary>
    public string? StorageHttpJsonUrl { get; init; }

    /// <summary>The timeline service's HTTP/JSON (HTTP/1.1) address; none when null (gRPC only).</summary>
    public string? TimelineHttpJsonUrl { get; init; }
}

/// <summary>Both services in-process: storage first (it owns the SQLite file), then the timeline service pointed at it.</summary>
internal sealed class EmbeddedServices : IAsyncDisposable
{
    private readonly WebApplication storage;
    private readonly WebApplication timeline;

    private EmbeddedServices(WebApplication storage, WebApplication timeline)
    {
        this.storage = storage;
        this.timeline = timeline;
        StorageAddress = storage.GrpcAddress();
        TimelineAddress = timeline.GrpcAddress();
        StorageHttpJsonAddress = storage.HttpJsonAddress();
        TimelineHttpJsonAddress = timeline.HttpJsonAddress();
    }

    /// <summary>The storage service's gRPC address (port 0 resolved).</summary>
    public Uri StorageAddress { get; }

    /// <summary>The timeline service's gRPC address (port 0 resolved).</summary>
    public Uri TimelineAddress { get; }

    /// <summary>The storage service's HTTP/JSON address (port 0 resolved), or null when it has none.</summary>
    public Uri? StorageHttpJsonAddress { get; }

    /// <summary>The timeline service's HTTP/JSON address (port 0 resolved), or null when it has none.</summary>
    public Uri? TimelineHttpJsonAddress { get; }

    public static async Task<EmbeddedServices> StartAsync(EmbeddedOptions options, CancellationToken ct)
    {
        var storage = StorageServiceApp.Create(
            ["--urls", options.StorageUrl, .. HttpJson(options.StorageHttpJsonUrl), "--Storage:DatabasePath", options.DatabasePath, .. options.StorageArgs],
            builder => Configure(builder, options));
        await storage.StartAsync(ct);
        try
        {
            var storageAddress = storage.GrpcAddress();
            var timeline = TimelineServiceApp.Create(
                ["--urls", options.TimelineUrl, .. HttpJson(options.TimelineHttpJsonUrl), "--Timeline:StorageAddress", storageAddress.ToString().TrimEnd('/'), .. options.TimelineArgs],
                builder =>
                {
                    Configure(builder, options);
                    if (options.TimelineClock is { } clock)
                    {
                        // Registered after the defaults' TimeProvider.System, so this one wins.
                        builder.Services.AddSingleton(clock);
                    }
                });
            await timeline.StartAsync(ct);
            return new EmbeddedServices(storage, timeline);
        }
        catch
        {
            await StopAsync(storage);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(timeline);
        await StopAsync(storage);

        // Pooled connections keep the SQLite file open; let go so the caller can delete it.
        SqliteConnection.ClearAllPools();
    }

    private static async Task StopAsync(WebApplication app)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await app.StopAsync(timeout.Token);
        }
        finally
        {
            await app.DisposeAsync();
        }
    }

    /// <summary>
    /// The HTTP/JSON setting: with <c>urls</c> given, a service opens no HTTP/JSON port unless
    /// <c>HttpJsonUrls</c> names one (<see cref="TimelineEndpoints"/>).
    /// </summary>
    private static string[] HttpJson(string? url) => url is null ? [] : ["--" + TimelineEndpoints.HttpJsonUrlsKey, url];

    private static void Configure(WebApplicationBuilder builder, EmbeddedOptions options)
    {
        // The CLI owns Ctrl-C and SIGTERM: it cancels its command, which stops the services in order.
        builder.Services.AddSingleton<IHostLifetime, EmbeddedLifetime>();
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(options.QuietLogging ? LogLevel.Warning : LogLevel.Information);
        builder.Logging.AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
    }

    /// <summary>A host lifetime that leaves process signals alone.</summary>
    private sealed class EmbeddedLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
