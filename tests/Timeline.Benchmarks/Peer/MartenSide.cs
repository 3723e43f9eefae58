using JasperFx;
using JasperFx.Events;
using Marten;
using Npgsql;
using Timeline.V1;

namespace Timeline.Benchmarks.Peer;

/// <summary>How a Marten side appends a batch of 1,000 (each in one lightweight session and one <c>SaveChangesAsync</c>).</summary>
internal enum MartenAppend
{
    /// <summary><c>StartStream</c> per event: a new stream for every event.</summary>
    StreamPerEvent,

    /// <summary>
    /// <c>StartStream(id, 1,000 events)</c>: what this benchmark did until issue 29. In Quick mode a
    /// stream being started takes Marten's per-event INSERT route (Weasel's
    /// <c>QuickAppendEventWithVersion</c>), not its bulk append function: about 2.5× slower here.
    /// </summary>
    StartStreamPerBatch,

    /// <summary>
    /// <c>Append(newId, 1,000 events)</c>: a stream per batch through Quick mode's bulk append
    /// (<c>mt_quick_append_events</c>, one call with arrays), which creates the stream when it does
    /// not exist (Marten's docs, "Appending Events"): the configuration Marten's docs recommend.
    /// </summary>
    AppendPerBatch,
}

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
    private readonly MartenAppend mode;
    private readonly bool noResetOnClose;

    private MartenSide(string name, DocumentStore store, MartenAppend mode, bool noResetOnClose)
        : base(name)
    {
        this.store = store;
        this.mode = mode;
        this.noResetOnClose = noResetOnClose;
    }

    public static async Task<MartenSide> CreateAsync(string name, string connectionString, MartenAppend mode, bool noResetOnClose)
    {
        var settings = new NpgsqlConnectionStringBuilder(connectionString) { NoResetOnClose = noResetOnClose, CommandTimeout = 120 };
        return new MartenSide(name, await CreateStoreAsync(settings.ConnectionString), mode, noResetOnClose);
    }

    /// <summary>A store of the benchmark's configuration (Quick append, System.Text.Json, the PeerEvent type), its tables created.</summary>
    public static async Task<DocumentStore> CreateStoreAsync(string connectionString)
    {
        var store = DocumentStore.For(options =>
        {
            options.Connection(connectionString);
            options.UseSystemTextJsonForSerialization();
            options.Events.AppendMode = EventAppendMode.Quick;
            options.Events.AddEventType<PeerEvent>();
            options.AutoCreateSchemaObjects = AutoCreate.All;
        });
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        return store;
    }

    /// <summary>What this side's store was configured with, for the report.</summary>
    public string Describe => $"{Name}: AppendMode={store.Options.Events.AppendMode}, " + mode switch
    {
        MartenAppend.StreamPerEvent => "StartStream per event",
        MartenAppend.StartStreamPerBatch => "StartStream(id, batch)",
        _ => "Append(new id, batch)",
    } + $", No Reset On Close={noResetOnClose}";

    public override object Prepare(IReadOnlyList<NewEvent[]> batches) => batches.Select(b => b.Select(PeerEvent.From).ToArray()).ToList();

    public override async Task AppendBatchesAsync(object prepared)
    {
        foreach (var batch in (List<PeerEvent[]>)prepared)
        {
            await using var session = store.LightweightSession();
            switch (mode)
            {
                case MartenAppend.StreamPerEvent:
                    foreach (var e in batch)
                    {
                        session.Events.StartStream(Guid.NewGuid(), e);
                    }

                    break;
                case MartenAppend.StartStreamPerBatch:
                    session.Events.StartStream(Guid.NewGuid(), batch.Cast<object>().ToArray());
                    break;
                default:
                    session.Events.Append(Guid.NewGuid(), batch.Cast<object>().ToArray());
                    break;
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
