using Marten;
using Npgsql;
using NpgsqlTypes;
using Timeline.V1;

namespace Timeline.Benchmarks.Peer;

/// <summary>
/// The engine's limit for Marten's own rows: the tables a Marten store created (<c>mt_streams</c>,
/// <c>mt_events</c>, with their keys, defaults and foreign key; <c>seq_id</c> given its sequence as default), filled by binary COPY, a stream
/// row and its 1,000 event rows per batch in one transaction, each event's <c>data</c> the very
/// JSON Marten's serializer writes for it (serialized untimed, as the minimal tables' bodies are).
/// What Marten adds on top of writing its rows is its ratio to this side.
/// </summary>
internal sealed class MartenRowsCopySide : PeerSide
{
    private readonly NpgsqlDataSource source;
    private readonly ISerializer serializer;
    private readonly string alias;
    private readonly string dotnetType;

    private MartenRowsCopySide(string name, NpgsqlDataSource source, ISerializer serializer, string alias)
        : base(name)
    {
        this.source = source;
        this.serializer = serializer;
        this.alias = alias;
        dotnetType = $"{typeof(PeerEvent).FullName}, {typeof(PeerEvent).Assembly.GetName().Name}";
    }

    public static async Task<MartenRowsCopySide> CreateAsync(string name, string connectionString)
    {
        using var store = await MartenSide.CreateStoreAsync(connectionString);
        // Marten's default alias of an event type: its name in snake case.
        const string alias = "peer_event";
        var source = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { CommandTimeout = 120 }.ConnectionString);
        // Marten's append function draws seq_id from its sequence on the server; COPY gets it as the column's default.
        await using (var command = source.CreateCommand("ALTER TABLE mt_events ALTER COLUMN seq_id SET DEFAULT nextval('mt_events_sequence')"))
        {
            await command.ExecuteNonQueryAsync();
        }

        return new MartenRowsCopySide(name, source, store.Options.Serializer(), alias);
    }

    public override object Prepare(IReadOnlyList<NewEvent[]> batches) =>
        batches.Select(b => b.Select(e => serializer.ToJson(PeerEvent.From(e))).ToArray()).ToList();

    public override async Task AppendBatchesAsync(object prepared)
    {
        await using var connection = await source.OpenConnectionAsync();
        foreach (var batch in (List<string[]>)prepared)
        {
            var stream = Guid.NewGuid();
            await using var transaction = await connection.BeginTransactionAsync();
            await using (var streams = await connection.BeginBinaryImportAsync("COPY mt_streams (id, version) FROM STDIN (FORMAT BINARY)"))
            {
                await streams.StartRowAsync();
                await streams.WriteAsync(stream, NpgsqlDbType.Uuid);
                await streams.WriteAsync((long)batch.Length, NpgsqlDbType.Bigint);
                await streams.CompleteAsync();
            }

            await using (var events = await connection.BeginBinaryImportAsync("COPY mt_events (id, stream_id, version, data, type, mt_dotnet_type) FROM STDIN (FORMAT BINARY)"))
            {
                for (var i = 0; i < batch.Length; i++)
                {
                    await events.StartRowAsync();
                    await events.WriteAsync(Guid.NewGuid(), NpgsqlDbType.Uuid);
                    await events.WriteAsync(stream, NpgsqlDbType.Uuid);
                    await events.WriteAsync((long)i + 1, NpgsqlDbType.Bigint);
                    await events.WriteAsync(batch[i], NpgsqlDbType.Jsonb);
                    await events.WriteAsync(alias, NpgsqlDbType.Varchar);
                    await events.WriteAsync(dotnetType, NpgsqlDbType.Varchar);
                }

                await events.CompleteAsync();
            }

            await transaction.CommitAsync();
        }
    }

    public override Task AppendOneAsync(NewEvent e) => throw new NotSupportedException("only batches are measured against Marten's rows");

    public override Task<long> ReadAllAsync() => throw new NotSupportedException("only batches are measured against Marten's rows");

    public override ValueTask DisposeAsync() => source.DisposeAsync();
}
