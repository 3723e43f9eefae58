using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Timeline.IntegrationTests.Cli;
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
    private Process? process;
    private ServiceOutput? output;

    public string Name { get; } = name;

    public int Port { get; } = FreePort();

    public Uri Address => new($"http://127.0.0.1:{Port}");

    /// <summary>What the process wrote (for a failure message).</summary>
    public string Output => output?.Text ?? "";

    public static ServiceNode Storage(string name, IReadOnlyList<string> args) => new(name, "Timeline.StorageService", args);

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
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Dll(project));
        foreach (var arg in args.Concat(["--urls", Address.ToString(), "--Logging:LogLevel:Default", "Warning", "--Logging:LogLevel:Microsoft.Hosting.Lifetime", "Information"]))
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["DOTNET_gcServer"] = "0";
        process = Process.Start(info) ?? throw new InvalidOperationException($"{Name} did not start");
        output = ServiceOutput.Follow(Name, process);
        await output.ListeningAsync(timeout);
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

    /// <summary>SIGKILL, like a power cut for the process.</summary>
    public async Task KillAsync()
    {
        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }

        process?.Dispose();
        process = null;
    }

    public async ValueTask DisposeAsync() => await KillAsync();

    private static string Dll(string project)
    {
        var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
        var dll = Path.Combine(RepoPaths.Root, "services", project, "bin", configuration, "net10.0", project + ".dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"Build the solution first: {project} is not built", dll);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
