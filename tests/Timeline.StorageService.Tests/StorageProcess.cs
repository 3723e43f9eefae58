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
    private DotnetProcess? process;
    private GrpcChannel? channel;

    public StorageProcess(StorageDatabase database) => Database = database;

    public StorageDatabase Database { get; }

    public Uri Address { get; private set; } = null!;

    public EventStoreService.EventStoreServiceClient Client { get; private set; } = null!;

    public async Task StartAsync(TimeSpan timeout)
    {
        process = DotnetProcess.Start("the storage process", DotnetProcess.ServiceDll("Timeline.StorageService"), Database.Args);
        Address = await process.ListeningAsync(timeout);
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
        if (process is not null)
        {
            await process.DisposeAsync();
            process = null;
        }
    }

    public async ValueTask DisposeAsync() => await KillAsync();
}
