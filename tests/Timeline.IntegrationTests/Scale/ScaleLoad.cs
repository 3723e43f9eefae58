using System.Collections.Concurrent;
using System.Globalization;
using Grpc.Core;
using Timeline.IntegrationTests.Timeline;
using Timeline.Storage.V1;
using Timeline.V1;
using TimelineClient = Timeline.V1.TimelineService.TimelineServiceClient;

namespace Timeline.IntegrationTests.Scale;

/// <summary>
/// What the several-instance tests drive and check: appenders that each set a new deadline per
/// batch and meet the one they set before, retrying a batch until it is acknowledged (appends are
/// idempotent by content), and the truth to compare against afterwards.
/// </summary>
internal static class ScaleLoad
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>The batch <paramref name="n"/> of an appender: set deadline n (due far ahead: ON_TRACK) and meet deadline n-1 today (MET).</summary>
    public static AppendEventsRequest Batch(string appender, int n)
    {
        var request = new AppendEventsRequest();
        var set = MaliReport.Dated($"{appender}-set-{n}", "2020-01-01", $"{appender}: deadline {n} set");
        set.Deadline = new DeadlineEffect { DeadlineId = DeadlineId(appender, n), Effect = DeadlineEffectType.Set, Due = new FuzzyDate { Edtf = "2099-12-31" }, Title = $"{appender} {n}" };
        request.Events.Add(set);
        if (n > 0)
        {
            var today = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            var met = MaliReport.Dated($"{appender}-met-{n - 1}", today, $"{appender}: deadline {n - 1} met");
            met.Deadline = new DeadlineEffect { DeadlineId = DeadlineId(appender, n - 1), Effect = DeadlineEffectType.Met };
            request.Events.Add(met);
        }

        return request;
    }

    public static string DeadlineId(string appender, int n) => $"{appender}-d{n}";

    /// <summary>
    /// Appends batch after batch until stopped; a batch that fails (after the channel's own retries)
    /// is sent again, unchanged, until it is acknowledged. Records every acknowledged event's position.
    /// </summary>
    public static async Task AppendUntilStoppedAsync(
        EventStoreService.EventStoreServiceClient client, string appender, ConcurrentDictionary<string, long> acknowledged, ConcurrentDictionary<StatusCode, int> failures, CancellationToken stop)
    {
        for (var n = 0; !stop.IsCancellationRequested; n++)
        {
            var batch = Batch(appender, n);
            while (true)
            {
                try
                {
                    var response = await client.AppendEventsAsync(batch, deadline: DateTime.UtcNow.AddSeconds(15));
                    foreach (var result in response.Results)
                    {
                        acknowledged[result.EventId] = result.Position;
                    }

                    break;
                }
                catch (RpcException ex)
                {
                    failures.AddOrUpdate(ex.StatusCode, 1, (_, count) => count + 1);
                    await Task.Delay(100, CancellationToken.None);
                }
            }
        }
    }

    /// <summary>Every event in the log, by id, read through <paramref name="client"/>.</summary>
    public static async Task<Dictionary<string, EventRecord>> ReadAllAsync(EventStoreService.EventStoreServiceClient client)
    {
        var all = new Dictionary<string, EventRecord>();
        var token = "";
        do
        {
            var page = await client.ListEventsAsync(new ListEventsRequest { PageSize = 1000, PageToken = token }, deadline: DateTime.UtcNow + Timeout);
            foreach (var e in page.Events)
            {
                Assert.True(all.TryAdd(e.EventId, e), $"{e.EventId} listed twice");
            }

            token = page.NextPageToken;
        }
        while (token.Length > 0);
        return all;
    }

    /// <summary>Every deadline's state as a replica that has read the log up to <paramref name="position"/> tells it.</summary>
    public static async Task<Dictionary<string, DeadlineState>> DeadlinesAsync(TimelineClient client, long position)
    {
        var all = new Dictionary<string, DeadlineState>();
        var token = "";
        do
        {
            var page = await client.ListDeadlinesAsync(new ListDeadlinesRequest { PageSize = 1000, PageToken = token, MinPosition = position }, deadline: DateTime.UtcNow + Timeout);
            foreach (var status in page.Deadlines)
            {
                all[status.DeadlineId] = status.State;
            }

            token = page.NextPageToken;
        }
        while (token.Length > 0);
        return all;
    }

    /// <summary>Waits until <paramref name="condition"/> holds, failing with <paramref name="what"/> after <see cref="Timeout"/>.</summary>
    public static async Task EventuallyAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting until {what}");
            await Task.Delay(50);
        }
    }
}
