using System.Collections.Concurrent;
using System.Diagnostics;
using Timeline.Benchmarks.Data;
using Timeline.Benchmarks.Infrastructure;
using Timeline.IntegrationTests.Export;
using Timeline.Storage.V1;
using Timeline.Tests.Shared;
using Timeline.V1;
using TimelineClient = Timeline.V1.TimelineService.TimelineServiceClient;

namespace Timeline.Benchmarks.Scenarios;

/// <summary>
/// The page (issue 26), full runs and <c>--only PAGE</c>: PAGE-1, the page's first view in headless
/// Chromium (DevTools protocol, as the page's tests drive it) on a log of 100,000 events against one
/// of 100; PAGE-2, one deadline update to 1,000 open page feeds (<c>/page/live</c>, 1,000 HttpClient
/// readers of the server-sent events) against the same update to 1,000 WatchDeadlines streams (S7's)
/// on the same replica, in turn; and that replica's peak RSS against its 300 MB bound.
/// </summary>
internal static class PageScenarios
{
    public const string Id = "PAGE";

    private const int BigEvents = 100_000;
    private const int SmallEvents = 100;
    private const int Deadlines = 100;

    /// <summary>100,000 events; 10,000 in quick runs (<c>--quick --only PAGE</c>, to try the scenario).</summary>
    private static int Big(BenchContext bench) => bench.Options.Quick ? 10_000 : BigEvents;

    public static async Task RunAsync(BenchContext bench)
    {
        if (Chromium.Find() is null)
        {
            bench.Report.NotRun("PAGE-1", "page first view, 100,000 events vs 100", Goal.AtMost, 2, $"no Chromium at {Chromium.DefaultPath} (apt-get install chromium)");
        }

        await using var big = await StartAsync(bench, "page-big", Big(bench));
        await using var small = await StartAsync(bench, "page-small", SmallEvents);
        if (Chromium.Find() is not null)
        {
            await FirstViewAsync(bench, big, small);
        }

        await LiveAsync(bench, big);
    }

    /// <summary>
    /// PAGE-1: Chromium opens the page; once it says it has drawn what it loaded
    /// (<c>document.body.dataset.loaded</c>, set just before it draws), the time from navigation
    /// start to the end of its first data answer (<c>/v1/timeline</c>, Resource Timing). The
    /// drawing itself (synchronous, right after) is not in the figure: the page marks no paint, and
    /// polling over the DevTools protocol is coarser than what is measured.
    /// </summary>
    private static async Task FirstViewAsync(BenchContext bench, PageSystem big, PageSystem small)
    {
        await using var browser = await Chromium.StartAsync(bench.Directory);
        await browser.ViewportAsync(1280, 800, mobile: false);
        async Task<double> OpenAsync(PageSystem system)
        {
            await browser.NavigateAsync($"http://127.0.0.1:{system.HttpPort}/page/");
            await browser.WaitUntilAsync("document.body.dataset.loaded === 'true'");
            var ms = (await browser.EvaluateAsync("(performance.getEntriesByType('resource').find(e => e.name.includes('/v1/timeline')) || { responseEnd: -1 }).responseEnd"))!.GetValue<double>();
            return ms > 0 ? ms : throw new InvalidOperationException("PAGE-1: the page made no /v1/timeline request");
        }

        for (var i = 0; i < 5; i++)
        {
            await OpenAsync(big);
            await OpenAsync(small);
        }

        var pairs = new List<Pair>();
        for (var rep = 0; rep < bench.Options.Reps; rep++)
        {
            var a = new List<double>();
            var b = new List<double>();
            for (var i = 0; i < 3; i++)
            {
                if ((rep + i) % 2 == 0)
                {
                    a.Add(await OpenAsync(big));
                    b.Add(await OpenAsync(small));
                }
                else
                {
                    b.Add(await OpenAsync(small));
                    a.Add(await OpenAsync(big));
                }
            }

            pairs.Add(new Pair(Stats.Median(a), Stats.Median(b)));
        }

        var errors = browser.PageErrors();
        bench.Report.Add(new Row("PAGE-1", $"page first view in Chromium, {Big(bench):N0} events vs {SmallEvents} (navigation start → first /v1/timeline answer, drawn right after)", "ms", Goal.AtMost, 2, pairs,
            Note: errors.Count == 0 ? null : $"{errors.Count} page errors: {errors[0]}"));
    }

