using System.Collections.Concurrent;
using System.Diagnostics;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Health.V1;
using Timeline.Benchmarks.Data;
using Timeline.Benchmarks.Infrastructure;
using Timeline.Benchmarks.Raw;
using Timeline.Storage.V1;
using Timeline.V1;
using TimelineClient = Timeline.V1.TimelineService.TimelineServiceClient;

namespace Timeline.Benchmarks.Scenarios;

/// <summary>S4, S7, S8 and the timeline service's peak memory, on the big dataset plus 10k deadlines.</summary>
internal static class TimelineScenarios
{
    private const int PageSize = 100;

    public static string DeadlineId(int i) => $"dl-{i:D5}";

    /// <summary>The 10k deadlines (SET, due 2099), appended through the storage service.</summary>
    public static async Task AddDeadlinesAsync(BenchContext bench, Dataset big)
    {
        for (var start = 0; start < bench.Options.Deadlines; start += 1000)
        {
            var request = new AppendEventsRequest();
            for (var i = start; i < Math.Min(bench.Options.Deadlines, start + 1000); i++)
            {
                request.Events.Add(EventGenerator.DeadlineSet(DeadlineId(i)));
            }

            await big.Client.AppendEventsAsync(request);
        }
    }

    public static Task<ServiceProcess> StartTimelineAsync(Dataset big) => StartTimelineAsync(big.Storage.Address);

    /// <summary>The timeline service on a running storage service, returned once healthy (its projection caught up).</summary>
    public static async Task<ServiceProcess> StartTimelineAsync(Uri storage, int? httpJsonPort = null)
    {
        var timeline = await ServiceProcess.StartTimelineAsync(storage, httpJsonPort);
        var health = new Health.HealthClient(timeline.Channel);
        var watch = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                if ((await health.CheckAsync(new HealthCheckRequest())).Status == HealthCheckResponse.Types.ServingStatus.Serving)
                {
                    return timeline;
                }
            }
            catch (RpcException) when (watch.Elapsed < TimeSpan.FromMinutes(3))
            {
            }

            if (watch.Elapsed > TimeSpan.FromMinutes(3))
            {
                throw new TimeoutException("the timeline service did not become healthy (projection caught up) in 3 minutes:\n" + timeline.Output);
            }

