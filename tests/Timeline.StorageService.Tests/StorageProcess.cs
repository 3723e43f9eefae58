using Grpc.Health.V1;
using Grpc.Net.Client;
using Timeline.Storage.V1;
using Timeline.Tests.Shared;
using Timeline.Tests.Shared.Processes;

namespace Timeline.StorageService.Tests;

/// <summary>
/// The storage service as a separate OS process (its own build output, started with
/// <c>dotnet</c>), so a test can kill it with SIGKILL, stop it with SIGTERM, pause it, and start it
/// again on the same database (a SQLite file or a PostgreSQL database).
/// </summary>
public sealed class StorageProcess(StorageDatabase database, IReadOnlyList<string>? extraArgs = null) : IAsyncDisposable
{
    private DotnetProcess? process;
    private GrpcChannel? channel;

    public StorageDatabase Database { get; } = database;

    public Uri Address { get; private set; } = null!;

    public EventStoreService.EventStoreServiceClient Client { get; private set; } = null!;

    public Health.HealthClient Health { get; private set; } = null!;

    /// <summary>What the process wrote so far (for a failure message).</summary>
    internal string Output => process?.Output ?? "";

    /// <summary>The running process (to signal it).</summary>
    internal DotnetProcess Process => process ?? throw new InvalidOperationException("the storage process is not running");

    /// <summary>Starts a process on <see cref="Database"/> and returns once it listens and says SERVING.</summary>
    public async Task StartAsync(TimeSpan timeout)
    {
        await KillAsync();
        process = Launch(Database, extraArgs);
        Address = await process.ListeningAsync(timeout);
        channel = GrpcChannel.ForAddress(Address);
        Client = new EventStoreService.EventStoreServiceClient(TestCalls.Bound(channel));
        Health = new Health.HealthClient(channel);
        var status = await Health.CheckAsync(new HealthCheckRequest()).ResponseAsync.WaitAsync(timeout);
        if (status.Status != HealthCheckResponse.Types.ServingStatus.Serving)
        {
            throw new InvalidOperationException($"storage process is {status.Status}");
        }
    }

    /// <summary>A storage process on <paramref name="database"/>, not waited for (e.g. one expected to refuse to start).</summary>
    internal static DotnetProcess Launch(StorageDatabase database, IReadOnlyList<string>? extraArgs = null) =>
        DotnetProcess.Start("the storage process", DotnetProcess.ServiceDll("Timeline.StorageService"), [.. database.Args, .. extraArgs ?? []]);

    public async Task<HealthCheckResponse.Types.ServingStatus> HealthAsync() =>
        (await Health.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(10))).Status;

    /// <summary>SIGTERM: the service runs its shutdown; returns its exit code (SIGKILL and a failure after <paramref name="grace"/>).</summary>
    public async Task<int> StopAsync(TimeSpan grace)
    {
        var running = Process;
        channel?.Dispose();
        channel = null;
        await running.SignalAsync("TERM");
        try
        {
            return await running.ExitedAsync(grace);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"the storage process did not stop within {grace} of SIGTERM:\n{running.Output}");
            throw;
        }
    }

    /// <summary>SIGKILL: no shutdown code runs, exactly like a power cut for the process.</summary>
    public async Task KillAsync()
    {
        channel?.Dispose();
        channel = null;
        if (process is not null)
        {
            await process.DisposeAsync();
            process = null;
        }
    }

    public async ValueTask DisposeAsync() => await KillAsync();
}
