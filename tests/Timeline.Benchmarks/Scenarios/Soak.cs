using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Grpc.Core;
using Timeline.Benchmarks.Data;
using Timeline.Benchmarks.Infrastructure;
using Timeline.Storage.V1;
using Timeline.V1;
using TimelineClient = Timeline.V1.TimelineService.TimelineServiceClient;

namespace Timeline.Benchmarks.Scenarios;

/// <summary>
/// The soak (issue 27; opt-in, never in CI): <c>--soak 30m</c> runs both services on one SQLite
/// log under steady load, in two phases. <b>Growth</b> (the first two thirds): an appender (batches
/// of 100, about 1,000 events a second, each with a RISK signal on one deadline or the retraction of
/// that deadline's last one, so every deadline's status keeps changing), SubscribeEvents
/// followers on the S3 query, WatchDeadlines streams and filtered readers (the S3 query's first page,
/// in a loop). <b>Quiet</b> (the last third): no appends, everything else goes on. Every 5 s it samples
/// each service's resident set (<c>VmRSS</c>, /proc/&lt;pid&gt;/status) and the readers' p99. It reports
/// each service's RSS slope after warm-up while the log grows (target &lt; 100 MB/h) and in the quiet
/// phase (a leak keeps growing there; a working set that follows the log levels off), and the read
/// p99 drift: the last minute of growth against the first half-minute of reads (target ≤ 2×), with
/// the log's growth between them (the issue asks for tenfold: a run of 20 minutes or more grows it
/// that much).
/// </summary>
internal static class Soak
{
    public const string Flag = "--soak";

    private const int Deadlines = 1_000;
    private const int Seed = 10_000;
    private const int Followers = 4;
    private const int Watchers = 100;
    private const int Readers = 2;

