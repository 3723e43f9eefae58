using System.Runtime.ExceptionServices;
using Dapper;
using Google.Protobuf;
using Npgsql;
using Timeline.Domain.Events;
using Timeline.V1;

namespace Timeline.StorageService.Storage.Postgres;

/// <summary>
/// The log in a PostgreSQL database that any number of storage instances share: appends go to this
/// instance's <see cref="PostgresWriter"/>; reads run on pooled connections (Dapper), and each call
/// that the database cannot answer is UNAVAILABLE (<see cref="PostgresDatabase.ReadAsync{T}(Func{NpgsqlConnection, Task{T}}, CancellationToken)"/>);
/// a list page runs on a connection of <see cref="PostgresDatabase.ListSource"/>, stopped at <c>Storage:ReadTimeLimit</c>.
/// </summary>
internal sealed class PostgresEventLog(PostgresDatabase database, PostgresWriter writer) : IEventLog
{
    public Task<IReadOnlyList<AppendedEvent>> AppendAsync(IReadOnlyList<NewEvent> events, string recordedBy) => writer.AppendAsync(events, recordedBy);

    public async Task<EventRecord?> ReadEventAsync(string eventId, EventVersion version, CancellationToken cancellationToken)
    {
        var (sql, args) = version switch
        {
            EventVersion.KnownAt k => (LogSql.GetKnownAt, (object)new { EventId = eventId, KnownAt = RecordTime.ToMicros(k.Time) }),
            EventVersion.AtRevision r => (LogSql.GetRevision, new { EventId = eventId, Revision = r.Revision.Value }),
            _ => (LogSql.GetCurrent, new { EventId = eventId }),
        };

        // Parsed after the read: a body that cannot be parsed is no failure of the database
        // (InvalidProtocolBufferException is an IOException, which ReadAsync would take for one).
        var row = await database.ReadAsync(
            connection => connection.QuerySingleOrDefaultAsync<RevisionRow>(new CommandDefinition(sql, args, cancellationToken: cancellationToken)),
            cancellationToken);
        return row?.ToRecord();
    }

    public async Task<IReadOnlyList<EventRecord>> ReadHistoryAsync(string eventId, CancellationToken cancellationToken)
    {
        var rows = await database.ReadAsync(
            async connection => (await connection.QueryAsync<RevisionRow>(new CommandDefinition(LogSql.History, new { EventId = eventId }, cancellationToken: cancellationToken))).AsList(),
            cancellationToken);
        return [.. rows.Select(r => r.ToRecord())];
    }

    public async Task<EventPage> ListAsync(EventCriteria criteria, DateTimeOffset? knownAt, ChronologicalKey? after, int pageSize, CancellationToken cancellationToken)
    {
        var rows = await database.ReadAsync(
            database.ListSource,
            async connection =>
            {
                try
                {
                    // The list connection's statement_timeout goes ahead of the first statement, in its round trip.
                    var first = database.ListTimeout;
                    var driver = ListPage.Driver(criteria, IndexRows.Uncounted);
                    if (ListPage.CountsIndexRows(criteria, knownAt is not null))
                    {
                        var count = PostgresFilter.Bind(criteria);
                        count.Add("Most", ListPage.MostIndexRows);
                        var (tags, actors, deadlines, kinds, countries) = await connection.QuerySingleAsync<(long, long, long, long, long)>(new CommandDefinition(first + PostgresSql.CountIndexRows, count, cancellationToken: cancellationToken));
                        first = "";

                        // A known-at list is not driven by deadline ids, kinds or countries: those counts are of the current view's.
                        var rows = new IndexRows(tags, actors, deadlines, kinds, countries);
                        driver = ListPage.Driver(criteria, knownAt is null ? rows : rows.ForKnownAt());
                    }

                    var (sql, parameters) = ListStatement(criteria, driver, knownAt, after, pageSize);
                    return (await connection.QueryAsync<RevisionRow>(new CommandDefinition(first + sql, parameters, cancellationToken: cancellationToken))).AsList();
                }
                catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.QueryCanceled && !cancellationToken.IsCancellationRequested)
                {
                    // The list connection's statement_timeout (Storage:ReadTimeLimit): the request's cost, not an outage.
                    throw ListPage.TooCostly(knownAt is not null, database.ReadTimeLimit);
                }
            },
            cancellationToken);
        return ListPage.From(rows, pageSize);
    }

    /// <summary>
    /// The statement of a list page and its parameters (one row more than the page: whether there is
    /// a next one, and where it starts): as known at a time, from the events <paramref name="driver"/>
    /// names, or the current view in order (the span-class merge).
    /// </summary>
    internal static (string Sql, DynamicParameters Parameters) ListStatement(EventCriteria criteria, ListDriver driver, DateTimeOffset? knownAt, ChronologicalKey? after, int pageSize)
    {
        var parameters = PostgresFilter.Bind(criteria);
        parameters.Add("Limit", pageSize + 1);
        if (knownAt is not null || driver != ListDriver.Order)
        {
            parameters.Add("AfterEarliest", after?.Earliest ?? 0);
            parameters.Add("AfterLatest", after?.Latest ?? 0);
            parameters.Add("AfterPosition", after?.Position ?? 0);
        }

        if (knownAt is { } time)
        {
            parameters.Add("KnownAt", RecordTime.ToMicros(time));
            return (PostgresSql.ListKnownAt(driver, after is not null), parameters);
        }

        if (driver != ListDriver.Order)
        {
            return (PostgresSql.ListDriven(driver, after is not null), parameters);
        }

        for (var k = 0; k < SpanClasses.Count; k++)
        {
            var (e, l, p) = SpanClasses.Key(k, criteria.OccurredFrom, after);
            parameters.Add($"E{k}", e);
            parameters.Add($"L{k}", l);
            parameters.Add($"P{k}", p);
        }

        parameters.Add("EarliestTo", criteria.OccurredTo ?? int.MaxValue);
        return (PostgresSql.ListCurrent, parameters);
    }

    public async Task<IReadOnlyList<WireRevision>> ReadAfterAsync(LogPosition after, LogPosition upTo, EventCriteria criteria, int limit, CancellationToken cancellationToken)
    {
        var parameters = PostgresFilter.Bind(criteria);
        parameters.Add("After", after.Value);
        parameters.Add("UpTo", upTo.Value);
        parameters.Add("Limit", limit);
        var (page, damage) = await database.ReadAsync(
            async connection =>
            {
                await using var reader = await connection.ExecuteReaderAsync(new CommandDefinition(PostgresSql.InPositionOrder + PostgresSql.ReadAfter, parameters, cancellationToken: cancellationToken));
                try
                {
                    return (await WirePage.ReadAllAsync(reader, limit, cancellationToken), (ExceptionDispatchInfo?)null);
                }
                catch (InvalidProtocolBufferException e)
                {
                    // A body that cannot be parsed is no failure of the database (it is an IOException, which ReadAsync would take for one).
                    return ([], ExceptionDispatchInfo.Capture(e));
                }
            },
            cancellationToken);
        damage?.Throw();
        return page;
    }

    public Task<LogPosition> ReadHeadAsync(CancellationToken cancellationToken) =>
        database.ReadAsync(
            async connection => new LogPosition(await connection.ExecuteScalarAsync<long>(new CommandDefinition(PostgresSql.Head, cancellationToken: cancellationToken))),
            cancellationToken);
}
