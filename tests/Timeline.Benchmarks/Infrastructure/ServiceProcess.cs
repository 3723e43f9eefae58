using Grpc.Net.Client;
using Timeline.Tests.Shared.Processes;

namespace Timeline.Benchmarks.Infrastructure;

/// <summary>
/// A service as its own OS process (<see cref="DotnetProcess"/>, the Release build), Server GC,
/// logging off except the "Now listening on" line that tells us the port Kestrel picked, with a
/// channel to it.
/// </summary>
internal sealed class ServiceProcess : IAsyncDisposable
{
    private readonly DotnetProcess process;

    private ServiceProcess(DotnetProcess process) => this.process = process;

    public string Name => process.Name;

    public Uri Address { get; private set; } = null!;

    public GrpcChannel Channel { get; private set; } = null!;

    public int Pid => process.Pid;

    public static string RepoRoot() => DotnetProcess.RepoRoot;

    public static string ServiceDll(string name) => DotnetProcess.ServiceDll(name, "Release");

    public static Task<ServiceProcess> StartStorageAsync(string databasePath) =>
        StartAsync("storage", ServiceDll("Timeline.StorageService"), ["--Storage:DatabasePath", databasePath, .. Unlimited]);

    /// <summary>The storage service on a PostgreSQL database (<c>Storage:Provider=postgres</c>).</summary>
    public static Task<ServiceProcess> StartStoragePostgresAsync(string connectionString) =>
        StartAsync("storage", ServiceDll("Timeline.StorageService"), ["--Storage:Provider", "postgres", "--Storage:ConnectionString", connectionString, .. Unlimited]);

    public static Task<ServiceProcess> StartTimelineAsync(Uri storage, int? httpJsonPort = null) =>
        StartAsync(
            "timeline", ServiceDll("Timeline.TimelineService"),
            ["--Timeline:StorageAddress", storage.ToString().TrimEnd('/'), .. Unlimited, .. httpJsonPort is { } port ? new[] { "--HttpJsonUrls", $"http://127.0.0.1:{port}" } : []],
            httpJsonPort);

    /// <summary>
    /// The per-caller limits (5,000 appends/s, 1,000 streams) are policy, not capacity: the
    /// benchmark is one caller doing the work of many, so it lifts them to measure the engine.
    /// </summary>
    public static string[] Unlimited => ["--Auth:AppendsPerSecondPerCaller", "10000000", "--Auth:MaxStreamsPerCaller", "100000"];

    /// <summary>This benchmark's own bare gRPC server (the S7/S8 baselines), in a process of its own like the services.</summary>
    public static Task<ServiceProcess> StartBareAsync() =>
        StartAsync("bare", typeof(ServiceProcess).Assembly.Location, [Bare.BareServer.Flag]);

    /// <summary>
    /// Starts a service and connects to its gRPC address: the first "Now listening on" line, or,
    /// when that is <paramref name="httpJsonPort"/> (the timeline service's HTTP/JSON port, where the
    /// page is), the other one.
    /// </summary>
    public static async Task<ServiceProcess> StartAsync(string name, string dll, IEnumerable<string> extra, int? httpJsonPort = null)
    {
        var service = new ServiceProcess(DotnetProcess.Start(name, dll, extra, logLevel: "None", environment: Tuning));
        service.Address = await service.process.ListeningAsync(TimeSpan.FromSeconds(60));
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (service.Address.Port == httpJsonPort)
        {
            var other = System.Text.RegularExpressions.Regex.Matches(service.Output, @"Now listening on: (http://\S+)").Select(m => new Uri(m.Groups[1].Value)).FirstOrDefault(u => u.Port != httpJsonPort);
            if (other is not null)
            {
                service.Address = other;
            }
            else if (watch.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new TimeoutException($"{name} listened only on its HTTP/JSON port:\n{service.Output}");
            }
            else
            {
                await Task.Delay(50);
            }
        }

        service.Channel = CreateChannel(service.Address);
        return service;
    }

    public string Output => process.Output;

    public static GrpcChannel CreateChannel(Uri address) => GrpcChannel.ForAddress(address, new GrpcChannelOptions
    {
        HttpHandler = new SocketsHttpHandler
        {
            // Kestrel allows 100 streams per HTTP/2 connection; 1,000 watchers need more connections.
            EnableMultipleHttp2Connections = true,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
        },
        MaxReceiveMessageSize = 64 * 1024 * 1024,
    });

    /// <summary>Peak resident set (VmHWM) in bytes, or null when /proc is not there.</summary>
    public long? PeakRssBytes() => process.PeakRssBytes();

    /// <summary>SIGTERM, so the service runs its shutdown (the storage service checkpoints its WAL); SIGKILL after 30 s.</summary>
    public async Task StopAsync()
    {
        Channel?.Dispose();
        await process.StopAsync(TimeSpan.FromSeconds(30));
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await process.DisposeAsync();
    }

    /// <summary>Server GC and dynamic PGO, as a production service runs.</summary>
    private static readonly Dictionary<string, string> Tuning = new() { ["DOTNET_gcServer"] = "1", ["DOTNET_TieredPGO"] = "1" };
}