    /// <summary>PAGE-2: a RISK signal appended → every one of 1,000 page feeds has the deadline's new status, against the same for 1,000 WatchDeadlines streams.</summary>
    private static async Task LiveAsync(BenchContext bench, PageSystem system)
    {
        var count = bench.Options.Watchers;
        var timeout = TimeSpan.FromSeconds(120);
        var ids = Enumerable.Range(0, 2 * (bench.Options.Reps + 1)).Select(TimelineScenarios.DeadlineId).ToList();
        await using var pages = new PageFeeds(system.HttpPort, count);
        await pages.AllCaughtUp.Task.WaitAsync(timeout);
        await using var watchers = new TimelineScenarios.Watchers(new TimelineClient(system.Timeline.Channel), count, []);
        await watchers.AllCaughtUp.Task.WaitAsync(timeout);
        var next = 0;
        async Task<double> UpdateAsync(Func<string, Task> seen)
        {
            var id = ids[next++];
            var watch = Stopwatch.StartNew();
            await system.Client.AppendEventsAsync(new AppendEventsRequest { Events = { EventGenerator.DeadlineRisk(id, $"risk-{id}") } });
            try
            {
                await seen(id).WaitAsync(timeout);
            }
            catch (TimeoutException)
            {
                throw new TimeoutException($"PAGE-2: {id}'s update did not reach every reader in {timeout.TotalSeconds:0} s: page feeds {pages.Describe(id)}");
            }

            return watch.Elapsed.TotalMilliseconds;
        }

        await UpdateAsync(pages.AllSeen);
        await UpdateAsync(watchers.AllSeen);
        var pairs = new List<Pair>();
        for (var rep = 0; rep < bench.Options.Reps; rep++)
        {
            double page, stream;
            if (rep % 2 == 0)
            {
                page = await UpdateAsync(pages.AllSeen);
                stream = await UpdateAsync(watchers.AllSeen);
            }
            else
            {
                stream = await UpdateAsync(watchers.AllSeen);
                page = await UpdateAsync(pages.AllSeen);
            }

            pairs.Add(new Pair(page, stream));
        }

        bench.Report.Add(new Row("PAGE-2", $"append → deadline update received by all {count:N0} open page feeds (/page/live, server-sent events) vs by {count:N0} WatchDeadlines streams, same replica", "ms", Goal.AtMost, 2, pairs));
        Memory.Add(bench.Report, "PAGE-RSS", $"timeline peak RSS, {count:N0} page feeds and {count:N0} WatchDeadlines streams, {Big(bench):N0} events", system.Timeline, 300);
    }

    private static async Task<PageSystem> StartAsync(BenchContext bench, string name, int events)
    {
        var storage = await ServiceProcess.StartStorageAsync(Path.Combine(bench.Directory, name + ".db"));
        var client = new EventStoreService.EventStoreServiceClient(storage.Channel);
        var deadlines = new AppendEventsRequest();
        deadlines.Events.AddRange(Enumerable.Range(0, Deadlines).Select(i => EventGenerator.DeadlineSet(TimelineScenarios.DeadlineId(i))));
        await client.AppendEventsAsync(deadlines);
        foreach (var batch in Dataset.Batches(name + "-", 0, events, Math.Min(events, 1000)))
        {
            await client.AppendEventsAsync(batch);
        }

        var port = PostgresCluster.FreePort();
        var timeline = await TimelineScenarios.StartTimelineAsync(storage.Address, port);
        return new PageSystem(storage, timeline, client, port);
    }

