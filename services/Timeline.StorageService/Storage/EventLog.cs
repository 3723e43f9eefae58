using System.Collections.Concurrent;
using Dapper;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Options;
using Timeline.Domain.Dates;
using Timeline.Domain.Validation;
using Timeline.V1;

namespace Timeline.StorageService.Storage;

/// <summary>
/// The read side of the log, beside the writer (WAL): each call on its own pooled connection,
/// except current-view lists, which take a prepared <see cref="ListStatement"/> from a small pool.
/// </summary>
internal sealed class EventLog(Database database, IOptions<StorageOptions> options) : IDisposable
{
    /// <summary>Idle list statements kept; more can run at once, the extra ones are closed after use.</summary>
    private const int IdleListStatements = 8;

    private readonly EventLimits limits = options.Value.Limits;
    private readonly ConcurrentQueue<ListStatement> idleLists = new();
    private volatile bool disposed;

    public async Task<EventRecord?> GetAsync(string eventId, Timestamp? knownAt, long revision, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenReaderAsync(cancellationToken);
        var (sql, args) = (knownAt, revision) switch
        {
            (not null, _) => (Sql.GetKnownAt, (object)new { EventId = eventId, KnownAt = RecordTime.ToMicros(knownAt) }),
            (_, > 0) => (Sql.GetRevision, new { EventId = eventId, Revision = revision }),
            _ => (Sql.GetCurrent, new { EventId = eventId }),
        };
        var row = await connection.QuerySingleOrDefaultAsync<RevisionRow>(new CommandDefinition(sql, args, cancellationToken: cancellationToken));
        return row?.ToRecord();
    }

    public async Task<IReadOnlyList<EventRecord>> HistoryAsync(string eventId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenReaderAsync(cancellationToken);
        var rows = await connection.QueryAsync<RevisionRow>(new CommandDefinition(Sql.History, new { EventId = eventId }, cancellationToken: cancellationToken));
        return rows.Select(r => r.ToRecord()).ToList();
    }

    /// <summary>One page in chronological order, the token of the next and where it starts (both empty on the last page).</summary>
    public async Task<(IReadOnlyList<EventRecord> Events, string NextPageToken, string NextEarliest)> ListAsync(
        EventFilter? filter, Timestamp? knownAt, int pageSize, string pageToken, CancellationToken cancellationToken)
    {
        var size = PageSize(pageSize);
        var bound = FilterParameters.Check(filter, limits);
        var queryHash = PageToken.HashQuery(filter, knownAt);
        var after = PageToken.Decode(pageToken, queryHash);
        if (knownAt is not null)
        {
            return await ListKnownAtAsync(bound, knownAt, after, size, queryHash, cancellationToken);
        }

        var statement = idleLists.TryDequeue(out var idle) ? idle : new ListStatement(database.OpenReader());
        List<EventRecord> events;
        PageToken? last;
        CalendarDay? nextEarliest;
        try
        {
            (events, last, nextEarliest) = await statement.ReadAsync(bound, after, size, cancellationToken);
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

        return (events, last?.Encode(queryHash) ?? string.Empty, Day(nextEarliest));
    }

    /// <summary>
    /// The view as known at a time, through Dapper and <see cref="Sql.ListKnownAtFirst"/> /
    /// <see cref="Sql.ListKnownAtNext"/>: a rare, historical query that sorts what it selects.
    /// </summary>
    private async Task<(IReadOnlyList<EventRecord> Events, string NextPageToken, string NextEarliest)> ListKnownAtAsync(
        BoundFilter bound, Timestamp knownAt, PageToken? after, int size, ulong queryHash, CancellationToken cancellationToken)
    {
        var parameters = bound.ToDynamic();
        parameters.Add("AfterEarliest", after?.Earliest);
        parameters.Add("AfterLatest", after?.Latest);
        parameters.Add("AfterPosition", after?.Position);
        parameters.Add("Limit", size + 1);
        parameters.Add("KnownAt", RecordTime.ToMicros(knownAt));
        var sql = after is null ? Sql.ListKnownAtFirst : Sql.ListKnownAtNext;
        await using var connection = await database.OpenReaderAsync(cancellationToken);
        var rows = (await connection.QueryAsync<RevisionRow>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken))).AsList();
        var page = rows.Take(size).ToList();
        var next = rows.Count > size
            ? new PageToken((int)page[^1].Earliest, (int)page[^1].Latest, page[^1].Position).Encode(queryHash)
            : string.Empty;

        // The row read beyond the page (to know there is a next one) also tells where the next page starts.
        var nextEarliest = rows.Count > size ? CalendarDay.FromDayNumber((int)rows[size].Earliest) : (CalendarDay?)null;
        return (page.Select(r => r.ToRecord()).ToList(), next, Day(nextEarliest));
    }

    /// <summary>A day as the contract writes it (YYYY-MM-DD), or empty.</summary>
    private static string Day(CalendarDay? day) => day is { } d ? FuzzyDateProto.FormatDay(d) : string.Empty;

    /// <summary>Matching revisions in log order with position in (after, upTo].</summary>
    public async Task<IReadOnlyList<EventRecord>> ReadAfterAsync(long after, long upTo, object filterParameters, int limit, CancellationToken cancellationToken)
    {
        var parameters = new DynamicParameters(filterParameters);
        parameters.Add("After", after);
        parameters.Add("UpTo", upTo);
        parameters.Add("Limit", limit);
        await using var connection = await database.OpenReaderAsync(cancellationToken);
        var rows = await connection.QueryAsync<RevisionRow>(new CommandDefinition(Sql.ReadAfter, parameters, cancellationToken: cancellationToken));
        return rows.Select(r => r.ToRecord()).ToList();
    }

    public int PageSize(int requested, string field = "page_size") => requested switch
    {
        < 0 => throw ProblemException.Invalid(field, "must not be negative"),
        0 => limits.DefaultPageSize,
        _ => Math.Min(requested, limits.MaxPageSize),
    };

    public void Dispose()
    {
        disposed = true;
        while (idleLists.TryDequeue(out var statement))
        {
            statement.Dispose();
        }
    }
}