            await Task.Delay(200);
        }
    }

    /// <summary>S4: GetTimeline pages (timeline → storage → SQLite) against S3's raw reader, same query, same pages.</summary>
    public static async Task TimelinePagesAsync(BenchContext bench, Dataset big, ServiceProcess timeline)
    {
        var client = new TimelineClient(timeline.Channel);
        var query = EventGenerator.Query();
        using var raw = new RawReader(big.Raw.Path, query);
        async Task<double> WalkAsync(int pages)
        {
            var watch = Stopwatch.StartNew();
            var token = string.Empty;
            for (var i = 0; i < pages; i++)
            {
                token = (await client.GetTimelineAsync(new GetTimelineRequest { Filter = query, PageSize = PageSize, PageToken = token })).NextPageToken;
            }

            return pages / watch.Elapsed.TotalSeconds;
        }

        await bench.WarmAsync(() => WalkAsync(2));
        var pages = Math.Clamp((int)(bench.Options.SecondsPerSide * await WalkAsync(2)), 1, bench.Options.PagesPerRep);
        StorageScenarios.WalkRaw(raw, 2);
        var pairs = new List<Pair>();
        for (var rep = 0; rep < bench.Options.Reps; rep++)
        {
            double service, baseline;
            if (rep % 2 == 0)
            {
                service = await WalkAsync(pages);
                baseline = StorageScenarios.WalkRaw(raw, pages);
            }
            else
            {
                baseline = StorageScenarios.WalkRaw(raw, pages);
                service = await WalkAsync(pages);
            }

            pairs.Add(new Pair(service, baseline));
        }

        bench.Report.Add(new Row("S4", $"GetTimeline page of 100 at {bench.Options.Label(bench.Options.BigEvents)}, two hops (pages 1–{pages}, in turn)", "pages/s", Goal.AtLeast, 0.4, pairs));
    }

    /// <summary>Streams that count the status updates they receive, per deadline.</summary>
    internal sealed class Watchers : IAsyncDisposable
    {
        private readonly CancellationTokenSource stop = new();
        private readonly ConcurrentDictionary<string, (int Count, TaskCompletionSource Done)> seen = new();
        private readonly List<Task> readers = [];
        private readonly int expected;
        private long total;

        public Watchers(TimelineClient client, int count, IEnumerable<string> deadlineIds)
        {
            expected = count;
            var request = new WatchDeadlinesRequest { DeadlineIds = { deadlineIds } };
            for (var i = 0; i < count; i++)
            {
                var call = client.WatchDeadlines(request, cancellationToken: stop.Token);
                readers.Add(ReadAsync(call));
            }
        }

        public TaskCompletionSource AllCaughtUp { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public WatchDeadlinesResponse? Sample { get; private set; }

        private int caughtUp;

        public long Total => Interlocked.Read(ref total);

        private async Task ReadAsync(AsyncServerStreamingCall<WatchDeadlinesResponse> call)
        {
            using (call)
            {
                var live = false;
                try
                {
                    await foreach (var message in call.ResponseStream.ReadAllAsync(stop.Token))
                    {
                        if (message.MessageCase == WatchDeadlinesResponse.MessageOneofCase.CaughtUp)
                        {
                            live = true;
                            if (Interlocked.Increment(ref caughtUp) == expected)
                            {
                                AllCaughtUp.TrySetResult();
                            }
                        }
                        else if (live)
                        {
                            Sample ??= message;
                            Interlocked.Increment(ref total);
                            var id = message.Status?.DeadlineId ?? "";
                            var entry = seen.AddOrUpdate(id, _ => (1, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)), (_, e) => (e.Count + 1, e.Done));
                            if (entry.Count == expected)
                            {
                                entry.Done.TrySetResult();
                            }
                        }
                    }
                }
                catch (RpcException) when (stop.IsCancellationRequested)
                {
                }
                catch (OperationCanceledException)
                {
                }
            }
        }

        /// <summary>Completes when every stream has received a status of this deadline.</summary>
        public Task AllSeen(string deadlineId) =>
            seen.GetOrAdd(deadlineId, _ => (0, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously))).Done.Task;

        public async Task WaitTotalAsync(long count, TimeSpan timeout)
        {
            var watch = Stopwatch.StartNew();
            while (Total < count)
            {
                if (watch.Elapsed > timeout)
                {
                    throw new TimeoutException($"{Total} of {count} messages arrived");
                }

                await Task.Yield();
            }
        }

        public async ValueTask DisposeAsync()
        {
            await stop.CancelAsync();
            await Task.WhenAll(readers).WaitAsync(TimeSpan.FromSeconds(30));
            stop.Dispose();
        }
    }

    /// <summary>
    /// S7: 1,000 WatchDeadlines streams on the same deadlines; one RISK event appended; the time
    /// until every stream has its update. Baseline: the bare server fans the same message out.
    /// </summary>
    public static async Task FanOutAsync(BenchContext bench, Dataset big, ServiceProcess timeline, ServiceProcess bare)
    {
        var reps = bench.Options.Reps;
        var ids = Enumerable.Range(0, reps + 1).Select(DeadlineId).ToList();
        var client = new TimelineClient(timeline.Channel);
        var bareClient = new TimelineClient(bare.Channel);
        var timeout = TimeSpan.FromSeconds(120);
        await using var watchers = new Watchers(client, bench.Options.Watchers, ids);
        await watchers.AllCaughtUp.Task.WaitAsync(timeout);
        await using var bareWatchers = new Watchers(bareClient, bench.Options.Watchers, []);
        await bareWatchers.AllCaughtUp.Task.WaitAsync(timeout);

        async Task<double> ServiceAsync(int i)
        {
            var watch = Stopwatch.StartNew();
            await big.Client.AppendEventsAsync(new AppendEventsRequest { Events = { EventGenerator.DeadlineRisk(ids[i], $"risk-{ids[i]}") } });
            await watchers.AllSeen(ids[i]).WaitAsync(timeout);
            return bench.Options.Watchers / watch.Elapsed.TotalSeconds;
        }

        WatchDeadlinesResponse? sample = null;
        async Task<double> BareAsync(int round)
        {
            var token = Convert.ToBase64String(sample!.ToByteArray());
            var watch = Stopwatch.StartNew();
            await bareClient.ListDeadlinesAsync(new ListDeadlinesRequest { PageToken = token });
            await bareWatchers.WaitTotalAsync((long)bench.Options.Watchers * round, timeout);
            return bench.Options.Watchers / watch.Elapsed.TotalSeconds;
        }

        await ServiceAsync(0);
        sample = watchers.Sample;
        await BareAsync(1);
        var pairs = new List<Pair>();
        for (var rep = 1; rep <= reps; rep++)
        {
            double service, baseline;
            if (rep % 2 == 0)
            {
                service = await ServiceAsync(rep);
                baseline = await BareAsync(rep + 1);
            }
            else
            {
                baseline = await BareAsync(rep + 1);
                service = await ServiceAsync(rep);
            }

            pairs.Add(new Pair(service, baseline));
        }

        bench.Report.Add(new Row("S7", $"WatchDeadlines fan-out to {bench.Options.Watchers:N0} subscribers, one update each (append → all received)", "updates/s", Goal.AtLeast, 0.5, pairs));
        Memory.Add(bench.Report, "RSS-T", $"timeline peak RSS, {bench.Options.Deadlines:N0} deadlines and {bench.Options.Watchers:N0} streams", timeline, 300);
    }

    /// <summary>
    /// S8: append a RISK event, time until a WatchDeadlines subscriber sees the new status.
    /// Baseline per sample: unary echo on the bare server, one durable raw commit, echo again.
    /// </summary>
    public static async Task LatencyAsync(BenchContext bench, Dataset big, ServiceProcess timeline, ServiceProcess bare)
    {
        var reps = bench.Options.Reps;
        var perRep = bench.Options.LatencySamplesPerRep;
        var warmup = 10;
        var ids = Enumerable.Range(0, warmup + (reps * perRep)).Select(i => DeadlineId(5000 + i)).ToList();
        var client = new TimelineClient(timeline.Channel);
        var bareClient = new TimelineClient(bare.Channel);
        var timeout = TimeSpan.FromSeconds(30);
        await using var watcher = new Watchers(client, 1, ids);
        await watcher.AllCaughtUp.Task.WaitAsync(timeout);
        using var raw = RawLog.Create(bench.Template, Path.Combine(bench.Directory, "s8-raw.db"));
        var row = RawLog.ReadServiceRows(big.Raw.Path, 0).First();
        var next = 0;

        async Task<double> ServiceAsync(string id)
        {
            var watch = Stopwatch.StartNew();
            await big.Client.AppendEventsAsync(new AppendEventsRequest { Events = { EventGenerator.DeadlineRisk(id, $"risk-{id}") } });
            await watcher.AllSeen(id).WaitAsync(timeout);
            return watch.Elapsed.TotalMilliseconds;
        }

        async Task<double> BaselineAsync()
        {
            var watch = Stopwatch.StartNew();
            await bareClient.ListDeadlinesAsync(new ListDeadlinesRequest());
            raw.InsertOne(row, $"s8-{next++}");
            await bareClient.ListDeadlinesAsync(new ListDeadlinesRequest());
            return watch.Elapsed.TotalMilliseconds;
        }

        for (var i = 0; i < warmup; i++)
        {
            await ServiceAsync(ids[i]);
            await BaselineAsync();
        }

        var p50 = new List<Pair>();
        var p99 = new List<Pair>();
        var k = warmup;
        for (var rep = 0; rep < reps; rep++)
        {
            var service = new List<double>();
            var baseline = new List<double>();
            for (var i = 0; i < perRep; i++)
            {
                service.Add(await ServiceAsync(ids[k++]));
                baseline.Add(await BaselineAsync());
            }

            p50.Add(new Pair(Stats.Percentile(service, 0.5), Stats.Percentile(baseline, 0.5)));
            p99.Add(new Pair(Stats.Percentile(service, 0.99), Stats.Percentile(baseline, 0.99)));
        }

        bench.Report.Add(new Row("S8", $"append → update seen by a WatchDeadlines subscriber, p50 ({perRep} samples a repetition)", "ms", Goal.AtMost, 2, p50));
        bench.Report.Add(new Row("S8", $"append → update seen by a WatchDeadlines subscriber, p99 (nearest rank of {perRep}: the slowest)", "ms", Goal.AtMost, 5, p99));
    }
}
