using System.Diagnostics;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Timeline.Storage.V1;
using Timeline.Tests.Shared;
using Timeline.Tests.Shared.Processes;

namespace Timeline.StorageService.Tests;

/// <summary>
/// The storage service as a separate OS process (its own build output, started with
/// <c>dotnet</c>), so a test can kill it with SIGKILL and start it again on the same database
/// (a SQLite file or a PostgreSQL database).
/// </summary>
public sealed class StorageProcess : IAsyncDisposable
{
    private Process? process;
    private GrpcChannel? channel;

    public StorageProcess(StorageDatabase database) => Database = database;

    public StorageDatabase Database { get; }

    public Uri Address { get; private set; } = null!;

    public EventStoreService.EventStoreServiceClient Client { get; private set; } = null!;

    public static string ServiceAssembly()
    {
        var testDir = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory));
        var configuration = testDir.Parent!.Name; // bin/<Configuration>/net10.0/
        var root = testDir;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Timeline.sln")))
        {
            root = root.Parent;
        }

        var dll = Path.Combine(root!.FullName, "services", "Timeline.StorageService", "bin", configuration, "net10.0", "Timeline.StorageService.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException("Build the solution first: the storage service's output is missing", dll);
    }

    public async Task StartAsync(TimeSpan timeout)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { ServiceAssembly(), "--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default", "Warning", "--Logging:LogLevel:Microsoft.Hosting.Lifetime", "Information" }.Concat(Database.Args))
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["DOTNET_gcServer"] = "0";
        process = Process.Start(info)!;
        Address = await ServiceOutput.Follow("the storage process", process).ListeningAsync(timeout);
        channel = GrpcChannel.ForAddress(Address);
        Client = new EventStoreService.EventStoreServiceClient(TestCalls.Bound(channel));
        var health = new Health.HealthClient(channel);
        var status = await health.CheckAsync(new HealthCheckRequest()).ResponseAsync.WaitAsync(timeout);
        if (status.Status != HealthCheckResponse.Types.ServingStatus.Serving)
        {
            throw new InvalidOperationException($"storage process is {status.Status}");
        }
    }

    /// <summary>SIGKILL: no shutdown code runs, exactly like a power cut for the process.</summary>
    public async Task KillAsync()
    {
        channel?.Dispose();
        channel = null;
        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }

        process?.Dispose();
        process = null;
    }

    public async ValueTask DisposeAsync() => await KillAsync();
}
