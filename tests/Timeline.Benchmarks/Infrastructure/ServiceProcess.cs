using System.Diagnostics;
using Grpc.Net.Client;
using Timeline.Tests.Shared.Processes;

namespace Timeline.Benchmarks.Infrastructure;

/// <summary>
/// A service as its own OS process (<c>dotnet service.dll</c>), Server GC, logging off except the
/// "Now listening on" line that tells us the port Kestrel picked.
/// </summary>
internal sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly ServiceOutput output;

    private ServiceProcess(string name, Process process)
    {
        Name = name;
        this.process = process;
        output = ServiceOutput.Follow(name, process);
    }

    public string Name { get; }

    public Uri Address { get; private set; } = null!;

    public GrpcChannel Channel { get; private set; } = null!;

    public int Pid => process.Id;

    public static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Timeline.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Timeline.sln not found above " + AppContext.BaseDirectory);
    }

    public static string ServiceDll(string name)
    {
        var dll = Path.Combine(RepoRoot(), "services", name, "bin", "Release", "net10.0", name + ".dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"{name} is not built (dotnet build -c Release tests/Timeline.Benchmarks)", dll);
    }

    public static Task<ServiceProcess> StartStorageAsync(string databasePath) =>
        StartAsync("storage", ServiceDll("Timeline.StorageService"), ["--Storage:DatabasePath", databasePath, .. Unlimited]);

    /// <summary>The storage service on a PostgreSQL database (<c>Storage:Provider=postgres</c>).</summary>
    public static Task<ServiceProcess> StartStoragePostgresAsync(string connectionString) =>
        StartAsync("storage", ServiceDll("Timeline.StorageService"), ["--Storage:Provider", "postgres", "--Storage:ConnectionString", connectionString, .. Unlimited]);

    public static Task<ServiceProcess> StartTimelineAsync(Uri storage) =>
        StartAsync("timeline", ServiceDll("Timeline.TimelineService"), ["--Timeline:StorageAddress", storage.ToString().TrimEnd('/'), .. Unlimited]);

    /// <summary>
    /// The per-caller limits (5,000 appends/s, 1,000 streams) are policy, not capacity: the
    /// benchmark is one caller doing the work of many, so it lifts them to measure the engine.
    /// </summary>
    public static string[] Unlimited => ["--Auth:AppendsPerSecondPerCaller", "10000000", "--Auth:MaxStreamsPerCaller", "100000"];

    /// <summary>This benchmark's own bare gRPC server (the S7/S8 baselines), in a process of its own like the services.</summary>
    public static Task<ServiceProcess> StartBareAsync() =>
        StartAsync("bare", typeof(ServiceProcess).Assembly.Location, [Bare.BareServer.Flag]);

    public static async Task<ServiceProcess> StartAsync(string name, string dll, IEnumerable<string> extra)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        foreach (var arg in extra.Concat(["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default", "None", "--Logging:LogLevel:Microsoft.Hosting.Lifetime", "Information"]))
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["DOTNET_gcServer"] = "1";
        info.Environment["DOTNET_TieredPGO"] = "1";
        var service = new ServiceProcess(name, Process.Start(info)!);
        await service.WaitListeningAsync(TimeSpan.FromSeconds(60));
        return service;
    }

    private async Task WaitListeningAsync(TimeSpan timeout)
    {
        Address = await output.ListeningAsync(timeout);
        Channel = CreateChannel(Address);
    }

    public string Output => output.Text;

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
    public long? PeakRssBytes()
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{process.Id}/status"))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), System.Globalization.CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (IOException)
        {
        }

        return null;
    }

    /// <summary>SIGTERM, so the service runs its shutdown (the storage service checkpoints its WAL); SIGKILL after 30 s.</summary>
    public async Task StopAsync()
    {
        Channel?.Dispose();
        if (process.HasExited)
        {
            return;
        }

        using (var term = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await term.WaitForExitAsync();
        }

        try
        {
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        process.Dispose();
    }

}
