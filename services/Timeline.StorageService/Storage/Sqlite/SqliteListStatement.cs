using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Timeline.V1;

namespace Timeline.StorageService.Storage.Sqlite;

/// <summary>
/// <see cref="SqliteSql.ListCurrent"/> compiled once on a reader connection of its own and run again
/// for every page, read with a plain data reader straight into <see cref="EventRecord"/>s. The
/// statement is large (an arm per span class, each with the whole filter): compiling it for each
/// request cost about as much as reading a page of 100 events, and Dapper's mapping on top. The
/// connection holds no read snapshot between pages (the reader is disposed, so the statement is
/// reset), so idle statements block neither the writer nor checkpoints. Not thread-safe: one
/// page at a time; <see cref="SqliteEventLog"/> keeps idle ones in a small pool.
/// </summary>
internal sealed partial class SqliteListStatement : IDisposable
{
    private const int Position = 0;
    private const int EventId = 1;
    private const int Revision = 2;
    private const int RecordedAt = 3;
    private const int RecordedBy = 4;
    private const int Body = 5;
    private const int Earliest = 6;
    private const int Latest = 7;

    private readonly SqliteCommand command;
    private readonly Dictionary<string, SqliteParameter> parameters = new(StringComparer.Ordinal);
    private readonly SqliteParameter[] keys;
    private readonly SqliteParameter earliestTo;
    private readonly SqliteParameter limit;

    public SqliteListStatement(SqliteConnection connection)
    {
        Connection = connection;
        command = connection.CreateCommand();
        command.CommandText = SqliteSql.ListCurrent;
        foreach (var name in ParameterName().Matches(SqliteSql.ListCurrent).Select(m => m.Groups[1].Value).Distinct(StringComparer.Ordinal))
        {
            parameters[name] = command.Parameters.Add(new SqliteParameter("@" + name, DBNull.Value));
        }

        keys = [.. Enumerable.Range(0, SpanClasses.Count).SelectMany(k => new[] { parameters[$"E{k}"], parameters[$"L{k}"], parameters[$"P{k}"] })];
        earliestTo = parameters["EarliestTo"];
        limit = parameters["Limit"];
        command.Prepare();
    }

    /// <summary>The statement's own connection (<see cref="SqliteReadLimit"/> arms it).</summary>
    public SqliteConnection Connection { get; }

    /// <summary>
    /// One page: up to <paramref name="size"/> events after <paramref name="after"/> (the page
    /// token's key); when there are more, the key of the last one and the first day of the next
    /// page's first event.
    /// </summary>
    public async Task<EventPage> ReadAsync(SqliteFilter filter, ChronologicalKey? after, int size, CancellationToken cancellationToken)
    {
        foreach (var (name, value) in filter.Values)
        {
            parameters[name].Value = value ?? DBNull.Value;
        }

        earliestTo.Value = filter.OccurredTo ?? int.MaxValue;
        for (var k = 0; k < SpanClasses.Count; k++)
        {
            var (e, l, p) = SpanClasses.Key(k, filter.OccurredFrom, after);
            keys[3 * k].Value = e;
            keys[(3 * k) + 1].Value = l;
            keys[(3 * k) + 2].Value = p;
        }

        // One row more than the page: whether there is a next page at all.
        limit.Value = size + 1;
        var events = new List<EventRecord>(Math.Min(size, 1024));
        ChronologicalKey? last = null;
        int? nextEarliest = null;
        int lastEarliest = 0, lastLatest = 0;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (reader.Read())
        {
            if (events.Count == size)
            {
                last = new ChronologicalKey(lastEarliest, lastLatest, events[^1].Position);
                nextEarliest = reader.GetInt32(Earliest);
                break;
            }

            events.Add(RevisionRecord.From(
                reader.GetFieldValue<byte[]>(Body),
                reader.GetString(EventId),
                reader.GetInt64(Revision),
                reader.GetInt64(Position),
                reader.GetInt64(RecordedAt),
                reader.GetString(RecordedBy)));
            lastEarliest = reader.GetInt32(Earliest);
            lastLatest = reader.GetInt32(Latest);
        }

        return new EventPage(events, last, nextEarliest);
    }

    public void Dispose()
    {
        command.Dispose();
        Connection.Dispose();
    }

    [GeneratedRegex(@"@(\w+)")]
    private static partial Regex ParameterName();
}
