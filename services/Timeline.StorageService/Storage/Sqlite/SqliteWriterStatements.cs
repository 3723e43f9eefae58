using System.Buffers;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Timeline.StorageService.Storage.Sqlite;

/// <summary>
/// The writer's statements, compiled once on its connection and reused for every group commit:
/// one read of the latest revisions, a statement per revision, and one statement per group for
/// each of the tag, actor and current-view tables, taking its rows as one JSON array
/// (<see cref="SqliteSql.InsertTags"/>). A statement per row cost the writer a bind and a step per
/// tag, actor and view row (the profile put tag and actor rows alone at 27% of its time), and a
/// statement per chunk of rows would meet SQLite's limit on variables.
/// </summary>
internal sealed class SqliteWriterStatements : IDisposable
{
    private readonly SqliteCommand latest;
    private readonly SqliteCommand insertRevision;
    private readonly SqliteCommand insertTags;
    private readonly SqliteCommand insertActors;
    private readonly SqliteCommand upsertCurrents;
    private readonly ArrayBufferWriter<byte> buffer = new(64 * 1024);

    public SqliteWriterStatements(SqliteConnection connection)
    {
        latest = Command(connection, SqliteSql.Latest, "@EventIds");
        insertRevision = Command(connection, SqliteSql.InsertRevisionAt, "@Position", "@EventId", "@Revision", "@RecordedAt", "@RecordedBy", "@Earliest", "@Latest", "@Kind", "@Country", "@DeadlineId", "@Retracted", "@Body");
        insertTags = Command(connection, SqliteSql.InsertTags, "@Rows");
        insertActors = Command(connection, SqliteSql.InsertActors, "@Rows");
        upsertCurrents = Command(connection, SqliteSql.UpsertCurrents, "@Rows");
    }

    /// <summary>Runs the statements inside the group's transaction.</summary>
    public void Enlist(SqliteTransaction transaction)
    {
        foreach (var command in All())
        {
            command.Transaction = transaction;
        }
    }

    /// <summary>The latest stored revision of each of <paramref name="eventIds"/> that has one.</summary>
    public Dictionary<string, LatestRevision> Latest(string[] eventIds)
    {
        latest.Parameters[0].Value = Json(w =>
        {
            foreach (var id in eventIds)
            {
                w.WriteStringValue(id);
            }
        });
        var stored = new Dictionary<string, LatestRevision>(eventIds.Length, StringComparer.Ordinal);
        using var reader = latest.ExecuteReader();
        while (reader.Read())
        {
            stored[reader.GetString(0)] = new LatestRevision(
                new LogPosition(reader.GetInt64(1)),
                new EventRevision(reader.GetInt64(2)),
                reader.GetBoolean(3),
                (byte[])reader.GetValue(4),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.GetInt64(6),
                reader.GetString(7));
        }

        return stored;
    }

    /// <summary>Writes the plan's revisions, then their tag and actor rows and the current view, a statement each.</summary>
    public void Write(GroupPlan plan, long recordedAt)
    {
        var p = insertRevision.Parameters;
        p[3].Value = recordedAt;
        foreach (var r in plan.Revisions)
        {
            p[0].Value = r.Position.Value;
            p[1].Value = r.EventId;
            p[2].Value = r.Revision.Value;
            p[4].Value = r.RecordedBy;
            p[5].Value = r.Content.Earliest;
            p[6].Value = r.Content.Latest;
            p[7].Value = r.Record.Kind;
            p[8].Value = r.Country;
            p[9].Value = (object?)r.DeadlineId ?? DBNull.Value;
            p[10].Value = r.Record.Retracted;
            p[11].Value = r.Content.Body;
            insertRevision.ExecuteNonQuery();
        }

        Insert(insertTags, plan.TagRows());
        Insert(insertActors, plan.ActorRows());
        upsertCurrents.Parameters[0].Value = Json(w =>
        {
            foreach (var (r, _) in plan.CurrentRows())
            {
                w.WriteStartArray();
                WriteViewColumns(w, r);
                w.WriteEndArray();
            }
        });
        upsertCurrents.ExecuteNonQuery();
    }

    public void Dispose()
    {
        foreach (var command in All())
        {
            command.Dispose();
        }
    }

    private void Insert(SqliteCommand command, List<(string Value, long Position)> rows)
    {
        if (rows.Count == 0)
        {
            return;
        }

        command.Parameters[0].Value = Json(w =>
        {
            foreach (var (value, position) in rows)
            {
                w.WriteStartArray();
                w.WriteStringValue(value);
                w.WriteNumberValue(position);
                w.WriteEndArray();
            }
        });
        command.ExecuteNonQuery();
    }

    /// <summary>A JSON array of what <paramref name="write"/> writes, as text (a blob would be read as JSONB).</summary>
    private string Json(Action<Utf8JsonWriter> write)
    {
        buffer.ResetWrittenCount();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true }))
        {
            writer.WriteStartArray();
            write(writer);
            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>A current-view row's columns, in the order <see cref="SqliteSql.UpsertCurrents"/> reads them.</summary>
    private static void WriteViewColumns(Utf8JsonWriter w, PlannedRevision r)
    {
        w.WriteStringValue(r.EventId);
        w.WriteNumberValue(r.Position.Value);
        w.WriteNumberValue(r.Revision.Value);
        w.WriteNumberValue(r.Content.Earliest);
        w.WriteNumberValue(r.Content.Latest);
        w.WriteStringValue(r.Record.Kind);
        w.WriteStringValue(r.Country);
        WriteNullable(w, r.DeadlineId);
        w.WriteNumberValue(r.Record.Retracted ? 1 : 0);
    }

    private static void WriteNullable(Utf8JsonWriter writer, string? value)
    {
        if (value is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            writer.WriteStringValue(value);
        }
    }

    private SqliteCommand[] All() => [latest, insertRevision, insertTags, insertActors, upsertCurrents];

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
