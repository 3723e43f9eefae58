using Timeline.Storage.V1;
using Timeline.V1;

namespace Timeline.Cli.Infrastructure;

/// <summary>The CLI's one paging loop: every page of an AIP-158 list, gathered in order.</summary>
internal static class Pages
{
    /// <summary>The largest page the services serve; fewer round trips for the CLI's whole-list reads.</summary>
    public const int Size = 1000;

    /// <summary>Every entry of a timeline, in its order.</summary>
    public static Task<List<TimelineEntry>> TimelineAsync(TimelineClient timeline, GetTimelineRequest request, CancellationToken ct) =>
        AllAsync<GetTimelineRequest, GetTimelineResponse, TimelineEntry>(request, (r, c) => timeline.GetTimelineAsync(r, cancellationToken: c).ResponseAsync, ct);

    /// <summary>Every deadline status the request selects.</summary>
    public static Task<List<DeadlineStatus>> DeadlinesAsync(TimelineClient timeline, ListDeadlinesRequest request, CancellationToken ct) =>
        AllAsync<ListDeadlinesRequest, ListDeadlinesResponse, DeadlineStatus>(request, (r, c) => timeline.ListDeadlinesAsync(r, cancellationToken: c).ResponseAsync, ct);

    /// <summary>Every stored event the request selects, straight from storage.</summary>
    public static Task<List<EventRecord>> EventsAsync(StorageClient storage, ListEventsRequest request, CancellationToken ct) =>
        AllAsync<ListEventsRequest, ListEventsResponse, EventRecord>(request, (r, c) => storage.ListEventsAsync(r, cancellationToken: c).ResponseAsync, ct);

    /// <summary>
    /// Calls <paramref name="list"/> from the first page to the last (empty next token) and returns
    /// every page's items in order; <paramref name="request"/> ends with the last token it sent.
    /// </summary>
    private static async Task<List<TItem>> AllAsync<TRequest, TPage, TItem>(TRequest request, Func<TRequest, CancellationToken, Task<TPage>> list, CancellationToken ct)
        where TRequest : IPagedRequest
        where TPage : IPage<TItem>
    {
        var items = new List<TItem>();
        if (request.PageSize == 0)
        {
            request.PageSize = Size;
        }

        do
        {
            var page = await list(request, ct);
            items.AddRange(page.Items);
            request.PageToken = page.NextPageToken;
        }
        while (request.PageToken.Length > 0);
        return items;
    }
}