    /// <summary>A duration such as 15m, 900s or 1h; null when it is not one.</summary>
    public static TimeSpan? ParseDuration(string text)
    {
        var unit = text.Length > 0 ? char.ToLowerInvariant(text[^1]) : ' ';
        var seconds = unit switch { 's' => 1, 'm' => 60, 'h' => 3600, _ => 0 };
        return seconds > 0 && int.TryParse(text[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? TimeSpan.FromSeconds((double)n * seconds) : null;
    }

    public static async Task<int> RunAsync(TimeSpan duration, string directory)
    {
        var report = new Report();
        var growth = duration * 2 / 3;
        var warmUp = TimeSpan.FromTicks(Math.Min(TimeSpan.FromMinutes(2).Ticks, growth.Ticks / 4));
        var window = TimeSpan.FromMinutes(1) < growth / 4 ? TimeSpan.FromMinutes(1) : growth / 4;

        // The reads' reference: the log is small then (the RSS warm-up alone would grow it ~100,000
        // events); 20 s of reads first so that JIT and the page cache do not count.
        var (firstReads, firstReadsEnd) = (TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(50));
        BenchContext.Phase($"soak for {duration.TotalMinutes:0.#} min: growth {growth.TotalMinutes:0.#} min (warm-up {warmUp.TotalMinutes:0.#}), quiet {(duration - growth).TotalMinutes:0.#} min");
        await using var storage = await ServiceProcess.StartStorageAsync(Path.Combine(directory, "soak.db"));
        var client = new EventStoreService.EventStoreServiceClient(storage.Channel);
        for (var start = 0; start < Deadlines; start += 1000)
        {
            var request = new AppendEventsRequest();
            for (var i = start; i < Math.Min(Deadlines, start + 1000); i++)
            {
                request.Events.Add(EventGenerator.DeadlineSet(TimelineScenarios.DeadlineId(i)));
            }

            await client.AppendEventsAsync(request);
        }

        foreach (var batch in Dataset.Batches("seed-", 0, Seed))
        {
            await client.AppendEventsAsync(batch);
        }

        await using var timeline = await TimelineScenarios.StartTimelineAsync(storage.Address);
        var timelineClient = new TimelineClient(timeline.Channel);
        using var stop = new CancellationTokenSource();
        using var stopAppending = new CancellationTokenSource();
        var clock = Stopwatch.StartNew();
        var reads = new ConcurrentQueue<(double At, double Ms)>();
        long appended = Seed + Deadlines;
        long followed = 0;
        long watched = 0;
        var query = EventGenerator.Query();

        async Task AppendAsync()
        {
            var n = 0L;
            var next = clock.Elapsed;
            while (!stopAppending.IsCancellationRequested)
            {
                var request = Dataset.Batches("soak-", n, 100, 100)[0];

                // Each visit to a deadline flips it: a RISK signal (AT_RISK), then that signal retracted
                // (ON_TRACK again), so the watch streams receive a change every 100 ms all along.
                var (visit, deadline) = Math.DivRem(n / 100, Deadlines);
                var risk = EventGenerator.DeadlineRisk(TimelineScenarios.DeadlineId((int)deadline), $"risk-{deadline}-{visit - visit % 2}");
                risk.Retracted = visit % 2 == 1;
                request.Events.Add(risk);
                await client.AppendEventsAsync(request);
                n += 100;
                Interlocked.Add(ref appended, 101);
                next += TimeSpan.FromMilliseconds(100);
                if (next > clock.Elapsed)
                {
                    await Task.Delay(next - clock.Elapsed);
                }
            }
        }

        async Task FollowAsync()
        {
            using var call = client.SubscribeEvents(new SubscribeEventsRequest { Filter = query }, cancellationToken: stop.Token);
            await foreach (var message in call.ResponseStream.ReadAllAsync(stop.Token))
            {
                if (message.MessageCase == SubscribeEventsResponse.MessageOneofCase.Event)
                {
                    Interlocked.Increment(ref followed);
                }
            }
        }

        async Task WatchAsync(int i)
        {
            var ids = Enumerable.Range(i * 10 % Deadlines, 10).Select(TimelineScenarios.DeadlineId);
            using var call = timelineClient.WatchDeadlines(new WatchDeadlinesRequest { DeadlineIds = { ids } }, cancellationToken: stop.Token);
            await foreach (var _ in call.ResponseStream.ReadAllAsync(stop.Token))
            {
                Interlocked.Increment(ref watched);
            }
        }

        async Task ReadAsync()
        {
            while (!stop.IsCancellationRequested)
            {
                var watch = Stopwatch.StartNew();
                await client.ListEventsAsync(new ListEventsRequest { Filter = query, PageSize = 100 }, cancellationToken: stop.Token);
                reads.Enqueue((clock.Elapsed.TotalSeconds, watch.Elapsed.TotalMilliseconds));
                await Task.Delay(20, stop.Token);
            }
        }

        var failures = new ConcurrentQueue<string>();
        async Task Quietly(Func<Task> work)
        {
            try
            {
                await work();
            }
            catch (Exception ex) when (ex is OperationCanceledException || (ex is RpcException r && r.StatusCode == StatusCode.Cancelled))
            {
            }
            catch (Exception ex)
            {
                // Said in the report, not thrown: a soak's figures are worth having even when a load task failed.
                failures.Enqueue($"{clock.Elapsed.TotalSeconds:0} s: {ex.GetType().Name}: {ex.Message.Split('\n')[0]}");
                Console.Error.WriteLine("soak: a load task failed: " + ex.Message);
            }
        }

        var load = new List<Task> { Quietly(AppendAsync) };
        load.AddRange(Enumerable.Range(0, Followers).Select(_ => Quietly(FollowAsync)));
        load.AddRange(Enumerable.Range(0, Watchers).Select(i => Quietly(() => WatchAsync(i))));
        load.AddRange(Enumerable.Range(0, Readers).Select(_ => Quietly(ReadAsync)));

        var samples = new List<Sample>();
        Console.WriteLine("t_s,phase,log_events,storage_rss_mb,timeline_rss_mb,read_p99_ms,reads,followed,watched");
        while (clock.Elapsed < duration)
        {
            await Task.Delay(TimeSpan.FromSeconds(5));
            if (clock.Elapsed >= growth && !stopAppending.IsCancellationRequested)
            {
                await stopAppending.CancelAsync();
            }

            var t = clock.Elapsed.TotalSeconds;
            var recent = reads.Where(r => r.At > t - 5).Select(r => r.Ms).ToList();
            var sample = new Sample(t, t < growth.TotalSeconds, Interlocked.Read(ref appended), RssMb(storage.Pid), RssMb(timeline.Pid), Stats.Percentile(recent, 0.99), recent.Count);
            samples.Add(sample);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{t:0},{(sample.Growing ? "growth" : "quiet")},{sample.LogEvents},{sample.StorageMb:0.0},{sample.TimelineMb:0.0},{sample.ReadP99:0.00},{sample.Reads},{Interlocked.Read(ref followed)},{Interlocked.Read(ref watched)}"));
        }

        await stop.CancelAsync();
        await Task.WhenAll(load).WaitAsync(TimeSpan.FromSeconds(30));

        var grown = samples.Where(s => s.Growing && s.At >= warmUp.TotalSeconds).ToList();
        var quiet = samples.Where(s => !s.Growing).ToList();
        foreach (var (name, rss, limit) in new (string, Func<Sample, double>, double)[] { ("storage", s => s.StorageMb, 200), ("timeline", s => s.TimelineMb, 300) })
        {
            var id = name == "storage" ? "SOAK-S" : "SOAK-T";
            report.Add(new Row(id, $"{name} RSS slope while the log grows, after warm-up ({grown.Count} samples; baseline = the target, 100 MB/h)", "MB/h", Goal.AtMost, 1, [new Pair(Slope(grown, rss), 100)]));
            report.Add(new Row(id, $"{name} RSS slope with appends stopped, streams and readers on ({quiet.Count} samples; baseline = 100 MB/h)", "MB/h", Goal.AtMost, 1, [new Pair(Slope(quiet, rss), 100)]));
            report.Add(new Row(id, $"{name} RSS at the end vs its bound ({limit:0} MB)", "MB", Goal.AtMost, 1, [new Pair(samples.Count > 0 ? rss(samples[^1]) : double.NaN, limit)]));
        }

        // The log's size at the end of the first window against that at the start of the last (the
        // smallest growth between any two reads compared), not the ends of the run.
        var early = samples.Where(s => s.At <= firstReadsEnd.TotalSeconds + 5).ToList();
        var late = grown.Where(s => s.At > growth.TotalSeconds - window.TotalSeconds).ToList();
        var earlyP99 = Stats.Percentile(reads.Where(r => r.At >= firstReads.TotalSeconds && r.At < firstReadsEnd.TotalSeconds).Select(r => r.Ms), 0.99);
        var lateP99 = Stats.Percentile(reads.Where(r => r.At > growth.TotalSeconds - window.TotalSeconds && r.At <= growth.TotalSeconds).Select(r => r.Ms), 0.99);
        var from = early.Count > 0 ? early[^1].LogEvents : 0;
        var to = late.Count > 0 ? late[0].LogEvents : 0;
        report.Add(new Row("SOAK-R", $"filtered read (S3 query, first page) p99, last minute of growth (from {to:N0} events) vs reads at {firstReads.TotalSeconds:0}-{firstReadsEnd.TotalSeconds:0} s (up to {from:N0} events: the log grew {(from > 0 ? (double)to / from : 0):0.0}×)", "ms", Goal.AtMost, 2, [new Pair(lateP99, earlyP99)]));

        // The same drift read as the median of the 5 s p99s, a minute after warm-up against the last minute of growth:
        // one 5 s burst of load from elsewhere on this machine moves a minute's p99 but not this median.
        var settled = grown.Where(s => s.At < warmUp.TotalSeconds + window.TotalSeconds && s.Reads > 0).ToList();
        var ending = late.Where(s => s.Reads > 0).ToList();
        if (settled.Count > 0 && ending.Count > 0)
        {
            report.Add(new Row("SOAK-R", $"filtered read p99 of each 5 s, median: last minute of growth (from {ending[0].LogEvents:N0} events) vs the minute after warm-up (up to {settled[^1].LogEvents:N0} events: the log grew {(double)ending[0].LogEvents / settled[^1].LogEvents:0.0}×)", "ms", Goal.AtMost, 2, [new Pair(Stats.Median(ending.Select(s => s.ReadP99)), Stats.Median(settled.Select(s => s.ReadP99)))]));
        }

        report.Note($"soak: {Followers} SubscribeEvents followers ({Interlocked.Read(ref followed):N0} events), {Watchers} WatchDeadlines streams ({Interlocked.Read(ref watched):N0} messages), {Readers} readers ({reads.Count:N0} reads), {Deadlines:N0} deadlines");
        if (!failures.IsEmpty)
        {
            report.Note($"soak: {failures.Count} load tasks failed: " + string.Join("; ", failures.Take(5)));
        }

        Console.WriteLine();
        Console.WriteLine($"Timeline soak, {clock.Elapsed.TotalMinutes:0.0} min");
        Console.WriteLine();
        Console.WriteLine(report.Table());
        Console.WriteLine(report.Targets());
        return 0;
    }

    /// <summary>Least-squares slope of the samples' RSS, in MB per hour.</summary>
    private static double Slope(List<Sample> samples, Func<Sample, double> y)
    {
        if (samples.Count < 2)
        {
            return double.NaN;
        }

        var mx = samples.Average(s => s.At);
        var my = samples.Average(y);
        var num = samples.Sum(s => (s.At - mx) * (y(s) - my));
        var den = samples.Sum(s => (s.At - mx) * (s.At - mx));
        return num / den * 3600;
    }

    /// <summary>The process's resident set now (<c>VmRSS</c>) in MB, NaN when /proc is not readable.</summary>
    private static double RssMb(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? double.NaN : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
        }
        catch (IOException)
        {
            return double.NaN;
        }
    }

    private sealed record Sample(double At, bool Growing, long LogEvents, double StorageMb, double TimelineMb, double ReadP99, int Reads);
}
