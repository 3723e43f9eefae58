using Npgsql;
using NpgsqlTypes;
using Timeline.StorageService.Storage.Postgres;
using Timeline.V1;

namespace Timeline.Benchmarks.Peer;

/// <summary>One revision as the storage service stored it in PostgreSQL, read back from its database.</summary>
internal sealed record PostgresRow(
    long Position, string EventId, long Revision, long RecordedAt, string RecordedBy, int Earliest, int Latest, short SpanClass,
    string Kind, string Country, string? DeadlineId, bool Retracted, byte[] Body, string[] Tags, string[] Actors);

/// <summary>
/// S2's baseline on PostgreSQL: raw Npgsql on one connection, in a database migrated by the storage
/// service's own migrations, running the service writer's own statements (<c>PostgresSql</c>,
/// referenced directly through InternalsVisibleTo, so they cannot drift) for one event per transaction: lock the counter and
/// read the latest revision, insert the revision, its tags and actors, upsert the current row,
/// advance the counter, commit (one synchronous commit per event).
/// </summary>
internal sealed class RawPostgresLog : IAsyncDisposable
{
    private readonly NpgsqlConnection connection;

    private RawPostgresLog(NpgsqlConnection connection) => this.connection = connection;

    public static async Task<RawPostgresLog> CreateAsync(string connectionString)
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await ExecuteAsync(connection, PostgresSchema.Bootstrap);
        foreach (var (version, name, sql) in PostgresSchema.Migrations)
        {
            await ExecuteAsync(connection, sql);
            await using var record = new NpgsqlCommand(PostgresSchema.Record, connection);
            record.Parameters.AddWithValue("Version", version);
            record.Parameters.AddWithValue("Name", name);
            await record.ExecuteNonQueryAsync();
        }

        return new RawPostgresLog(connection);
    }

    /// <summary>The rows the service stored after a position (tags and actors from the stored body, as the service derived them).</summary>
    public static async Task<List<PostgresRow>> ReadServiceRowsAsync(string connectionString, long after)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT e.position, e.event_id, e.revision, e.recorded_at, e.recorded_by, e.earliest, e.latest, c.span_class, e.kind, e.country, e.deadline_id, e.retracted, e.body" +
            " FROM revisions e JOIN current_events c ON c.event_id = e.event_id WHERE e.position > @After ORDER BY e.position", connection);
        command.Parameters.AddWithValue("After", after);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<PostgresRow>();
        while (await reader.ReadAsync())
        {
            var body = reader.GetFieldValue<byte[]>(12);
            var record = EventRecord.Parser.ParseFrom(body);
            rows.Add(new PostgresRow(
                reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetString(4), reader.GetInt32(5), reader.GetInt32(6),
                reader.GetInt16(7), reader.GetString(8), reader.GetString(9), reader.IsDBNull(10) ? null : reader.GetString(10), reader.GetBoolean(11), body,
                [.. record.Tags], [.. record.Actors]));
        }

        return rows;
    }

    /// <summary>One event in a transaction of its own, as the service's writer runs it for a group of one.</summary>
    public async Task InsertOneAsync(PostgresRow row)
    {
        await using var transaction = await connection.BeginTransactionAsync();
        long head;
        await using (var read = new NpgsqlBatch(connection, transaction))
        {
            read.BatchCommands.Add(new NpgsqlBatchCommand(PostgresSql.LockHead));
            var latest = new NpgsqlBatchCommand(PostgresSql.Latest);
            latest.Parameters.Add(new NpgsqlParameter<string[]>("EventIds", [row.EventId]));
            read.BatchCommands.Add(latest);
            await using var reader = await read.ExecuteReaderAsync();
            await reader.ReadAsync();
            head = reader.GetInt64(0);
            await reader.NextResultAsync();
            while (await reader.ReadAsync())
            {
            }
        }

        var position = head + 1;
        await using (var write = new NpgsqlBatch(connection, transaction))
        {
            write.BatchCommands.Add(Command(
                PostgresSql.InsertRevisions,
                new NpgsqlParameter<long[]>("Positions", [position]), new NpgsqlParameter<string[]>("EventIds", [row.EventId]),
                new NpgsqlParameter<long[]>("Revisions", [row.Revision]), new NpgsqlParameter<string[]>("RecordedBy", [row.RecordedBy]),
                new NpgsqlParameter<int[]>("Earliest", [row.Earliest]), new NpgsqlParameter<int[]>("Latest", [row.Latest]),
                new NpgsqlParameter<string[]>("Kinds", [row.Kind]), new NpgsqlParameter<string[]>("Countries", [row.Country]),
                new NpgsqlParameter("DeadlineIds", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = new[] { row.DeadlineId } },
                new NpgsqlParameter<bool[]>("Retracted", [row.Retracted]), new NpgsqlParameter<byte[][]>("Bodies", [row.Body]),
                new NpgsqlParameter<long>("RecordedAt", row.RecordedAt)));
            if (row.Tags.Length > 0)
            {
                write.BatchCommands.Add(Command(PostgresSql.InsertTags, new NpgsqlParameter<string[]>("Tags", row.Tags), new NpgsqlParameter<long[]>("Positions", [.. row.Tags.Select(_ => position)])));
            }

            if (row.Actors.Length > 0)
            {
                write.BatchCommands.Add(Command(PostgresSql.InsertActors, new NpgsqlParameter<string[]>("Actors", row.Actors), new NpgsqlParameter<long[]>("Positions", [.. row.Actors.Select(_ => position)])));
            }

            write.BatchCommands.Add(Command(
                PostgresSql.UpsertCurrent,
                new NpgsqlParameter<string[]>("EventIds", [row.EventId]), new NpgsqlParameter<long[]>("Positions", [position]),
                new NpgsqlParameter<long[]>("Revisions", [row.Revision]), new NpgsqlParameter<short[]>("SpanClasses", [row.SpanClass]),
                new NpgsqlParameter<int[]>("Earliest", [row.Earliest]), new NpgsqlParameter<int[]>("Latest", [row.Latest]),
                new NpgsqlParameter<string[]>("Kinds", [row.Kind]), new NpgsqlParameter<string[]>("Countries", [row.Country]),
                new NpgsqlParameter("DeadlineIds", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = new[] { row.DeadlineId } },
                new NpgsqlParameter<bool[]>("Retracted", [row.Retracted])));
            write.BatchCommands.Add(Command(PostgresSql.AdvanceHead, new NpgsqlParameter<long>("Position", position), new NpgsqlParameter<long>("RecordedAt", row.RecordedAt)));
            await write.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
    }

    private static NpgsqlBatchCommand Command(string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddRange(parameters);
        return command;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public ValueTask DisposeAsync() => connection.DisposeAsync();
}
