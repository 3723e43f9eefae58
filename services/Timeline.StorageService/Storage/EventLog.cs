using System.Globalization;
using Dapper;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Options;
using Timeline.Domain.Validation;
using Timeline.V1;

namespace Timeline.StorageService.Storage;

/// <summary>The read side of the log: each call on its own pooled connection, beside the writer (WAL).</summary>
internal sealed class EventLog(Database database, IOptions<StorageOptions> options)
{
    private readonly EventLimits limits = options.Value.Limits;

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
        var parameters = FilterParameters.Bind(filter, limits);
        var queryHash = PageToken.HashQuery(filter, knownAt);
        var after = PageToken.Decode(pageToken, queryHash);
        parameters.Add("AfterEarliest", after?.Earliest);
        parameters.Add("AfterLatest", after?.Latest);
        parameters.Add("AfterPosition", after?.Position);
        parameters.Add("Limit", size + 1);
        var sql = (knownAt, after) switch
        {
            (null, null) => Sql.ListCurrentFirst,
            (null, _) => Sql.ListCurrentNext,
            (_, null) => Sql.ListKnownAtFirst,
            _ => Sql.ListKnownAtNext,
        };
        if (knownAt is not null)
        {
            parameters.Add("KnownAt", RecordTime.ToMicros(knownAt));
        }

        await using var connection = await database.OpenReaderAsync(cancellationToken);
        var rows = (await connection.QueryAsync<RevisionRow>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken))).AsList();
        var page = rows.Take(size).ToList();
        var next = rows.Count > size
            ? new PageToken((int)page[^1].Earliest, (int)page[^1].Latest, page[^1].Position).Encode(queryHash)
            : string.Empty;

        // The row read beyond the page (to know there is a next one) also tells where the next page starts.
        var nextEarliest = rows.Count > size ? DateOnly.FromDayNumber((int)rows[size].Earliest).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : string.Empty;
        return (page.Select(r => r.ToRecord()).ToList(), next, nextEarliest);
    }

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
}
