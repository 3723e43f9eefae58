using Microsoft.Data.Sqlite;

namespace Timeline.StorageService.Storage.Sqlite;

/// <summary>
/// The writer's statements, compiled once on its connection and reused for every row: the hot
/// path of an append pays parameter binding, not SQL parsing (the benchmark's S1/S2 showed
/// statement preparation as half of the writer's time when each row built fresh commands).
/// </summary>
internal sealed class SqliteWriterStatements : IDisposable
{
    private readonly SqliteCommand latest;
    private readonly SqliteCommand insertRevision;
    private readonly SqliteCommand insertTag;
    private readonly SqliteCommand insertActor;
    private readonly SqliteCommand upsertCurrent;

    public SqliteWriterStatements(SqliteConnection connection)
    {
        latest = Command(connection, SqliteSql.Latest, "@EventId");
        insertRevision = Command(connection, SqliteSql.InsertRevision, "@EventId", "@Revision", "@RecordedAt", "@RecordedBy", "@Earliest", "@Latest", "@Kind", "@Country", "@DeadlineId", "@Retracted", "@Body");
        insertTag = Command(connection, SqliteSql.InsertTag, "@Tag", "@Position");
        insertActor = Command(connection, SqliteSql.InsertActor, "@Actor", "@Position");
        upsertCurrent = Command(connection, SqliteSql.UpsertCurrent, "@EventId", "@Position", "@Revision", "@Earliest", "@Latest", "@Kind", "@Country", "@DeadlineId", "@Retracted");
    }

    /// <summary>Runs the statements inside the group's transaction.</summary>
    public void Enlist(SqliteTransaction transaction)
    {
        foreach (var command in All())
        {
            command.Transaction = transaction;
        }
    }

    public LatestRevision? Latest(string eventId)
    {
        latest.Parameters[0].Value = eventId;
        using var reader = latest.ExecuteReader();
        if (!reader.Read())
        {
            return null;
        }

        return new LatestRevision(
            new LogPosition(reader.GetInt64(0)),
            new EventRevision(reader.GetInt64(1)),
            reader.GetBoolean(2),
            (byte[])reader.GetValue(3),
            reader.IsDBNull(4) ? null : reader.GetString(4));
    }

    public long InsertRevision(NewRevision row)
    {
        var p = insertRevision.Parameters;
        p[0].Value = row.EventId;
        p[1].Value = row.Revision;
        p[2].Value = row.RecordedAt;
        p[3].Value = row.RecordedBy;
        p[4].Value = row.Earliest;
        p[5].Value = row.Latest;
        p[6].Value = row.Kind;
        p[7].Value = row.Country;
        p[8].Value = (object?)row.DeadlineId ?? DBNull.Value;
        p[9].Value = row.Retracted;
        p[10].Value = row.Body;
        return (long)insertRevision.ExecuteScalar()!;
    }

    public void InsertTag(string tag, long position) => Run(insertTag, tag, position);

    public void InsertActor(string actor, long position) => Run(insertActor, actor, position);

    public void UpsertCurrent(NewRevision row, long position)
    {
        var p = upsertCurrent.Parameters;
        p[0].Value = row.EventId;
        p[1].Value = position;
        p[2].Value = row.Revision;
        p[3].Value = row.Earliest;
        p[4].Value = row.Latest;
        p[5].Value = row.Kind;
        p[6].Value = row.Country;
        p[7].Value = (object?)row.DeadlineId ?? DBNull.Value;
        p[8].Value = row.Retracted;
        upsertCurrent.ExecuteNonQuery();
    }

    public void Dispose()
    {
        foreach (var command in All())
        {
            command.Dispose();
        }
    }

    private static void Run(SqliteCommand command, string value, long position)
    {
        command.Parameters[0].Value = value;
        command.Parameters[1].Value = position;
        command.ExecuteNonQuery();
    }

    private SqliteCommand[] All() => [latest, insertRevision, insertTag, insertActor, upsertCurrent];

    private static SqliteCommand Command(SqliteConnection connection, string sql, params string[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in parameters)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        return command;
    }
}

/// <summary>One revision about to be written.</summary>
internal sealed record NewRevision(
    string EventId, long Revision, long RecordedAt, string RecordedBy, int Earliest, int Latest, string Kind, string Country, string? DeadlineId, bool Retracted, byte[] Body);
