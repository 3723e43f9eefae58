using System.Text.Json;
using Microsoft.Data.Sqlite;
using Timeline.V1;

namespace Timeline.Benchmarks.Raw;

/// <summary>The sort key of the last row of a page: what a page token carries.</summary>
internal readonly record struct Key(long Earliest, long Latest, long Position);

/// <summary>
/// S3's baseline: the storage service's ListCurrent statement, the same parameters, through a
/// prepared command and a raw SqliteDataReader that reads every column (the body as bytes,
/// unparsed), on one open connection.
/// </summary>
internal sealed class RawReader : IDisposable
{
    private readonly SqliteConnection connection;
    private readonly SqliteCommand first;
    private readonly SqliteCommand next;

    /// <summary>The service's statements (first page, continuation), or one <paramref name="sql"/> for every page.</summary>
    public RawReader(string path, EventFilter filter, string? sql = null)
    {
        connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ToString());
        connection.Open();
        first = Create(sql ?? StorageSql.ListCurrentFirst, filter);
        next = Create(sql ?? StorageSql.ListCurrentNext, filter);
    }

    private SqliteCommand Create(string sql, EventFilter filter)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        Bind(command, filter);
        foreach (var p in command.Parameters.Cast<SqliteParameter>().Where(p => !sql.Contains(p.ParameterName, StringComparison.Ordinal)).ToList())
        {
            command.Parameters.Remove(p);
        }

        command.Prepare();
        return command;
    }

    /// <summary>Reads one page of <paramref name="size"/> (asking for one more row, as the service does); returns the rows read and the last key.</summary>
    public (int Count, Key? Last) Page(Key? after, int size)
    {
        var command = after is null ? first : next;
        Set(command, "@AfterEarliest", after is { } a0 ? a0.Earliest : DBNull.Value);
        Set(command, "@AfterLatest", after is { } b0 ? b0.Latest : DBNull.Value);
        Set(command, "@AfterPosition", after is { } c0 ? c0.Position : DBNull.Value);
        Set(command, "@Limit", size + 1);
        return Read(command, size);
    }

    private static void Set(SqliteCommand command, string name, object value)
    {
        if (command.Parameters.Contains(name))
        {
            command.Parameters[name].Value = value;
        }
    }

    private static (int Count, Key? Last) Read(SqliteCommand command, int size)
    {
        using var reader = command.ExecuteReader();
        var count = 0;
        Key? last = null;
        long bytes = 0;
        var (p, id, rev, at, body, e, l) = (reader.GetOrdinal("Position"), reader.GetOrdinal("EventId"), reader.GetOrdinal("Revision"),
            reader.GetOrdinal("RecordedAt"), reader.GetOrdinal("Body"), reader.GetOrdinal("Earliest"), reader.GetOrdinal("Latest"));
        while (count < size && reader.Read())
        {
            var position = reader.GetInt64(p);
            var eventId = reader.GetString(id);
            var revision = reader.GetInt64(rev);
            var recordedAt = reader.GetInt64(at);
            var bytesRead = reader.GetFieldValue<byte[]>(body);
            var earliest = reader.GetInt64(e);
            var latest = reader.GetInt64(l);
            for (var i = 0; i < reader.FieldCount; i++)
            {
                _ = reader.GetValue(i);
            }

            bytes += bytesRead.Length + eventId.Length + revision + recordedAt;
            last = new Key(earliest, latest, position);
            count++;
        }

        GC.KeepAlive(bytes);
        return (count, last);
    }

    /// <summary>The query plans SQLite picks for the first page and for a continuation.</summary>
    public string Plan() => first.CommandText == next.CommandText ? Plan(first) : $"first page: {Plan(first)}; next pages: {Plan(next)}";

    private string Plan(SqliteCommand command)
    {
        using var explain = connection.CreateCommand();
        explain.CommandText = "EXPLAIN QUERY PLAN " + command.CommandText;
        foreach (SqliteParameter p in command.Parameters)
        {
            explain.Parameters.Add(new SqliteParameter(p.ParameterName, p.Value ?? DBNull.Value));
        }

        using var reader = explain.ExecuteReader();
        var lines = new List<string>();
        while (reader.Read())
        {
            lines.Add(reader.GetString(3));
        }

        return string.Join(" | ", lines);
    }

    private static void Bind(SqliteCommand command, EventFilter filter)
    {
        void List(string name, string count, IEnumerable<string> values)
        {
            var list = values.ToList();
            command.Parameters.AddWithValue("@" + name, JsonSerializer.Serialize(list));
            command.Parameters.AddWithValue("@" + count, list.Count);
        }

        List("Tags", "TagCount", filter.Tags);
        List("Actors", "ActorCount", filter.Actors);
        List("Kinds", "KindCount", filter.Kinds);
        List("Countries", "CountryCount", filter.Countries);
        List("DeadlineIds", "DeadlineIdCount", filter.DeadlineIds);
        List("EventIds", "EventIdCount", filter.EventIds);
        command.Parameters.AddWithValue("@OccurredFrom", filter.OccurredFrom.Length == 0 ? DBNull.Value : DateOnly.Parse(filter.OccurredFrom, System.Globalization.CultureInfo.InvariantCulture).DayNumber);
        command.Parameters.AddWithValue("@OccurredTo", filter.OccurredTo.Length == 0 ? DBNull.Value : DateOnly.Parse(filter.OccurredTo, System.Globalization.CultureInfo.InvariantCulture).DayNumber);
        command.Parameters.AddWithValue("@DeadlinesOnly", filter.DeadlineEffectsOnly || filter.DeadlineIds.Count > 0);
        command.Parameters.AddWithValue("@AfterEarliest", DBNull.Value);
        command.Parameters.AddWithValue("@AfterLatest", DBNull.Value);
        command.Parameters.AddWithValue("@AfterPosition", DBNull.Value);
        command.Parameters.AddWithValue("@Limit", 101);
    }

    public void Dispose()
    {
        first.Dispose();
        next.Dispose();
        connection.Dispose();
    }
}
