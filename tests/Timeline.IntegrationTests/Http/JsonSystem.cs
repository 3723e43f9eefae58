using System.Net;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Timeline.ServiceDefaults;
using Timeline.StorageService;
using Timeline.TimelineServer;

namespace Timeline.IntegrationTests.Http;

/// <summary>
/// Both services for real, each with its gRPC endpoint (HTTP/2 only) and its HTTP/JSON endpoint
/// (HTTP/1.1) on loopback port 0, storage on a SQLite file in a temp folder. HTTP clients speak
/// HTTP/1.1 exactly, as curl does.
/// </summary>
public sealed class JsonSystem : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private readonly string directory = Path.Combine(Path.GetTempPath(), "timeline-http", Guid.NewGuid().ToString("N"));
    private readonly List<IDisposable> disposables = [];

    private JsonSystem()
    {
    }

    public WebApplication Storage { get; private set; } = null!;

    public WebApplication Timeline { get; private set; } = null!;

    /// <summary>HTTP/1.1 client on storage's HTTP/JSON endpoint.</summary>
    public HttpClient StorageJson { get; private set; } = null!;

    /// <summary>HTTP/1.1 client on the timeline service's HTTP/JSON endpoint.</summary>
    public HttpClient TimelineJson { get; private set; } = null!;

    public GrpcChannel StorageChannel { get; private set; } = null!;

    public GrpcChannel TimelineChannel { get; private set; } = null!;

    /// <param name="storageArgs">More storage configuration, e.g. tokens.</param>
    /// <param name="configureStorage">Runs after storage's own registrations (e.g. a telemetry exporter).</param>
    public static async Task<JsonSystem> StartAsync(
        IReadOnlyList<string>? storageArgs = null,
        IReadOnlyList<string>? timelineArgs = null,
        Action<WebApplicationBuilder>? configureStorage = null,
        Action<WebApplicationBuilder>? configureTimeline = null)
    {
        var system = new JsonSystem();
        Directory.CreateDirectory(system.directory);
        string[] endpoints = ["--urls", "http://127.0.0.1:0", "--HttpJsonUrls", "http://127.0.0.1:0", "--Logging:LogLevel:Default", "Warning"];
        system.Storage = StorageServiceApp.Create(
            [.. endpoints, "--Storage:DatabasePath", Path.Combine(system.directory, "timeline.db"), "--Storage:CheckpointInterval", "00:00:00.200", .. storageArgs ?? []],
            configureStorage);
        await system.Storage.StartAsync().WaitAsync(Timeout);
        system.Timeline = TimelineServiceApp.Create(
            [.. endpoints, "--Timeline:StorageAddress", system.Storage.GrpcAddress().ToString(), "--Timeline:ReconnectMinDelay", "00:00:00.050", .. timelineArgs ?? []],
            configureTimeline);
        await system.Timeline.StartAsync().WaitAsync(Timeout);

        system.StorageJson = system.Http(system.Storage.HttpJsonAddress()!);
        system.TimelineJson = system.Http(system.Timeline.HttpJsonAddress()!);
        system.StorageChannel = GrpcChannel.ForAddress(system.Storage.GrpcAddress());
        system.TimelineChannel = GrpcChannel.ForAddress(system.Timeline.GrpcAddress());
        system.disposables.Add(system.StorageChannel);
        system.disposables.Add(system.TimelineChannel);
        return system;
    }

    /// <summary>Waits until the timeline service's gRPC health says SERVING (its projection caught up).</summary>
    public async Task WaitUntilTimelineServingAsync()
    {
        var health = new Health.HealthClient(TimelineChannel);
        using var timeout = new CancellationTokenSource(Timeout);
        while ((await health.CheckAsync(new HealthCheckRequest(), cancellationToken: timeout.Token).ResponseAsync.WaitAsync(Timeout)).Status
            != HealthCheckResponse.Types.ServingStatus.Serving)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50), timeout.Token);
        }
    }

    private HttpClient Http(Uri address)
    {
        var client = new HttpClient
        {
            BaseAddress = address,
            DefaultRequestVersion = HttpVersion.Version11,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Timeout = Timeout,
        };
        disposables.Add(client);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var disposable in disposables)
        {
            disposable.Dispose();
        }

        foreach (var app in new[] { Timeline, Storage })
        {
            if (app is not null)
            {
                await app.StopAsync().WaitAsync(Timeout);
                await app.DisposeAsync();
            }
        }

        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a closing connection; the temp folder is cleaned later.
        }
    }
}
