using Grpc.Health.V1;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Timeline.ServiceDefaults;
using Timeline.Storage.V1;
using Timeline.StorageService;
using Timeline.Tests.Shared;
using Timeline.TimelineServer;
using Timeline.TimelineServer.Deadlines;
using TimelineClient = Timeline.V1.TimelineService.TimelineServiceClient;

namespace Timeline.IntegrationTests.Timeline;

/// <summary>
/// Both services for real: storage on a database of the given backend (a SQLite file in a temp
/// folder, or a fresh database on the tests' PostgreSQL server) and the timeline service calling
/// it, each on Kestrel on a loopback port over HTTP/2. The timeline service's clock is a
/// <see cref="FakeTimeProvider"/> the test moves. Storage can be restarted on the same port and database.
/// </summary>
public sealed class TimelineSystem : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "timeline-e2e", Guid.NewGuid().ToString("N"));
    private readonly List<GrpcChannel> _channels = [];
    private WebApplication? _storage;
    private WebApplication? _timeline;

    private readonly IReadOnlyList<string> _storageArgs;
    private readonly IReadOnlyList<string> _timelineArgs;

    private readonly Action<WebApplicationBuilder>? _configureStorage;

    private StorageDatabase _database = null!;

    private TimelineSystem(DateTimeOffset now, IReadOnlyList<string>? storageArgs, IReadOnlyList<string>? timelineArgs, Action<WebApplicationBuilder>? configureStorage)
    {
        Clock = new FakeTimeProvider(now);
        _configureStorage = configureStorage;
        _storageArgs = storageArgs ?? [];
        _timelineArgs = timelineArgs ?? [];
    }

    /// <summary>The timeline service's clock (storage keeps the system clock for recorded_at).</summary>
    public FakeTimeProvider Clock { get; }

    public Uri StorageAddress { get; private set; } = null!;

    public EventStoreService.EventStoreServiceClient Storage { get; private set; } = null!;

    public TimelineClient Timeline { get; private set; } = null!;

    public Health.HealthClient TimelineHealth { get; private set; } = null!;

    public DeadlineProjection Projection => _timeline!.Services.GetRequiredService<DeadlineProjection>();

    /// <summary>Starts storage, then the timeline service pointed at it (or at <paramref name="storageAddress"/> instead).</summary>
    /// <remarks><paramref name="storageArgs"/> and <paramref name="timelineArgs"/> add configuration, e.g. tokens.</remarks>
    public static async Task<TimelineSystem> StartAsync(
        DateTimeOffset now,
        StorageBackend backend = StorageBackend.Sqlite,
        bool withStorage = true,
        string? storageAddress = null,
        IReadOnlyList<string>? storageArgs = null,
        IReadOnlyList<string>? timelineArgs = null,
        Action<WebApplicationBuilder>? configureStorage = null)
    {
        var system = new TimelineSystem(now, storageArgs, timelineArgs, configureStorage);
        Directory.CreateDirectory(system._directory);
        system._database = await StorageDatabase.CreateAsync(backend, system._directory);
        if (withStorage)
        {
            await system.StartStorageAsync("http://127.0.0.1:0");
        }

        await system.StartTimelineAsync(storageAddress ?? system.StorageAddress.ToString());
        return system;
    }

    /// <summary>Stops storage and starts it again on the same port and the same file.</summary>
    /// <summary>Stops storage and starts it again on the same port; <paramref name="whileDown"/> runs between.</summary>
    public async Task RestartStorageAsync(Func<Task>? whileDown = null)
    {
        var url = $"http://127.0.0.1:{StorageAddress.Port}";
        await StopStorageAsync();
        if (whileDown is not null)
        {
            await whileDown();
        }

        await StartStorageAsync(url);
    }

    public async Task StopStorageAsync()
    {
        if (_storage is { } storage)
        {
            _storage = null;
            await storage.StopAsync().WaitAsync(Timeout);
            await storage.DisposeAsync();
        }
    }

    public async Task StartStorageAsync(string url)
    {
        _storage = StorageServiceApp.Create(
            ["--urls", url, .. _database.Args, "--Storage:CheckpointInterval", "00:00:00.500", "--Logging:LogLevel:Default", "Warning", .. _storageArgs],
            _configureStorage);
        await _storage.StartAsync().WaitAsync(Timeout);
        StorageAddress = _storage.BoundAddresses()[0];
        Storage = new EventStoreService.EventStoreServiceClient(TestCalls.Bound(Channel(StorageAddress)));
    }

    private async Task StartTimelineAsync(string storageAddress)
    {
        _timeline = TimelineServiceApp.Create(
            [
                "--urls", "http://127.0.0.1:0",
                "--Timeline:StorageAddress", storageAddress,
                "--Timeline:ReconnectMinDelay", "00:00:00.050",
                "--Timeline:ReconnectMaxDelay", "00:00:00.500",
                "--Timeline:CatchUpTimeout", "00:00:05",
                "--Logging:LogLevel:Default", "Warning",
                .. _timelineArgs,
            ],
            builder => builder.Services.AddSingleton<TimeProvider>(Clock));
        await _timeline.StartAsync().WaitAsync(Timeout);
        var channel = Channel(_timeline.BoundAddresses()[0]);
        Timeline = new TimelineClient(TestCalls.Bound(channel));
        TimelineHealth = new Health.HealthClient(TestCalls.Bound(channel));
    }

    /// <summary>Waits until the timeline service reports SERVING (its projection has caught up).</summary>
    public async Task WaitUntilServingAsync()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        while (true)
        {
            var response = await TimelineHealth.CheckAsync(new HealthCheckRequest(), cancellationToken: timeout.Token).ResponseAsync.WaitAsync(Timeout);
            if (response.Status == HealthCheckResponse.Types.ServingStatus.Serving)
            {
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), timeout.Token);
        }
    }

    private GrpcChannel Channel(Uri address)
    {
        // Several HTTP/2 connections, so a test can hold more streams than one connection allows.
        var channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions { HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true } });
        _channels.Add(channel);
        return channel;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var channel in _channels)
        {
            channel.Dispose();
        }

        if (_timeline is not null)
        {
            await _timeline.StopAsync().WaitAsync(Timeout);
            await _timeline.DisposeAsync();
        }

        await StopStorageAsync();
        await _database.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a closing connection; the temp folder is cleaned later.
        }
    }
}
