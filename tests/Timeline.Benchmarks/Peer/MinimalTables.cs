using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;
using Timeline.V1;

namespace Timeline.Benchmarks.Peer;

/// <summary>
/// The engine's limit on SQLite: a minimal table (position, id, body), one B-tree, the same
/// settings as the storage service's writer (WAL, <c>synchronous=FULL</c>). A batch of 1,000 is one
/// multi-row INSERT in one transaction; a single append is a transaction of its own (SQLite has
/// one writer, so concurrent callers would only queue); reading is a scan in position order.
/// </summary>
internal sealed class MinimalSqliteSide : PeerSide
{
    private const int BatchSize = 1000;
    private readonly SqliteConnection connection;
    private readonly SqliteCommand insertBatch;
    private readonly SqliteCommand insertOne;
    private readonly Lock writer = new();

    public MinimalSqliteSide(string name, string path)
        : base(name)
    {
        connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false }.ToString());
        connection.Open();
        Execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; CREATE TABLE minimal (position INTEGER PRIMARY KEY, id TEXT NOT NULL, body BLOB NOT NULL);");
        insertBatch = connection.CreateCommand();
        insertBatch.CommandText = "INSERT INTO minimal (id, body) VALUES " + string.Join(", ", Enumerable.Range(0, BatchSize).Select(i => $"(@i{i}, @b{i})"));
        for (var i = 0; i < BatchSize; i++)
        {
            insertBatch.Parameters.Add(new SqliteParameter($"@i{i}", ""));
            insertBatch.Parameters.Add(new SqliteParameter($"@b{i}", Array.Empty<byte>()));
        }

        insertBatch.Prepare();
        insertOne = connection.CreateCommand();
        insertOne.CommandText = "INSERT INTO minimal (id, body) VALUES (@i, @b)";
        insertOne.Parameters.Add(new SqliteParameter("@i", ""));
        insertOne.Parameters.Add(new SqliteParameter("@b", Array.Empty<byte>()));
        insertOne.Prepare();
    }

    public override int Callers => 1;

    public override object Prepare(IReadOnlyList<NewEvent[]> batches)
    {
        if (batches.Any(b => b.Length != BatchSize))
        {
            throw new ArgumentException($"batches of {BatchSize} only", nameof(batches));
        }

        return batches.Select(b => b.Select(e => (e.EventId, StoredBody.Of(e))).ToArray()).ToList();
    }

    public override Task AppendBatchesAsync(object prepared)
    {
        foreach (var batch in (List<(string Id, byte[] Body)[]>)prepared)
        {
            using var transaction = connection.BeginTransaction();
            insertBatch.Transaction = transaction;
            for (var i = 0; i < batch.Length; i++)
            {
                insertBatch.Parameters[2 * i].Value = batch[i].Id;
                insertBatch.Parameters[(2 * i) + 1].Value = batch[i].Body;
            }

            insertBatch.ExecuteNonQuery();
            transaction.Commit();
        }

        return Task.CompletedTask;
    }

    public override Task AppendOneAsync(NewEvent e)
    {
        var body = StoredBody.Of(e);
        lock (writer)
        {
            using var transaction = connection.BeginTransaction();
            insertOne.Transaction = transaction;
            insertOne.Parameters[0].Value = e.EventId;
            insertOne.Parameters[1].Value = body;
            insertOne.ExecuteNonQuery();
            transaction.Commit();
        }

        return Task.CompletedTask;
    }

    public override Task<long> ReadAllAsync()
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT position, id, body FROM minimal ORDER BY position";
        using var reader = command.ExecuteReader();
        long events = 0;
        while (reader.Read())
        {
            _ = reader.GetInt64(0);
            _ = reader.GetString(1);
            _ = reader.GetFieldValue<byte[]>(2);
            events++;
        }

        return Task.FromResult(events);
    }

    private void Execute(string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public override ValueTask DisposeAsync()
    {
        insertBatch.Dispose();
        insertOne.Dispose();
        connection.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// The engine's limit on PostgreSQL: a minimal table (position from an identity column, id, body),
/// one B-tree. A batch of 1,000 is one binary COPY in one transaction; concurrent single appends are
/// one autocommitted INSERT each on 32 pooled connections; reading is a scan in position order.
/// (An identity column hands out positions at insert, not in commit order: what Timeline's counter
/// row exists to avoid, docs/adr/0005.)
/// </summary>
internal sealed class MinimalPostgresSide : PeerSide
{
    private readonly NpgsqlDataSource source;

    private MinimalPostgresSide(string name, NpgsqlDataSource source)
        : base(name) => this.source = source;

    public static async Task<MinimalPostgresSide> CreateAsync(string name, string connectionString)
    {
        var source = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { CommandTimeout = 120 }.ConnectionString);
        await using var command = source.CreateCommand("CREATE TABLE minimal (position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, id text NOT NULL, body bytea NOT NULL)");
        await command.ExecuteNonQueryAsync();
        return new MinimalPostgresSide(name, source);
    }

    public override object Prepare(IReadOnlyList<NewEvent[]> batches) => batches.Select(b => b.Select(e => (e.EventId, StoredBody.Of(e))).ToArray()).ToList();

    public override async Task AppendBatchesAsync(object prepared)
    {
        await using var connection = await source.OpenConnectionAsync();
        foreach (var batch in (List<(string Id, byte[] Body)[]>)prepared)
        {
            await using var transaction = await connection.BeginTransactionAsync();
            await using (var copy = await connection.BeginBinaryImportAsync("COPY minimal (id, body) FROM STDIN (FORMAT BINARY)"))
            {
                foreach (var (id, body) in batch)
                {
                    await copy.StartRowAsync();
                    await copy.WriteAsync(id, NpgsqlDbType.Text);
                    await copy.WriteAsync(body, NpgsqlDbType.Bytea);
                }

                await copy.CompleteAsync();
            }

            await transaction.CommitAsync();
        }
    }

    public override async Task AppendOneAsync(NewEvent e)
    {
        await using var command = source.CreateCommand("INSERT INTO minimal (id, body) VALUES ($1, $2)");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = e.EventId });
        command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = StoredBody.Of(e) });
        await command.ExecuteNonQueryAsync();
    }

    public override async Task<long> ReadAllAsync()
    {
        await using var command = source.CreateCommand("SELECT position, id, body FROM minimal ORDER BY position");
        await using var reader = await command.ExecuteReaderAsync();
        long events = 0;
        while (await reader.ReadAsync())
        {
            _ = reader.GetInt64(0);
            _ = reader.GetString(1);
            _ = reader.GetFieldValue<byte[]>(2);
            events++;
        }

        return events;
    }

    public override ValueTask DisposeAsync() => source.DisposeAsync();
}
