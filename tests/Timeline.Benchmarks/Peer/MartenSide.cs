using JasperFx;
using JasperFx.Events;
using Marten;
using Npgsql;
using Timeline.V1;

namespace Timeline.Benchmarks.Peer;

/// <summary>
/// Marten's event store, configured as its users would for the fastest durable path:
/// <c>Events.AppendMode = EventAppendMode.Quick</c> (no per-event metadata round trip; the
/// server's sequence and timestamps), System.Text.Json, lightweight sessions (no identity map or
/// change tracking), Guid stream ids, Npgsql's default pool (Max Pool Size 100, more than the 32
/// callers), and <c>No Reset On Close</c> as asked (Npgsql's setting that skips <c>DISCARD ALL</c>
/// when a pooled connection is returned; both are measured). Durability is the server's: commits
/// are synchronous, as for Timeline.
/// </summary>
internal sealed class MartenSide : PeerSide
{
    private readonly DocumentStore store;
    private readonly bool streamPerEvent;
    private readonly bool noResetOnClose;

    private MartenSide(string name, DocumentStore store, bool streamPerEvent, bool noResetOnClose)
        : base(name)
    {
        this.store = store;
        this.streamPerEvent = streamPerEvent;
        this.noResetOnClose = noResetOnClose;
    }

    public static async Task<MartenSide> CreateAsync(string name, string connectionString, bool streamPerEvent, bool noResetOnClose)
    {
        var settings = new NpgsqlConnectionStringBuilder(connectionString) { NoResetOnClose = noResetOnClose, CommandTimeout = 120 };
        var store = DocumentStore.For(options =>
        {
            options.Connection(settings.ConnectionString);
            options.UseSystemTextJsonForSerialization();
            options.Events.AppendMode = EventAppendMode.Quick;
            options.Events.AddEventType<PeerEvent>();
            options.AutoCreateSchemaObjects = AutoCreate.All;
        });
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        return new MartenSide(name, store, streamPerEvent, noResetOnClose);
    }

    /// <summary>What this side's store was configured with, for the report.</summary>
    public string Describe => $"{Name}: AppendMode={store.Options.Events.AppendMode}, {(streamPerEvent ? "a stream per event" : "a stream per batch")}, No Reset On Close={noResetOnClose}";

    public override object Prepare(IReadOnlyList<NewEvent[]> batches) => batches.Select(b => b.Select(PeerEvent.From).ToArray()).ToList();

    public override async Task AppendBatchesAsync(object prepared)
    {
        foreach (var batch in (List<PeerEvent[]>)prepared)
        {
            await using var session = store.LightweightSession();
            if (streamPerEvent)
            {
                foreach (var e in batch)
                {
                    session.Events.StartStream(Guid.NewGuid(), e);
                }
            }
            else
            {
                session.Events.StartStream(Guid.NewGuid(), batch.Cast<object>().ToArray());
            }

            await session.SaveChangesAsync();
        }
    }

    public override async Task AppendOneAsync(NewEvent e)
    {
        await using var session = store.LightweightSession();
        session.Events.StartStream(Guid.NewGuid(), PeerEvent.From(e));
        await session.SaveChangesAsync();
    }

    /// <summary>Every event in sequence order, streamed (<c>QueryAllRawEvents</c> ordered by <c>Sequence</c>, deserialized).</summary>
    public override async Task<long> ReadAllAsync()
    {
        await using var session = store.QuerySession();
        long events = 0;
        var query = session.Events.QueryAllRawEvents().OrderBy(e => e.Sequence);
        await foreach (var e in QueryableExtensions.ToAsyncEnumerable(query))
        {
            if (e.Data is PeerEvent)
            {
                events++;
            }
        }

        return events;
    }

    public override ValueTask DisposeAsync()
    {
        store.Dispose();
        return ValueTask.CompletedTask;
    }
}
