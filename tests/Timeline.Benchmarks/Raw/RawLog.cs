using Microsoft.Data.Sqlite;
using Timeline.StorageService.Storage.Sqlite;
using Timeline.V1;

namespace Timeline.Benchmarks.Raw;

/// <summary>One revision as the storage service stored it, read back from its file.</summary>
internal sealed record StoredRow(
    long Position, string EventId, long Revision, long RecordedAt, string RecordedBy, long Earliest, long Latest,
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
    private readonly SqliteCommand insertRevisionAt;
    private readonly SqliteCommand insertTags;
    private readonly SqliteCommand insertActors;
    private readonly SqliteCommand upsertCurrents;

    private RawLog(string path, string synchronous = "FULL")
    {
        Path = path;
        connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ToString());
        connection.Open();
        Execute($"PRAGMA journal_mode = WAL; PRAGMA synchronous = {synchronous}; PRAGMA foreign_keys = ON;");
        insertRevision = Prepare(SqliteSql.InsertRevision, "EventId", "Revision", "RecordedAt", "RecordedBy", "Earliest", "Latest", "Kind", "Country", "DeadlineId", "Retracted", "Body");
        insertTag = Prepare(SqliteSql.InsertTag, "Tag", "Position");
        insertActor = Prepare(SqliteSql.InsertActor, "Actor", "Position");
        upsertCurrent = Prepare(SqliteSql.UpsertCurrent, "EventId", "Position", "Revision", "Earliest", "Latest", "Kind", "Country", "DeadlineId", "Retracted");
        insertRevisionAt = Prepare(SqliteSql.InsertRevisionAt, "Position", "EventId", "Revision", "RecordedAt", "RecordedBy", "Earliest", "Latest", "Kind", "Country", "DeadlineId", "Retracted", "Body");
        insertTags = Prepare(SqliteSql.InsertTags, "Rows");
        insertActors = Prepare(SqliteSql.InsertActors, "Rows");
        upsertCurrents = Prepare(SqliteSql.UpsertCurrents, "Rows");
    }

    public string Path { get; }

    /// <summary>A fresh log: a copy of the empty file the storage service migrated (see <see cref="SchemaTemplate"/>).</summary>
    public static RawLog Create(string template, string path)
    {
        File.Copy(template, path);
        return new RawLog(path);
    }

    /// <summary>An existing file, e.g. the twin after it was replaced by a copy.</summary>
    public static RawLog Open(string path) => new(path);

    /// <summary>
    /// Dataset loading only, never measured: the service's own file while the service is stopped,
    /// without fsync (a crash would just spoil this run's temporary file).
    /// </summary>
    public static RawLog OpenForLoading(string path) => new(path, "OFF");

    /// <summary>
    /// Appends <paramref name="count"/> events whose content is a row the service itself stored
    /// (cycling through <paramref name="templates"/>), each under a new id: the body holds no
    /// id, so every column is what the service would write for that content under that id.
    /// </summary>
    public void InsertDerived(IReadOnlyList<StoredRow> templates, long firstNumber, int count, string prefix)
    {
        // recorded_at of the last stored row for all of them: it never decreases with position (known-at lists rely on it).
        var recordedAt = templates[^1].RecordedAt;
        for (var start = 0; start < count; start += 20_000)
        {
            using var transaction = connection.BeginTransaction();
            Enlist(transaction);
            for (var i = start; i < Math.Min(count, start + 20_000); i++)
            {
                Insert(templates[i % templates.Count] with { RecordedAt = recordedAt }, $"{prefix}{firstNumber + i:D7}");
            }

            transaction.Commit();
        }
    }

    /// <summary>
    /// Rows in a transaction, as S1's baseline does with each batch of 1,000, with the statements
    /// the service's writer runs for a group commit: a revision row each at its position, then one
    /// statement per table for the batch (tags, actors, the current view: JSON arrays of rows).
    /// The rows keep the service's positions, so the twin stays identical to the service's file.
    /// </summary>
    public void InsertBatch(IReadOnlyList<StoredRow> rows, int start, int count)
    {
        using var transaction = connection.BeginTransaction();
        insertRevisionAt.Transaction = insertTags.Transaction = insertActors.Transaction = upsertCurrents.Transaction = transaction;
        var batch = rows.Skip(start).Take(count).ToList();
        foreach (var row in batch)
        {
            SetRevision(insertRevisionAt, row, row.EventId);
            insertRevisionAt.ExecuteNonQuery();
        }

        RunWithRows(insertTags, batch.SelectMany(r => r.Tags.Select(t => (object?[])[t, r.Position])));
        RunWithRows(insertActors, batch.SelectMany(r => r.Actors.Distinct(StringComparer.Ordinal).Select(a => (object?[])[a, r.Position])));

        // The view holds an event's latest revision: the last of the batch's rows for it.
        RunWithRows(upsertCurrents, batch.GroupBy(r => r.EventId, StringComparer.Ordinal).Select(g => g.Last())
            .Select(r => (object?[])[r.EventId, r.Position, r.Revision, r.Earliest, r.Latest, r.Kind, r.Country, r.DeadlineId, r.Retracted]));
        transaction.Commit();
    }

    /// <summary>Runs a set statement with its rows as one JSON array parameter (text), as the service's writer binds it.</summary>
    private static void RunWithRows(SqliteCommand command, IEnumerable<object?[]> rows)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        var any = false;
        using (var writer = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var row in rows)
            {
                any = true;
                writer.WriteStartArray();
                foreach (var value in row)
                {
                    switch (value)
                    {
                        case null: writer.WriteNullValue(); break;
                        case string text: writer.WriteStringValue(text); break;
                        case long number: writer.WriteNumberValue(number); break;
                        default: throw new ArgumentException($"a {value.GetType().Name} in a row", nameof(rows));
                    }
                }

                writer.WriteEndArray();
            }

            writer.WriteEndArray();
        }

        if (any)
        {
            command.Parameters[0].Value = System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
            command.ExecuteNonQuery();
        }
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
        SetRevision(insertRevision, row, eventId);
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

        Set(upsertCurrent, "EventId", eventId);
        Set(upsertCurrent, "Position", position);
        Set(upsertCurrent, "Revision", row.Revision);
        Set(upsertCurrent, "Earliest", row.Earliest);
        Set(upsertCurrent, "Latest", row.Latest);
        Set(upsertCurrent, "Kind", row.Kind);
        Set(upsertCurrent, "Country", row.Country);
        Set(upsertCurrent, "DeadlineId", row.DeadlineId);
        Set(upsertCurrent, "Retracted", row.Retracted);
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
        command.CommandText = "SELECT * FROM revisions WHERE position > $after ORDER BY position";
        command.Parameters.AddWithValue("$after", afterPosition);
        using var reader = command.ExecuteReader();
        var rows = new List<StoredRow>();
        int Column(string name)
        {
            try
            {
                return reader.GetOrdinal(name);
            }
            catch (ArgumentOutOfRangeException)
            {
                return -1;
            }
        }

        var recordedBy = Column("recorded_by");
        var deadline = Column("deadline_id");
        var (position, eventId, revision, recordedAt, earliest, latest, kind, country, retracted, bodyColumn) = (
            Column("position"), Column("event_id"), Column("revision"), Column("recorded_at"), Column("earliest"), Column("latest"),
            Column("kind"), Column("country"), Column("retracted"), Column("body"));
        while (reader.Read())
        {
            var body = reader.GetFieldValue<byte[]>(bodyColumn);
            var record = EventRecord.Parser.ParseFrom(body);
            rows.Add(new StoredRow(
                reader.GetInt64(position), reader.GetString(eventId), reader.GetInt64(revision), reader.GetInt64(recordedAt),
                recordedBy < 0 ? "" : reader.GetString(recordedBy), reader.GetInt64(earliest), reader.GetInt64(latest),
                reader.GetString(kind), reader.GetString(country), reader.IsDBNull(deadline) ? null : reader.GetString(deadline), reader.GetInt64(retracted), body,
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

    /// <summary>A revision row's columns, on either insert (the one that takes the position, and the one that hands it out).</summary>
    private static void SetRevision(SqliteCommand command, StoredRow row, string eventId)
    {
        Set(command, "Position", row.Position);
        Set(command, "EventId", eventId);
        Set(command, "Revision", row.Revision);
        Set(command, "RecordedAt", row.RecordedAt);
        Set(command, "RecordedBy", row.RecordedBy);
        Set(command, "Earliest", row.Earliest);
        Set(command, "Latest", row.Latest);
        Set(command, "Kind", row.Kind);
        Set(command, "Country", row.Country);
        Set(command, "DeadlineId", row.DeadlineId);
        Set(command, "Retracted", row.Retracted);
        Set(command, "Body", row.Body);
    }

    /// <summary>Sets a parameter when the statement has it (the service's statements may gain columns).</summary>
    private static void Set(SqliteCommand command, string name, object? value)
    {
        var index = command.Parameters.IndexOf("@" + name);
        if (index >= 0)
        {
            command.Parameters[index].Value = value ?? DBNull.Value;
        }
    }

    private SqliteCommand Prepare(string sql, params string[] names)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in names.Where(n => sql.Contains("@" + n + ",", StringComparison.Ordinal) || sql.Contains("@" + n + ")", StringComparison.Ordinal)))
        {
            command.Parameters.Add(new SqliteParameter("@" + name, DBNull.Value));
        }

        var missing = System.Text.RegularExpressions.Regex.Matches(sql, @"@(\w+)").Select(m => m.Groups[1].Value).Distinct().Except(names).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException($"the service's statement has parameters the benchmark does not bind: {string.Join(", ", missing)}");
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
        insertRevisionAt.Dispose();
        insertTags.Dispose();
        insertActors.Dispose();
        upsertCurrents.Dispose();
        connection.Dispose();
    }
}
