using System.Collections.Concurrent;
using System.Text;
using Grpc.Core;
using Timeline.Domain.Dates;
using Timeline.ServiceDefaults;
using Timeline.ServiceDefaults.HttpJson;
using Timeline.Storage.V1;
using Timeline.V1;

namespace Timeline.TimelineServer.Page;

/// <summary>
/// <c>GET /page/overview</c> (docs/PAGE.md, <i>Overview</i>): how many events match the page's
/// filter in each month of the whole period, not only the pages the page has loaded, so its
/// overview shows where a store of any size is dense. The filter's tags, actors, kinds and
/// countries apply; its period does not (the overview is what one zooms from). Counted from
/// storage's ListEvents, 1,000 at a time, and kept for <see cref="Fresh"/> per filter (wall-clock time, not the service's clock of record), so many
/// pages opening at once cost one count; the page adds what its live feed brings meanwhile.
/// </summary>
public sealed class PageOverview
{
    /// <summary>How long one filter's counts are reused.</summary>
    public static readonly TimeSpan Fresh = TimeSpan.FromSeconds(15);

    private const int MaxCached = 64;

    /// <summary>
    /// How many counts may read storage at once, whatever the number of filters asked for: a count
    /// reads the filter's whole result, so callers cycling filters get <c>RESOURCE_EXHAUSTED</c>
    /// (HTTP 429) past this instead of as many whole-log reads as they send (docs/SECURITY.md).
    /// </summary>
    internal const int MaxRunning = 2;

    private readonly SemaphoreSlim running = new(MaxRunning, MaxRunning);

    private readonly ConcurrentDictionary<string, (DateTimeOffset At, Task<string> Json)> cache = new(StringComparer.Ordinal);

    internal async Task ServeAsync(HttpContext context, EventStoreService.EventStoreServiceClient storage)
    {
        PageEndpoints.Secure(context.Response);
        EventFilter filter;
        try
        {
            filter = LiveFeed.Filter(context.Request.Query);
        }
        catch (Domain.Validation.ProblemException problem)
        {
            await JsonStatus.WriteAsync(context.Response, StatusCodes.Status400BadRequest, Google.Rpc.Code.InvalidArgument, problem.Message, context.RequestAborted);
            return;
        }

        filter.OccurredFrom = "";
        filter.OccurredTo = "";
        var key = filter.ToString();
        var now = DateTimeOffset.UtcNow;
        if (!cache.TryGetValue(key, out var cached) || now - cached.At > Fresh || cached.Json.IsFaulted || cached.Json.IsCanceled)
        {
            if (!running.Wait(0))
            {
                await JsonStatus.WriteAsync(
                    context.Response,
                    StatusCodes.Status429TooManyRequests,
                    Google.Rpc.Code.ResourceExhausted,
                    $"{MaxRunning} overview counts are already running; retry in a few seconds",
                    context.RequestAborted);
                return;
            }

            if (cache.Count >= MaxCached)
            {
                cache.Clear();
            }

            cached = (now, CountReleasingAsync(storage, filter));
            cache[key] = cached;
        }

        try
        {
            var json = await cached.Json.WaitAsync(context.RequestAborted);
            context.Response.ContentType = "application/json; charset=utf-8";
            await context.Response.WriteAsync(json, context.RequestAborted);
        }
        catch (RpcException e) when (!context.RequestAborted.IsCancellationRequested)
        {
            cache.TryRemove(key, out _);
            await JsonStatus.WriteAsync(context.Response, e, context.RequestAborted);
        }
    }

    private async Task<string> CountReleasingAsync(EventStoreService.EventStoreServiceClient storage, EventFilter filter)
    {
        try
        {
            return await CountAsync(storage, filter);
        }
        finally
        {
            running.Release();
        }
    }

    /// <summary>
    /// <c>{"months":[["2020-01",123],...],"total":N,"undated":K}</c>: each event counted in the month of
    /// the middle of its interval (of its one closed end when the other is open; undated when both are).
    /// Not bound to a request, so one caller going away does not fail the count the others wait for.
    /// </summary>
    private static async Task<string> CountAsync(EventStoreService.EventStoreServiceClient storage, EventFilter filter)
    {
        var months = new Dictionary<string, int>(StringComparer.Ordinal);
        var total = 0;
        var undated = 0;
        var token = "";
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        do
        {
            var page = await storage.ListEventsAsync(new ListEventsRequest { Filter = filter, PageSize = 1000, PageToken = token }, cancellationToken: timeout.Token);
            foreach (var e in page.Events)
            {
                total++;
                if (Month(e.Occurred) is { } month)
                {
                    months[month] = months.GetValueOrDefault(month) + 1;
                }
                else
                {
                    undated++;
                }
            }

            token = page.NextPageToken;
        }
        while (token.Length > 0);

        var json = new StringBuilder("{\"months\":[");
        // In time order ("-0217-01" before "-0044-03", which text order would not give).
        json.AppendJoin(',', months.OrderBy(m => FuzzyDateProto.ParseDay(m.Key + "-01")).Select(m => $"[\"{m.Key}\",{m.Value}]"));
        return json.Append("],\"total\":").Append(total).Append(",\"undated\":").Append(undated).Append('}').ToString();
    }

    /// <summary>"2020-07", or null for an event open at both ends.</summary>
    internal static string? Month(Timeline.V1.FuzzyDate? occurred)
    {
        if (occurred is null || !FuzzyDateProto.TryParseDay(occurred.Earliest, out var earliest) || !FuzzyDateProto.TryParseDay(occurred.Latest, out var latest))
        {
            return null;
        }

        var openStart = earliest == CalendarDay.MinValue;
        var openEnd = latest == CalendarDay.MaxValue;
        if (openStart && openEnd)
        {
            return null;
        }

        var day = openStart ? latest : openEnd ? earliest : CalendarDay.FromDayNumber(earliest.DayNumber + ((latest.DayNumber - earliest.DayNumber) / 2));
        return FuzzyDateProto.FormatDay(day)[..^3];
    }
}
