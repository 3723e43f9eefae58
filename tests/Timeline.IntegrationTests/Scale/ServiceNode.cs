using System.Net;
using System.Net.Sockets;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Timeline.Tests.Shared.Processes;

namespace Timeline.IntegrationTests.Scale;

/// <summary>
/// One instance of a service as an OS process of its own (<c>dotnet Service.dll</c> from the
/// build output), on a loopback port chosen once and kept across restarts, so a client given
/// several addresses finds it again where it was. <see cref="KillAsync"/> is SIGKILL: no shutdown
/// code runs. Ready means the gRPC health service says SERVING (for a timeline replica: its
/// projection has caught up with the log).
/// </summary>
internal sealed class ServiceNode(string name, string project, IReadOnlyList<string> args) : IAsyncDisposable
{
    private DotnetProcess? process;

    public string Name { get; } = name;

    public int Port { get; } = FreePort();

    public Uri Address => new($"http://127.0.0.1:{Port}");

    /// <summary>What the process wrote (for a failure message).</summary>
    public string Output => process?.Output ?? "";

    public static ServiceNode Storage(string name, IReadOnlyList<string> args) => new(name, "Timeline.StorageService", args);

    /// <summary>Storage on a new SQLite file in a temp folder of its own, with a checkpoint every 0.5 s.</summary>
    public static ServiceNode SqliteStorage(string name)
    {
        var directory = Path.Combine(Path.GetTempPath(), "timeline-e2e", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        return Storage(name, ["--Storage:DatabasePath", Path.Combine(directory, "timeline.db"), "--Storage:CheckpointInterval", "00:00:00.500"]);
    }

    public static ServiceNode Timeline(string name, string storageAddresses, IReadOnlyList<string>? args = null) => new(name, "Timeline.TimelineService",
    [
        "--Timeline:StorageAddress", storageAddresses,
        "--Timeline:ReconnectMinDelay", "00:00:00.050",
        "--Timeline:ReconnectMaxDelay", "00:00:00.500",
        .. args ?? [],
    ]);

    /// <summary>Starts the process and waits until it listens and its health says SERVING.</summary>
    public async Task StartAsync(TimeSpan timeout)
    {
        process = DotnetProcess.Start(Name, DotnetProcess.ServiceDll(project), args, urls: Address.ToString());
        await process.ListeningAsync(timeout);
        await WaitServingAsync(timeout);
    }

    /// <summary>Polls health until SERVING.</summary>
    public async Task WaitServingAsync(TimeSpan timeout)
    {
        using var channel = GrpcChannel.ForAddress(Address);
        var health = new Health.HealthClient(channel);
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                var status = await health.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow + TimeSpan.FromSeconds(5));
                if (status.Status == HealthCheckResponse.Types.ServingStatus.Serving)
                {
                    return;
                }
            }
            catch (Grpc.Core.RpcException) when (DateTime.UtcNow < deadline)
            {
            }

            Assert.True(DateTime.UtcNow < deadline, $"{Name} is not SERVING after {timeout}:\n{Output}");
            await Task.Delay(50);
        }
    }

    /// <summary>Sends a signal: STOP pauses the process (a stalled host), CONT resumes it.</summary>
    public Task SignalAsync(string signal) => (process ?? throw new InvalidOperationException($"{Name} is not running")).SignalAsync(signal);

    /// <summary>SIGKILL, like a power cut for the process.</summary>
    public async Task KillAsync()
    {
        if (process is not null)
        {
            await process.DisposeAsync();
            process = null;
        }
    }

    public async ValueTask DisposeAsync() => await KillAsync();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
