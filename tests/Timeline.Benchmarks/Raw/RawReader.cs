using System.Text.Json;
using Microsoft.Data.Sqlite;
using Timeline.StorageService.Storage;
using Timeline.StorageService.Storage.Sqlite;
using Timeline.V1;

namespace Timeline.Benchmarks.Raw;

/// <summary>The sort key of the last row of a page: what a page token carries.</summary>
internal readonly record struct Key(long Earliest, long Latest, long Position);

/// <summary>
/// S3's baseline: the storage service's ListCurrent statement, the same parameters and the same
/// per-class keys (computed by the service's own SpanClasses.Key), through a prepared command and
/// a raw SqliteDataReader that reads every column (the body as bytes, unparsed), on one open
/// connection with the page cache of the service's list connections.
/// </summary>
internal sealed class RawReader : IDisposable
{
    private readonly SqliteConnection connection;
    private readonly SqliteCommand command;
    private readonly int? occurredFrom;
    private readonly SqliteParameter[][] keys;
    private readonly SqliteParameter limit;

    public RawReader(string path, EventFilter filter)
    {
        connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ToString());
        connection.Open();
        using (var cache = connection.CreateCommand())
        {
            cache.CommandText = $"PRAGMA cache_size = -{SqliteDatabase.ReaderCacheKiB}";
            cache.ExecuteNonQuery();
        }

        command = connection.CreateCommand();
        command.CommandText = SqliteSql.ListCurrent;
        occurredFrom = Day(filter.OccurredFrom);
        Bind(command, filter);
        keys = [.. Enumerable.Range(0, SpanClasses.Count).Select(k => new[]
        {
            command.Parameters.Add(new SqliteParameter($"@E{k}", 0L)),
            command.Parameters.Add(new SqliteParameter($"@L{k}", 0L)),
            command.Parameters.Add(new SqliteParameter($"@P{k}", 0L)),
        })];
        limit = command.Parameters.Add(new SqliteParameter("@Limit", 101));
        var missing = System.Text.RegularExpressions.Regex.Matches(command.CommandText, @"@\w+").Select(m => m.Value).Distinct()
            .Where(name => !command.Parameters.Contains(name)).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException($"the service's list statement has parameters the benchmark does not bind: {string.Join(", ", missing)}");
        }

        SetKeys(null);
        command.Prepare();
    }

    /// <summary>Reads one page of <paramref name="size"/> (asking for one more row, as the service does); returns the rows read and the last key.</summary>
    public (int Count, Key? Last) Page(Key? after, int size)
    {
        SetKeys(after);
        limit.Value = size + 1;
        return Read(command, size);
    }

    private void SetKeys(Key? after)
    {
        (long, long, long)? token = after is { } a ? (a.Earliest, a.Latest, a.Position) : null;
        for (var k = 0; k < keys.Length; k++)
        {
            var (e, l, p) = SpanClasses.Key(k, occurredFrom, token);
            keys[k][0].Value = e;
            keys[k][1].Value = l;
            keys[k][2].Value = p;
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

    /// <summary>
    /// The query plan SQLite picks, its lines in order of first appearance, each repeated one
    /// prefixed with its count (the seven arms share most of theirs; subqueries unnumbered).
    /// </summary>
    public string Plan()
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

        return string.Join(" | ", lines
            .Select(l => System.Text.RegularExpressions.Regex.Replace(l, @"SUBQUERY \d+", "SUBQUERY"))
            .GroupBy(l => l)
            .Select(g => g.Count() == 1 ? g.Key : $"{g.Count()}× {g.Key}"));
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
        command.Parameters.AddWithValue("@OccurredFrom", (object?)Day(filter.OccurredFrom) ?? DBNull.Value);
        command.Parameters.AddWithValue("@OccurredTo", (object?)Day(filter.OccurredTo) ?? DBNull.Value);
        command.Parameters.AddWithValue("@EarliestTo", Day(filter.OccurredTo) ?? int.MaxValue);
        command.Parameters.AddWithValue("@DeadlinesOnly", filter.DeadlineEffectsOnly || filter.DeadlineIds.Count > 0);
    }

    private static int? Day(string isoDate) =>
        isoDate.Length == 0 ? null : DateOnly.Parse(isoDate, System.Globalization.CultureInfo.InvariantCulture).DayNumber;

    public void Dispose()
    {
        command.Dispose();
        connection.Dispose();
    }
}
