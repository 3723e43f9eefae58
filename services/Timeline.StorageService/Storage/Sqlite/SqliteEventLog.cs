using System.Collections.Concurrent;
using Dapper;
using Timeline.Domain.Events;
using Timeline.V1;

namespace Timeline.StorageService.Storage.Sqlite;

/// <summary>
/// The log in one SQLite file: appends go to the single <see cref="SqliteWriter"/>; reads run beside
/// it (WAL), each on its own pooled connection, except current-view lists, which take a prepared
/// <see cref="SqliteListStatement"/> from a small pool.
/// </summary>
internal sealed class SqliteEventLog(SqliteDatabase database, SqliteWriter writer) : IEventLog, IDisposable
{
    /// <summary>Idle list statements kept; more can run at once, the extra ones are closed after use.</summary>
    private const int IdleListStatements = 8;

    private readonly ConcurrentQueue<SqliteListStatement> idleLists = new();
    private volatile bool disposed;

    public Task<IReadOnlyList<AppendedEvent>> AppendAsync(IReadOnlyList<NewEvent> events, string recordedBy) => writer.AppendAsync(events, recordedBy);

    public Task<EventRecord?> ReadEventAsync(string eventId, EventVersion version, CancellationToken cancellationToken) =>
        Guarded(() => ReadEventCoreAsync(eventId, version, cancellationToken));

    public Task<IReadOnlyList<EventRecord>> ReadHistoryAsync(string eventId, CancellationToken cancellationToken) =>
        Guarded(() => ReadHistoryCoreAsync(eventId, cancellationToken));

    public Task<EventPage> ListAsync(EventCriteria criteria, DateTimeOffset? knownAt, ChronologicalKey? after, int pageSize, CancellationToken cancellationToken) =>
        Guarded(() => ListCoreAsync(criteria, knownAt, after, pageSize, cancellationToken));

    public Task<IReadOnlyList<StoredRevision>> ReadAfterAsync(LogPosition after, LogPosition upTo, EventCriteria criteria, int limit, CancellationToken cancellationToken) =>
        Guarded(() => ReadAfterCoreAsync(after, upTo, criteria, limit, cancellationToken));

    public Task<LogPosition> ReadHeadAsync(CancellationToken cancellationToken) => Guarded(() => ReadHeadCoreAsync(cancellationToken));

    /// <summary>A read that meets a damaged page fails as before (INTERNAL), and stops writes to the damaged file.</summary>
    private async Task<T> Guarded<T>(Func<Task<T>> read)
    {
        try
        {
            return await read();
        }
        catch (Exception e) when (database.NoteDamage(e))
        {
            throw;
        }
    }

    private async Task<EventRecord?> ReadEventCoreAsync(string eventId, EventVersion version, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenReaderAsync(cancellationToken);
        var (sql, args) = version switch
        {
            EventVersion.KnownAt k => (LogSql.GetKnownAt, (object)new { EventId = eventId, KnownAt = RecordTime.ToMicros(k.Time) }),
            EventVersion.AtRevision r => (LogSql.GetRevision, new { EventId = eventId, Revision = r.Revision.Value }),
            _ => (LogSql.GetCurrent, new { EventId = eventId }),
        };
        var row = await connection.QuerySingleOrDefaultAsync<RevisionRow>(new CommandDefinition(sql, args, cancellationToken: cancellationToken));
        return row?.ToRecord();
    }

    private async Task<IReadOnlyList<EventRecord>> ReadHistoryCoreAsync(string eventId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenReaderAsync(cancellationToken);
        var rows = await connection.QueryAsync<RevisionRow>(new CommandDefinition(LogSql.History, new { EventId = eventId }, cancellationToken: cancellationToken));
        return rows.Select(r => r.ToRecord()).ToList();
    }

    private async Task<EventPage> ListCoreAsync(EventCriteria criteria, DateTimeOffset? knownAt, ChronologicalKey? after, int pageSize, CancellationToken cancellationToken)
    {
        var filter = SqliteFilter.Bind(criteria);
        if (knownAt is { } time)
        {
            return await ListKnownAtAsync(filter, time, after, pageSize, cancellationToken);
        }

        var statement = idleLists.TryDequeue(out var idle) ? idle : new SqliteListStatement(database.OpenReader());
        EventPage page;
        try
        {
            page = await statement.ReadAsync(filter, after, pageSize, cancellationToken);
        }
        catch
        {
            statement.Dispose();
            throw;
        }

        if (idleLists.Count < IdleListStatements)
        {
            idleLists.Enqueue(statement);
            if (disposed)
            {
                Dispose();
            }
        }
        else
        {
            statement.Dispose();
        }

        return page;
    }

    /// <summary>
    /// The view as known at a time, through Dapper and <see cref="SqliteSql.ListKnownAtFirst"/> /
    /// <see cref="SqliteSql.ListKnownAtNext"/>: a rare, historical query that sorts what it selects.
    /// </summary>
    private async Task<EventPage> ListKnownAtAsync(SqliteFilter filter, DateTimeOffset knownAt, ChronologicalKey? after, int size, CancellationToken cancellationToken)
    {
        var parameters = filter.ToDynamic();
        parameters.Add("AfterEarliest", after?.Earliest);
        parameters.Add("AfterLatest", after?.Latest);
        parameters.Add("AfterPosition", after?.Position);
        parameters.Add("Limit", size + 1);
        parameters.Add("KnownAt", RecordTime.ToMicros(knownAt));
        var sql = after is null ? SqliteSql.ListKnownAtFirst : SqliteSql.ListKnownAtNext;
        await using var connection = await database.OpenReaderAsync(cancellationToken);
        var rows = (await connection.QueryAsync<RevisionRow>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken))).AsList();
        return ListPage.From(rows, size);
    }

    private async Task<IReadOnlyList<StoredRevision>> ReadAfterCoreAsync(LogPosition after, LogPosition upTo, EventCriteria criteria, int limit, CancellationToken cancellationToken)
    {
        var parameters = SqliteFilter.Bind(criteria).ToDynamic();
        parameters.Add("After", after.Value);
        parameters.Add("UpTo", upTo.Value);
        parameters.Add("Limit", limit);
        await using var connection = await database.OpenReaderAsync(cancellationToken);
        await using var reader = await connection.ExecuteReaderAsync(new CommandDefinition(SqliteSql.ReadAfter, parameters, cancellationToken: cancellationToken));
        return await StoredRevision.ReadAllAsync(reader, limit, cancellationToken);
    }

    private async Task<LogPosition> ReadHeadCoreAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenReaderAsync(cancellationToken);
        return new LogPosition(await connection.ExecuteScalarAsync<long>(new CommandDefinition(SqliteSql.Head, cancellationToken: cancellationToken)));
    }

    public void Dispose()
    {
        disposed = true;
        while (idleLists.TryDequeue(out var statement))
        {
            statement.Dispose();
        }
    }
}
