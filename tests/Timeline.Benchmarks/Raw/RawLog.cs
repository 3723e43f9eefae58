using Microsoft.Data.Sqlite;
using Timeline.V1;

namespace Timeline.Benchmarks.Raw;

/// <summary>One revision as the storage service stored it, read back from its file.</summary>
internal sealed record StoredRow(
    long Position, string EventId, long Revision, long RecordedAt, long Earliest, long Latest,
    string Kind, string Country, string? DeadlineId, long Retracted, byte[] Body, string[] Tags, string[] Actors);

/// <summary>
/// The limit of the stack: Microsoft.Data.Sqlite with prepared commands on one connection, into a
/// copy of a file the storage service created (identical schema, indexes, user_version), in WAL
/// mode with synchronous=FULL like the service's writer, running the service's own statements.
/// </summary>
internal sealed class RawLog : IDisposable
{
    private readonly SqliteConnection connection;
    private readonly SqliteCommand insertRevision;
    private readonly SqliteCommand insertTag;
    private readonly SqliteCommand insertActor;
    private readonly SqliteCommand upsertCurrent;

    private RawLog(string path)
    {
        Path = path;
        connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ToString());
        connection.Open();
        Execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;");
        insertRevision = Prepare(StorageSql.InsertRevision, "EventId", "Revision", "RecordedAt", "Earliest", "Latest", "Kind", "Country", "DeadlineId", "Retracted", "Body");
        insertTag = Prepare(StorageSql.InsertTag, "Tag", "Position");
        insertActor = Prepare(StorageSql.InsertActor, "Actor", "Position");
        upsertCurrent = Prepare(StorageSql.UpsertCurrent, "EventId", "Position", "Revision", "Earliest", "Latest", "Kind", "Country", "DeadlineId", "Retracted");
    }

    public string Path { get; }

    /// <summary>A fresh log: a copy of the empty file the storage service migrated (see <see cref="SchemaTemplate"/>).</summary>
    public static RawLog Create(string template, string path)
    {
        File.Copy(template, path);
        return new RawLog(path);
    }

    /// <summary>Rows in a transaction, as S1's baseline does with each batch of 1,000.</summary>
    public void InsertBatch(IReadOnlyList<StoredRow> rows, int start, int count)
    {
        using var transaction = connection.BeginTransaction();
        Enlist(transaction);
        for (var i = start; i < start + count; i++)
        {
            Insert(rows[i], rows[i].EventId);
        }

        transaction.Commit();
    }

    /// <summary>One event in its own transaction (its revision, tag, actor and current rows): one fsync per event.</summary>
    public void InsertOne(StoredRow row, string? eventId = null)
    {
        using var transaction = connection.BeginTransaction();
        Enlist(transaction);
        Insert(row, eventId ?? row.EventId);
        transaction.Commit();
    }

    private void Enlist(SqliteTransaction transaction)
    {
        insertRevision.Transaction = transaction;
        insertTag.Transaction = transaction;
        insertActor.Transaction = transaction;
        upsertCurrent.Transaction = transaction;
    }

    private void Insert(StoredRow row, string eventId)
    {
        var p = insertRevision.Parameters;
        p[0].Value = eventId;
        p[1].Value = row.Revision;
        p[2].Value = row.RecordedAt;
        p[3].Value = row.Earliest;
        p[4].Value = row.Latest;
        p[5].Value = row.Kind;
        p[6].Value = row.Country;
        p[7].Value = (object?)row.DeadlineId ?? DBNull.Value;
        p[8].Value = row.Retracted;
        p[9].Value = row.Body;
        var position = (long)insertRevision.ExecuteScalar()!;
        foreach (var tag in row.Tags)
        {
            insertTag.Parameters[0].Value = tag;
            insertTag.Parameters[1].Value = position;
            insertTag.ExecuteNonQuery();
        }

        foreach (var actor in row.Actors)
        {
            insertActor.Parameters[0].Value = actor;
            insertActor.Parameters[1].Value = position;
            insertActor.ExecuteNonQuery();
        }

        var c = upsertCurrent.Parameters;
        c[0].Value = eventId;
        c[1].Value = position;
        c[2].Value = row.Revision;
        c[3].Value = row.Earliest;
        c[4].Value = row.Latest;
        c[5].Value = row.Kind;
        c[6].Value = row.Country;
        c[7].Value = (object?)row.DeadlineId ?? DBNull.Value;
        c[8].Value = row.Retracted;
        upsertCurrent.ExecuteNonQuery();
    }

    /// <summary>
    /// The rows the storage service wrote after a position, read from its file (read-only, WAL
    /// lets us beside its writer). Tags and actors come from the stored body, exactly as the
    /// service derived its tag and actor rows from the same content.
    /// </summary>
    public static List<StoredRow> ReadServiceRows(string servicePath, long afterPosition)
    {
        using var source = OpenReadOnly(servicePath);
        using var command = source.CreateCommand();
        command.CommandText = "SELECT position, event_id, revision, recorded_at, earliest, latest, kind, country, deadline_id, retracted, body FROM revisions WHERE position > $after ORDER BY position";
        command.Parameters.AddWithValue("$after", afterPosition);
        using var reader = command.ExecuteReader();
        var rows = new List<StoredRow>();
        while (reader.Read())
        {
            var body = reader.GetFieldValue<byte[]>(10);
            var record = EventRecord.Parser.ParseFrom(body);
            rows.Add(new StoredRow(
                reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5),
                reader.GetString(6), reader.GetString(7), reader.IsDBNull(8) ? null : reader.GetString(8), reader.GetInt64(9), body,
                [.. record.Tags], [.. record.Actors]));
        }

        return rows;
    }

    /// <summary>
    /// Whether two files hold the same rows, every column of every table, compared in key order
    /// (a service file and its raw twin): the proof that the baselines insert what the service does.
    /// </summary>
    public static (bool Same, string Detail) Compare(string a, string b)
    {
        using var left = OpenReadOnly(a);
        using var right = OpenReadOnly(b);
        var tables = new[]
        {
            ("revisions", "position"),
            ("revision_tags", "tag, position"),
            ("revision_actors", "actor, position"),
            ("current_events", "event_id"),
        };
        long total = 0;
        foreach (var (table, order) in tables)
        {
            using var l = left.CreateCommand();
            using var r = right.CreateCommand();
            l.CommandText = r.CommandText = $"SELECT * FROM {table} ORDER BY {order}";
            using var lr = l.ExecuteReader();
            using var rr = r.ExecuteReader();
            long rows = 0;
            while (true)
            {
                var more = lr.Read();
                if (more != rr.Read())
                {
                    return (false, $"{table}: row counts differ after {rows:N0} rows");
                }

                if (!more)
                {
                    break;
                }

                rows++;
                for (var i = 0; i < lr.FieldCount; i++)
                {
                    var x = lr.GetValue(i);
                    var y = rr.GetValue(i);
                    var same = x is byte[] xb && y is byte[] yb ? xb.AsSpan().SequenceEqual(yb) : Equals(x, y);
                    if (!same)
                    {
                        return (false, $"{table}: row {rows:N0} differs in column {lr.GetName(i)}");
                    }
                }
            }

            total += rows;
        }

        return (true, $"{total:N0} rows in 4 tables identical");
    }

    private static SqliteConnection OpenReadOnly(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    public void Execute(string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private SqliteCommand Prepare(string sql, params string[] names)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in names)
        {
            command.Parameters.Add(new SqliteParameter("@" + name, null));
        }

        command.Prepare();
        return command;
    }

    public void Dispose()
    {
        insertRevision.Dispose();
        insertTag.Dispose();
        insertActor.Dispose();
        upsertCurrent.Dispose();
        connection.Dispose();
    }
}
