using Grpc.Core;
using Microsoft.Extensions.Options;
using Timeline.Domain.Dates;
using Timeline.Domain.Validation;
using Timeline.Storage.V1;
using Timeline.V1;

namespace Timeline.TimelineServer.Chronologies;

/// <summary>One page of a chronology: entries with their display dates and order marks.</summary>
internal sealed record TimelinePage(IReadOnlyList<TimelineEntry> Entries, string NextPageToken);

/// <summary>
/// Reads a chronology from storage, page by page, and marks each entry whose interval overlaps any
/// other entry's (ARCHITECTURE §4). Storage already sorts by (earliest, latest, position); across a
/// page boundary the mark needs the largest latest day of the earlier pages (carried in the page
/// token) and the first entry of the next page (read ahead, not consumed).
/// </summary>
internal sealed class TimelineReader(EventStoreService.EventStoreServiceClient storage, IOptions<TimelineOptions> options)
{
    public async Task<TimelinePage> ReadAsync(TimelineQuery query, CancellationToken cancellationToken)
    {
        var token = PageToken.Decode(query.PageToken, query.Fingerprint);
        var storageToken = token?.Storage ?? "";
        CalendarDay? maxLatestBefore = token?.MaxLatest is { } m ? ProtoDates.ParseField("page_token", m) : null;

        var events = new List<EventRecord>(query.PageSize);
        var nextEarliest = "";
        do
        {
            var page = await ListAsync(query, query.PageSize - events.Count, storageToken, cancellationToken);
            events.AddRange(page.Events);
            storageToken = page.NextPageToken;
            nextEarliest = page.NextEarliest;
        }
        while (events.Count < query.PageSize && storageToken.Length > 0);

        // The next page's first entry bounds this page's order marks: storage says where it
        // starts; a storage that does not (an older one) is read one event ahead, not consumed.
        CalendarDay? nextStart = storageToken.Length == 0 ? null
            : FuzzyDateProto.TryParseDay(nextEarliest, out var start) ? start
            : await ReadAheadAsync(query, storageToken, cancellationToken);

        var intervals = events.Select(Interval).ToList();
        var marks = Chronology.OrderUncertain(intervals, maxLatestBefore, nextStart);
        var entries = events.Select((e, i) => new TimelineEntry
        {
            Event = e,
            DisplayDate = string.IsNullOrEmpty(e.Occurred?.Display) ? e.Occurred?.Edtf ?? "" : e.Occurred.Display,
            OrderUncertain = marks[i],
        }).ToList();

        if (storageToken.Length == 0 || nextStart is null)
        {
            return new TimelinePage(entries, "");
        }

        var maxLatest = intervals.Select(i => (CalendarDay?)i.Latest).Append(maxLatestBefore).Max();
        var nextToken = new PageToken(query.Fingerprint, Storage: storageToken, MaxLatest: maxLatest is { } d ? FuzzyDateProto.FormatDay(d) : null);
        return new TimelinePage(entries, nextToken.Encode());
    }

    private async Task<CalendarDay?> ReadAheadAsync(TimelineQuery query, string storageToken, CancellationToken cancellationToken)
    {
        for (var ahead = storageToken; ahead.Length > 0;)
        {
            var page = await ListAsync(query, 1, ahead, cancellationToken);
            if (page.Events.FirstOrDefault() is { } next)
            {
                return Interval(next).Earliest;
            }

            ahead = page.NextPageToken;
        }

        return null;
    }

    private async Task<ListEventsResponse> ListAsync(TimelineQuery query, int pageSize, string pageToken, CancellationToken cancellationToken)
    {
        var request = new ListEventsRequest { Filter = query.StorageFilter, KnownAt = query.KnownAt, PageSize = pageSize, PageToken = pageToken };

        // A ceiling of our own (transport time: the system clock); the caller's deadline, propagated
        // to the call, wins when it is sooner.
        var ceiling = options.Value.StorageTimeout;
        try
        {
            return await storage.ListEventsAsync(request, deadline: DateTime.UtcNow + ceiling, cancellationToken: cancellationToken);
        }
        catch (RpcException e) when (StorageFailed(e) && !cancellationToken.IsCancellationRequested)
        {
            var why = e.StatusCode == StatusCode.DeadlineExceeded ? $"it did not answer within {ceiling.TotalSeconds:0.#} s" : e.Status.Detail;
            throw new ProblemException(ProblemKind.Unavailable, "STORAGE_UNAVAILABLE", $"the storage service cannot be reached ({why}); retry later");
        }
    }

    /// <summary>
    /// Storage did not answer: unreachable, past our ceiling, or the connection failed under the
    /// call (gRPC reports a transport failure such as an unanswered HTTP/2 ping as INTERNAL).
    /// </summary>
    private static bool StorageFailed(RpcException e) => e.StatusCode switch
    {
        StatusCode.Unavailable or StatusCode.DeadlineExceeded => true,
        StatusCode.Internal => e.Status.DebugException is HttpRequestException or IOException or HttpProtocolException,
        _ => false,
    };

    private static (CalendarDay Earliest, CalendarDay Latest) Interval(EventRecord e) =>
        FuzzyDateProto.TryParseDay(e.Occurred?.Earliest, out var earliest) && FuzzyDateProto.TryParseDay(e.Occurred?.Latest, out var latest)
            ? (earliest, latest)
            // Storage never stores an event without bounds: this is a broken dependency, not a bad request,
            // so it goes the way of every unexpected failure (INTERNAL with a logged error id).
            : throw new InvalidOperationException($"storage returned event {e.EventId} without occurred bounds");
}

/// <summary>A validated GetTimeline request: as_of folded into the storage filter, the page size resolved.</summary>
internal sealed record TimelineQuery(EventFilter StorageFilter, Google.Protobuf.WellKnownTypes.Timestamp? KnownAt, int PageSize, string PageToken, ulong Fingerprint)
{
    public static TimelineQuery From(GetTimelineRequest request)
    {
        var pageSize = PageSizePolicy.Standard.Resolve(request.PageSize);
        var asOf = ProtoDates.ParseOptionalField("as_of", request.AsOf);
        var filter = request.Filter?.Clone() ?? new EventFilter();

        // Events that may have happened by as_of: earliest <= as_of, i.e. the interval overlaps (.., as_of].
        // An unreadable occurred_to is left for storage to refuse, naming the field.
        if (asOf is { } day && (string.IsNullOrEmpty(filter.OccurredTo) || (FuzzyDateProto.TryParseDay(filter.OccurredTo, out var to) && to > day)))
        {
            filter.OccurredTo = FuzzyDateProto.FormatDay(day);
        }

        var fingerprint = PageTokens.Fingerprint(filter, request.KnownAt);
        return new TimelineQuery(filter, request.KnownAt, pageSize, request.PageToken, fingerprint);
    }
}