    private sealed record PageSystem(ServiceProcess Storage, ServiceProcess Timeline, EventStoreService.EventStoreServiceClient Client, int HttpPort) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Timeline.DisposeAsync();
            await Storage.DisposeAsync();
        }
    }

    /// <summary>Open page feeds: HttpClient readers of <c>/page/live</c>, counting each deadline's status events once they have caught up.</summary>
    private sealed class PageFeeds : IAsyncDisposable
    {
        private readonly CancellationTokenSource stop = new();
        private readonly HttpClient http = new(new SocketsHttpHandler { PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan }) { Timeout = Timeout.InfiniteTimeSpan };
        private readonly ConcurrentDictionary<string, (int Count, TaskCompletionSource Done)> seen = new();
        private readonly List<Task> readers = [];
        private readonly int expected;
        private readonly ConcurrentQueue<string> lastTypes = new();
        private int caughtUp;
        private int ended;

        public PageFeeds(int port, int count)
        {
            expected = count;
            for (var i = 0; i < count; i++)
            {
                readers.Add(Task.Run(() => ReadAsync(new Uri($"http://127.0.0.1:{port}/page/live"))));
            }
        }

        public TaskCompletionSource AllCaughtUp { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>For a failure message: how many feeds saw this deadline's update, how many ended, and why.</summary>
        public string Describe(string deadlineId) =>
            $"{(seen.TryGetValue(deadlineId, out var e) ? e.Count : 0)} of {expected} saw it; {Volatile.Read(ref ended)} ended by the server; last message types: {string.Join(", ", lastTypes.Take(5))}";

        public Task AllSeen(string deadlineId) =>
            seen.GetOrAdd(deadlineId, _ => (0, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously))).Done.Task;

        private async Task ReadAsync(Uri address)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, address);
                request.Headers.Accept.ParseAdd("text/event-stream");
                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, stop.Token);
                response.EnsureSuccessStatusCode();
                using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(stop.Token));
                var type = "";
                var live = false;
                while (await reader.ReadLineAsync(stop.Token) is { } line)
                {
                    if (line.StartsWith("event: ", StringComparison.Ordinal))
                    {
                        type = line[7..];
                        if (live && type is not ("progress" or "checkpoint" or "caught-up"))
                        {
                            lastTypes.Enqueue(type);
                            while (lastTypes.Count > 20 && lastTypes.TryDequeue(out _))
                            {
                            }
                        }
                    }
                    else if (line.StartsWith("data: ", StringComparison.Ordinal) && type == "deadlines-caught-up" && !live)
                    {
                        live = true;
                        if (Interlocked.Increment(ref caughtUp) == expected)
                        {
                            AllCaughtUp.TrySetResult();
                        }
                    }
                    else if (line.StartsWith("data: ", StringComparison.Ordinal) && type == "deadline" && live
                        && System.Text.RegularExpressions.Regex.Match(line, "\"deadlineId\":\\s*\"([^\"]+)\"") is { Success: true } match)
                    {
                        var entry = seen.AddOrUpdate(match.Groups[1].Value, _ => (1, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)), (_, e) => (e.Count + 1, e.Done));
                        if (entry.Count == expected)
                        {
                            entry.Done.TrySetResult();
                        }
                    }
                    else if (line.Length == 0)
                    {
                        type = "";
                    }
                }

                Interlocked.Increment(ref ended);
                lastTypes.Enqueue("ended after " + type);
            }
            catch (Exception ex) when (ex is OperationCanceledException || stop.IsCancellationRequested)
            {
            }
            catch (Exception ex)
            {
                AllCaughtUp.TrySetException(new InvalidOperationException("a page feed failed: " + ex.Message, ex));
            }
        }

        public async ValueTask DisposeAsync()
        {
            await stop.CancelAsync();
            await Task.WhenAll(readers).WaitAsync(TimeSpan.FromSeconds(30));
            http.Dispose();
            stop.Dispose();
        }
    }
}
