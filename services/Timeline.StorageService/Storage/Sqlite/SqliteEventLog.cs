using System.Collections.Concurrent;
using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using SQLitePCL;
using Timeline.Domain.Events;
using Timeline.V1;

namespace Timeline.StorageService.Storage.Sqlite;

/// <summary>
/// The log in one SQLite file: appends go to the single <see cref="SqliteWriter"/>; reads run beside
/// it (WAL), each on its own pooled connection, except current-view lists, which take a prepared
/// <see cref="SqliteListStatement"/> from a small pool. A list page runs under <c>Storage:ReadTimeLimit</c>
/// (<see cref="SqliteReadLimit"/>).
/// </summary>
internal sealed class SqliteEventLog(SqliteDatabase database, SqliteWriter writer, IOptions<StorageOptions> options) : IEventLog, IDisposable
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

    public Task<IReadOnlyList<WireRevision>> ReadAfterAsync(LogPosition after, LogPosition upTo, EventCriteria criteria, int limit, CancellationToken cancellationToken) =>
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

    /// <summary>
    /// A list page, under <c>Storage:ReadTimeLimit</c>: as known at a time (through Dapper; every
    /// revision up to the time, or the events the filter's ids, tags or actors name), the current
    /// view from the few events an index names (<see cref="ListPage.Driver"/>, through Dapper), or
    /// the current view in order (a pooled <see cref="SqliteListStatement"/>, on whose connection
    /// the other two run as well).
    /// </summary>
    private async Task<EventPage> ListCoreAsync(EventCriteria criteria, DateTimeOffset? knownAt, ChronologicalKey? after, int pageSize, CancellationToken cancellationToken)
    {
        var filter = SqliteFilter.Bind(criteria);
        if (knownAt is { } time)
        {
            await using var connection = await database.OpenReaderAsync(cancellationToken);
            return await LimitedAsync(connection, knownAt: true, async () =>
            {
                var driver = await DriverAsync(connection, criteria, filter, knownAt: true, cancellationToken);
                return await ListByDapperAsync(connection, SqliteSql.ListKnownAt(driver, after is not null), filter, time, after, pageSize, cancellationToken);
            });
        }

        var statement = idleLists.TryDequeue(out var idle) ? idle : new SqliteListStatement(database.OpenReader());
        EventPage page;
        try
        {
            page = await LimitedAsync(statement.Connection, knownAt: false, async () =>
            {
                var driver = await DriverAsync(statement.Connection, criteria, filter, knownAt: false, cancellationToken);
                return driver == ListDriver.Order
                    ? await statement.ReadAsync(filter, after, pageSize, cancellationToken)
                    : await ListByDapperAsync(statement.Connection, SqliteSql.ListDriven(driver, after is not null), filter, null, after, pageSize, cancellationToken);
            });
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

    /// <summary>Runs <paramref name="read"/> on <paramref name="connection"/> under <c>Storage:ReadTimeLimit</c>; past it, RESOURCE_EXHAUSTED.</summary>
    private async Task<EventPage> LimitedAsync(SqliteConnection connection, bool knownAt, Func<Task<EventPage>> read)
    {
        var limit = options.Value.ReadTimeLimit;
        using var budget = SqliteReadLimit.Arm(connection, limit);
        try
        {
            return await read();
        }
        catch (Exception e) when (budget.IsExceeded(e))
        {
            throw ListPage.TooCostly(knownAt, limit);
        }
    }

    /// <summary>
    /// <see cref="ListPage.Driver"/>, counting the index rows of the filter's tags, actors, deadline
    /// ids, kinds and countries (at most <see cref="ListPage.MostIndexRows"/> each) when it has some.
    /// A known-at list is not driven by deadline ids, kinds or countries: those counts are of the current view's.
    /// </summary>
    private static async Task<ListDriver> DriverAsync(SqliteConnection connection, EventCriteria criteria, SqliteFilter filter, bool knownAt, CancellationToken cancellationToken)
    {
        if (!ListPage.CountsIndexRows(criteria, knownAt))
        {
            return ListPage.Driver(criteria, IndexRows.Uncounted);
        }

        var parameters = filter.ToDynamic();
        parameters.Add("Most", ListPage.MostIndexRows);
        var (tags, actors, deadlines, kinds, countries) = await connection.QuerySingleAsync<(long, long, long, long, long)>(new CommandDefinition(SqliteSql.CountIndexRows, parameters, cancellationToken: cancellationToken));
        var rows = new IndexRows(tags, actors, deadlines, kinds, countries);
        return ListPage.Driver(criteria, knownAt ? rows.ForKnownAt() : rows);
    }

    /// <summary>A list statement that sorts what it selects (known at a time, or from an index's events), through Dapper: one page and the row after it.</summary>
    private static async Task<EventPage> ListByDapperAsync(
        SqliteConnection connection, string sql, SqliteFilter filter, DateTimeOffset? knownAt, ChronologicalKey? after, int size, CancellationToken cancellationToken)
    {
        var parameters = filter.ToDynamic();
        parameters.Add("AfterEarliest", after?.Earliest);
        parameters.Add("AfterLatest", after?.Latest);
        parameters.Add("AfterPosition", after?.Position);
        parameters.Add("Limit", size + 1);
        if (knownAt is { } time)
        {
            parameters.Add("KnownAt", RecordTime.ToMicros(time));
        }

        var rows = (await connection.QueryAsync<RevisionRow>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken))).AsList();
        return ListPage.From(rows, size);
    }

    private async Task<IReadOnlyList<WireRevision>> ReadAfterCoreAsync(LogPosition after, LogPosition upTo, EventCriteria criteria, int limit, CancellationToken cancellationToken)
    {
        var filter = SqliteFilter.Bind(criteria);
        await using var connection = await database.OpenReaderAsync(cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        return ReadAfter(connection.Handle!, filter, after, upTo, limit);
    }

    /// <summary>
    /// <see cref="SqliteSql.ReadAfter"/> through SQLite's own API on the connection's handle: each
    /// row's texts and body are read where SQLite holds them (<c>sqlite3_column_blob</c>, the texts as
    /// their UTF-8 bytes) straight into the page's wire form (<see cref="WirePage"/>), with no data
    /// reader between: Microsoft.Data.Sqlite's copies every blob into an array of its own and decodes
    /// every text into a string.
    /// </summary>
    private static IReadOnlyList<WireRevision> ReadAfter(sqlite3 db, SqliteFilter filter, LogPosition after, LogPosition upTo, int limit)
    {
        SqliteException.ThrowExceptionForRC(raw.sqlite3_prepare_v2(db, SqliteSql.ReadAfter, out var statement), db);
        using (statement)
        {
            foreach (var (name, value) in filter.Values)
            {
                Bind(statement, name, value);
            }

            Bind(statement, "After", after.Value);
            Bind(statement, "UpTo", upTo.Value);
            Bind(statement, "Limit", limit);
            var page = new WirePage(limit);
            int rc;
            while ((rc = raw.sqlite3_step(statement)) == raw.SQLITE_ROW)
            {
                page.Add(
                    raw.sqlite3_column_int64(statement, 0), raw.sqlite3_column_blob(statement, 1), raw.sqlite3_column_int64(statement, 2),
                    raw.sqlite3_column_int64(statement, 3), raw.sqlite3_column_blob(statement, 4), raw.sqlite3_column_blob(statement, 5));
            }

            if (rc != raw.SQLITE_DONE)
            {
                SqliteException.ThrowExceptionForRC(rc, db);
            }

            return page.Revisions;
        }
    }

    /// <summary>Binds a filter value as Microsoft.Data.Sqlite would (booleans as 0 and 1); a name the statement does not use is skipped.</summary>
    private static void Bind(sqlite3_stmt statement, string name, object? value)
    {
        var index = raw.sqlite3_bind_parameter_index(statement, "@" + name);
        if (index == 0)
        {
            return;
        }

        var rc = value switch
        {
            null => raw.sqlite3_bind_null(statement, index),
            string text => raw.sqlite3_bind_text(statement, index, text),
            bool flag => raw.sqlite3_bind_int64(statement, index, flag ? 1 : 0),
            int number => raw.sqlite3_bind_int64(statement, index, number),
            long number => raw.sqlite3_bind_int64(statement, index, number),
            _ => throw new ArgumentOutOfRangeException(nameof(value), value, $"no binding for parameter {name}"),
        };
        if (rc != raw.SQLITE_OK)
        {
            throw new InvalidOperationException($"binding parameter {name} failed: {raw.sqlite3_errstr(rc).utf8_to_string()}");
        }
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
