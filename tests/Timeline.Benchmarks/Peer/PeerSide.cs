using Grpc.Core;
using Timeline.Benchmarks.Infrastructure;
using Timeline.Storage.V1;
using Timeline.V1;

namespace Timeline.Benchmarks.Peer;

/// <summary>
/// One contestant of the peer scenarios (Timeline on a backend, Marten in a mode, a minimal table):
/// what it does with a run of batches of 1,000, with one event appended by one of many concurrent
/// callers, and with "read everything in order". Conversions into its own form happen in
/// <see cref="Prepare"/>, untimed.
/// </summary>
internal abstract class PeerSide(string name) : IAsyncDisposable
{
    public string Name { get; } = name;

    /// <summary>How many callers append at once in the concurrent scenario (1: one commit after another, the baseline of S2).</summary>
    public virtual int Callers => 32;

    public abstract object Prepare(IReadOnlyList<NewEvent[]> batches);

    public abstract Task AppendBatchesAsync(object prepared);

    public abstract Task AppendOneAsync(NewEvent e);

    /// <summary>Reads the whole log in order, from the start to its end, and returns how many events it read.</summary>
    public abstract Task<long> ReadAllAsync();

    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

/// <summary>Timeline's storage service (its own process, on SQLite or PostgreSQL) over gRPC, as a client uses it.</summary>
internal sealed class TimelineSide(string name, ServiceProcess storage) : PeerSide(name)
{
    private readonly EventStoreService.EventStoreServiceClient client = new(storage.Channel);

    public ServiceProcess Storage => storage;

    public override object Prepare(IReadOnlyList<NewEvent[]> batches) => batches.Select(b => new AppendEventsRequest { Events = { b } }).ToList();

    public override async Task AppendBatchesAsync(object prepared)
    {
        foreach (var request in (List<AppendEventsRequest>)prepared)
        {
            await client.AppendEventsAsync(request);
        }
    }

    public override async Task AppendOneAsync(NewEvent e) => await client.AppendEventsAsync(new AppendEventsRequest { Events = { e } });

    /// <summary><c>SubscribeEvents</c> from position 0 until <c>caught_up</c>: every stored revision, in log order, parsed by the client.</summary>
    public override Task<long> ReadAllAsync() => LogReads.CountToCaughtUpAsync(client);

    public override async ValueTask DisposeAsync() => await storage.DisposeAsync();
}
