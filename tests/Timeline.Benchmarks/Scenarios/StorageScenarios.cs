using System.Diagnostics;
using Grpc.Core;
using Timeline.Benchmarks.Data;
using Timeline.Benchmarks.Infrastructure;
using Timeline.Benchmarks.Raw;
using Timeline.Domain.Dates;
using Timeline.Storage.V1;
using Timeline.V1;

namespace Timeline.Benchmarks.Scenarios;

/// <summary>S1, S2, S3, S5, S6 and the storage service's peak memory.</summary>
internal static class StorageScenarios
{
    private const int PageSize = 100;

    /// <summary>
    /// S1, while building a dataset: each chunk goes through the service in batches of 1,000,
    /// then the very rows the service stored go raw into the twin, batches of 1,000 in a transaction.
    /// </summary>
    public static async Task BuildAsync(BenchContext bench, Dataset dataset, int events, int chunk, string? id, TimeSpan? budget = null)
    {
        var pairs = new List<Pair>();
        var watch = Stopwatch.StartNew();
        var first = 0;

        // S1 first warms the fresh service (batches of 1,000, unmeasured, for BenchOptions.AppendWarmUp);
        // its events are part of the dataset like the others.
        var warmUp = id is null ? TimeSpan.Zero : bench.Options.AppendWarmUp;
        var warmedWith = 0;
        while (first < events && (budget is null || watch.Elapsed < budget))
        {
            var warming = first == 0 || watch.Elapsed < warmUp;
            var count = Math.Min(warming ? 1000 : chunk, events - first);
            var batches = Dataset.Batches("ev-", first, count);
            var service = await dataset.AppendAsync(batches);
            var rows = dataset.TakeNewRows();
            var raw = dataset.InsertRaw(rows);
            if (!warming && rows.Count == count)
            {
                pairs.Add(new Pair(count / service, count / raw));
            }

            first += count;
            if (warming)
            {
                warmedWith = first;

                // Chunks sized so the repetitions fit what is left of the budget, whatever the service's rate.
                if (budget is { } b && watch.Elapsed >= warmUp && first < events)
                {
                    var perChunk = (b - watch.Elapsed).TotalSeconds / (bench.Options.Reps + 1);
                    chunk = Math.Clamp((int)(count / service * perChunk / 1000) * 1000, 1000, chunk);
                }
            }
        }

        if (id is not null)
        {
            bench.Report.Add(new Row(id, "append batches of 1,000 over gRPC", "events/s", Goal.AtLeast, 0.7, pairs));
        }

        var (same, detail) = RawLog.Compare(dataset.ServicePath, dataset.Raw.Path);
        if (!same)
        {
            throw new InvalidOperationException($"{dataset.Name}: the raw twin differs from the service's file: {detail}");
        }

        if (id is not null)
        {
            bench.Report.Note($"S1: {first:N0} events through the service, the first {warmedWith:N0} to warm it up, then in chunks of up to {chunk:N0} (each chunk one repetition); the service's file and its raw twin compared column by column: {detail}.");
        }

        if (first < events)
        {
            var loading = Stopwatch.StartNew();
            await dataset.LoadDerivedAsync(first, events - first);
            bench.Report.Note($"dataset: the service's append rate would not fit the run, so the other {events - first:N0} events were derived from the rows it stored (same content, new ids; the body holds no id) and loaded raw in {loading.Elapsed.TotalSeconds:0} s; the twin is a copy of the service's file.");
        }
    }

    /// <summary>S2: 32 callers appending one event each, against one event per transaction raw (one fsync each).</summary>
    public static async Task ConcurrentAppendersAsync(BenchContext bench)
    {
        await using var scratch = await Dataset.CreateAsync(bench.Directory, "s2", bench.Template);
        var next = 0L;
        async Task<double> ServiceAsync(TimeSpan window)
        {
            var watch = Stopwatch.StartNew();
            var done = 0L;
            var callers = Enumerable.Range(0, 32).Select(async _ =>
            {
                while (watch.Elapsed < window)
                {
                    var e = EventGenerator.Create("s2-", Interlocked.Increment(ref next));
                    await scratch.Client.AppendEventsAsync(new AppendEventsRequest { Events = { e } });
                    Interlocked.Increment(ref done);
                }
            });
            await Task.WhenAll(callers);
            return done / watch.Elapsed.TotalSeconds;
        }

        double Raw(IReadOnlyList<StoredRow> rows, TimeSpan window)
        {
            var watch = Stopwatch.StartNew();
            var done = 0;
            while (done < rows.Count && watch.Elapsed < window)
            {
                scratch.Raw.InsertOne(rows[done++]);
            }

            return done / watch.Elapsed.TotalSeconds;
        }

        // The service is a fresh process: until its JIT has compiled and tiered up the append path
        // (seconds: dotnet-counters showed 1.2-1.6 s of JIT per 2 s at first), it measures the JIT.
        await ServiceAsync(bench.Options.WarmUp);
        Raw(scratch.TakeNewRows(), TimeSpan.FromSeconds(0.5));
        var pairs = new List<Pair>();
        for (var rep = 0; rep < bench.Options.Reps; rep++)
        {
            var service = await ServiceAsync(bench.Options.WriteWindow);
            var raw = Raw(scratch.TakeNewRows(), bench.Options.WriteWindow);
            pairs.Add(new Pair(service, raw));
        }

        // The guard is "no slower than one commit per event" (group commit broken), not half the
        // target: on an idle machine with a fast fsync the raw baseline commits ~1,700 times a second
        // and the service's 32 callers are bound by CPU per call on 2 cores, so S2 reads 1.4-1.9
        // there (docs/BENCHMARKS.md), a target missed, not a collapse.
        bench.Report.Add(new Row("S2", "32 concurrent single-event appenders", "events/s", Goal.AtLeast, 3, pairs, Guard: 1.0));
    }

    /// <summary>S3: reading the query page by page (100 a page), through the service and through a raw reader.</summary>
    public static async Task PagingAsync(BenchContext bench, Dataset big)
    {
        var query = EventGenerator.Query();
        using var raw = new RawReader(big.Raw.Path, query);
        await CheckSamePagesAsync(big.Client, raw, query);
        await bench.WarmAsync(async () =>
        {
            await WalkServiceAsync(big.Client, query, 5);
            WalkRaw(raw, 5);
        });
        var pages = Math.Clamp((int)(bench.Options.SecondsPerSide * await WalkServiceAsync(big.Client, query, 2)), 1, bench.Options.PagesPerRep);
        WalkRaw(raw, 2);
        var pairs = new List<Pair>();
        for (var rep = 0; rep < bench.Options.Reps; rep++)
        {
            double service, baseline;
            if (rep % 2 == 0)
            {
                service = await WalkServiceAsync(big.Client, query, pages);
                baseline = WalkRaw(raw, pages);
            }
            else
            {
                baseline = WalkRaw(raw, pages);
                service = await WalkServiceAsync(big.Client, query, pages);
            }

            pairs.Add(new Pair(service, baseline));
        }

        bench.Report.Add(new Row("S3", $"ListEvents page of 100 at {bench.Options.Label(bench.Options.BigEvents)}, tag + date range (pages 1–{pages}, in turn)", "pages/s", Goal.AtLeast, 0.6, pairs));
        bench.Report.Note($"query plan of ListCurrent: {raw.Plan()}");
    }

    /// <summary>
    /// The raw reader and the service end their first pages on the same rows (their next page
    /// tokens match): the baseline binds the keys the service binds.
    /// </summary>
    private static async Task CheckSamePagesAsync(EventStoreService.EventStoreServiceClient client, RawReader raw, EventFilter query)
    {
        var token = string.Empty;
        Key? after = null;
        for (var page = 1; page <= 3; page++)
        {
            var response = await client.ListEventsAsync(new ListEventsRequest { Filter = query, PageSize = PageSize, PageToken = token });
            var (count, last) = raw.Page(after, PageSize);
            var same = count == response.Events.Count
                && (response.NextPageToken.Length == 0 || (last is { } key && PageTokens.Encode(query, key) == response.NextPageToken));
            if (!same)
            {
                throw new InvalidOperationException($"page {page}: the raw reader's page differs from the service's; update Raw/RawReader.cs to bind what EventLog.ListAsync binds");
            }

            if (response.NextPageToken.Length == 0)
            {
                return;
            }

            (token, after) = (response.NextPageToken, last);
        }
    }

    /// <summary>Pages/s walking the first <paramref name="pages"/> pages (starting over at the end of the result).</summary>
    public static async Task<double> WalkServiceAsync(EventStoreService.EventStoreServiceClient client, EventFilter query, int pages)
    {
        var watch = Stopwatch.StartNew();
        var token = string.Empty;
        for (var i = 0; i < pages; i++)
        {
            var response = await client.ListEventsAsync(new ListEventsRequest { Filter = query, PageSize = PageSize, PageToken = token });
            token = response.NextPageToken;
        }

        return pages / watch.Elapsed.TotalSeconds;
    }

    public static double WalkRaw(RawReader raw, int pages)
    {
        var watch = Stopwatch.StartNew();
        Key? after = null;
        for (var i = 0; i < pages; i++)
        {
            var (count, last) = raw.Page(after, PageSize);
            after = count < PageSize ? null : last;
        }

        return pages / watch.Elapsed.TotalSeconds;
    }

    /// <summary>S5: the latency of a deep page against the first, same query, through the service.</summary>
    public static async Task DeepPageAsync(BenchContext bench, Dataset big)
    {
        var query = EventGenerator.Query();
        var deep = bench.Options.DeepPage;
        var walk = Stopwatch.StartNew();
        var (reached, lastOfPrevious) = DeepKey(big.Raw.Path, query, deep);
        var token = PageTokens.Encode(query, lastOfPrevious);
        var second = await big.Client.ListEventsAsync(new ListEventsRequest { Filter = query, PageSize = PageSize });
        if (PageTokens.Encode(query, DeepKey(big.Raw.Path, query, 2).Last) != second.NextPageToken)
        {
            throw new InvalidOperationException("the benchmark's page tokens differ from the service's; PageToken changed, update Raw/PageTokens.cs");
        }

        bench.Report.Note($"S5: page {reached}'s token built from the key of row {(reached - 1) * PageSize:N0} (checked against the service's own token for page 2) in {walk.Elapsed.TotalSeconds:0.0} s");
        var first = new ListEventsRequest { Filter = query, PageSize = PageSize };
        var deepRequest = new ListEventsRequest { Filter = query, PageSize = PageSize, PageToken = token };
        // Both pages seek (milliseconds at 1M), so every run takes five samples per side and repetition.
        const int samples = 5;
        var pairs = new List<Pair>();
        for (var rep = 0; rep < bench.Options.Reps; rep++)
        {
            var a = new List<double>();
            var b = new List<double>();
            for (var i = 0; i < samples; i++)
            {
                b.Add(await LatencyAsync(big.Client, first));
                a.Add(await LatencyAsync(big.Client, deepRequest));
            }

            pairs.Add(new Pair(Stats.Median(a), Stats.Median(b)));
        }

        bench.Report.Add(new Row("S5", $"page {reached} vs page 1, same query (latency)", "ms", Goal.AtMost, 1.3, pairs));

        // The same two pages through the raw reader: what SQLite itself does with a deep keyset.
        using var raw = new RawReader(big.Raw.Path, query);
        var rawPairs = new List<Pair>();
        for (var rep = 0; rep < Math.Min(3, bench.Options.Reps); rep++)
        {
            rawPairs.Add(new Pair(RawLatency(raw, lastOfPrevious, samples), RawLatency(raw, null, samples)));
        }

        bench.Report.Note($"S5 raw: the same statement through a raw reader, page {reached} {Report.Number(Stats.Median(rawPairs.Select(p => p.Value)))} ms vs page 1 {Report.Number(Stats.Median(rawPairs.Select(p => p.Baseline)))} ms, ratio {Report.Number(Stats.Median(rawPairs.Select(p => p.Ratio)))}");
    }

    /// <summary>
    /// The sort key of the last row before page <paramref name="page"/> (or of the deepest page
    /// there is), in one query that needs no index of the service's (it sorts the matching rows).
    /// </summary>
    private static (int Page, Key Last) DeepKey(string path, EventFilter query, int page)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT c.earliest, c.latest, c.position FROM current_events c JOIN revisions e ON e.position = c.position
            WHERE c.retracted = 0 AND e.latest >= $from AND e.earliest <= $to
              AND EXISTS (SELECT 1 FROM revision_tags t WHERE t.tag = $tag AND t.position = e.position)
            ORDER BY c.earliest, c.latest, c.position
            """;
        command.Parameters.AddWithValue("$from", Day(query.OccurredFrom));
        command.Parameters.AddWithValue("$to", Day(query.OccurredTo));
        command.Parameters.AddWithValue("$tag", query.Tags.Single());
        using var reader = command.ExecuteReader();
        var keys = new List<Key>();
        var row = 0;
        while (reader.Read() && row < (page - 1) * PageSize)
        {
            row++;
            if (row % PageSize == 0)
            {
                keys.Add(new Key(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2)));
            }
        }

        // The deepest page that still has rows after it.
        var last = row == (page - 1) * PageSize ? keys[^1] : keys[^2];
        return (keys.IndexOf(last) + 2, last);
    }

    public static long Day(string isoDate) => FuzzyDateProto.ParseDay(isoDate).DayNumber;

    private static async Task<double> LatencyAsync(EventStoreService.EventStoreServiceClient client, ListEventsRequest request)
    {
        var watch = Stopwatch.StartNew();
        await client.ListEventsAsync(request);
        return watch.Elapsed.TotalMilliseconds;
    }

    private static double RawLatency(RawReader raw, Key? after, int samples)
    {
        var times = new List<double>();
        for (var i = 0; i < samples; i++)
        {
            var watch = Stopwatch.StartNew();
            raw.Page(after, PageSize);
            times.Add(watch.Elapsed.TotalMilliseconds);
        }

        return Stats.Median(times);
    }

    /// <summary>S6: the first page of the same query, 1M events against 1k, in turn.</summary>
    public static async Task ScaleAsync(BenchContext bench, Dataset big, Dataset small)
    {
        var query = EventGenerator.Query();
        var pages = bench.Options.PagesPerRep;
        async Task<double> FirstPagesAsync(Dataset dataset, int? count = null)
        {
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < (count ?? pages); i++)
            {
                await dataset.Client.ListEventsAsync(new ListEventsRequest { Filter = query, PageSize = PageSize });
            }

            return (count ?? pages) / watch.Elapsed.TotalSeconds;
        }

        await FirstPagesAsync(small, 20);
        pages = Math.Clamp((int)(bench.Options.SecondsPerSide * await FirstPagesAsync(big, 2)), 1, bench.Options.PagesPerRep * 4);
        var pairs = new List<Pair>();
        for (var rep = 0; rep < bench.Options.Reps; rep++)
        {
            double x, y;
            if (rep % 2 == 0)
            {
                x = await FirstPagesAsync(big);
                y = await FirstPagesAsync(small);
            }
            else
            {
                y = await FirstPagesAsync(small);
                x = await FirstPagesAsync(big);
            }

            pairs.Add(new Pair(x, y));
        }

        var big1 = await big.Client.ListEventsAsync(new ListEventsRequest { Filter = query, PageSize = PageSize });
        var small1 = await small.Client.ListEventsAsync(new ListEventsRequest { Filter = query, PageSize = PageSize });
        bench.Report.Add(new Row("S6", $"first page at {bench.Options.Label(bench.Options.BigEvents)} vs at 1k events, same query (throughput)", "pages/s", Goal.AtLeast, 0.6, pairs,
            Note: big1.Events.Count == small1.Events.Count ? null : $"pages of {big1.Events.Count} vs {small1.Events.Count} events"));
    }

    /// <summary>
    /// G1, bounded growth (issue 17): batches of 1,000 appended to the big log (1M events in the
    /// full run) against the same batches appended to a log that started empty, in turn. The
    /// empty log's service is fresh, so it is warmed first; the big one has served every scenario.
    /// </summary>
    public static async Task GrowthAsync(BenchContext bench, Dataset big)
    {
        await using var empty = await Dataset.CreateAsync(bench.Directory, "g1", bench.Template);
        var events = bench.Options.GrowthEvents;
        var next = 0L;
        List<AppendEventsRequest> Next(string prefix)
        {
            var batches = Dataset.Batches(prefix, next, events);
            next += events;
            return batches;
        }

        await bench.WarmAsync(async () => await empty.AppendAsync(Next("g1-warm-")));
        var startedEmptyAt = empty.Events;
        var startedBigAt = big.Events;
        var pairs = new List<Pair>();
        for (var rep = 0; rep < bench.Options.Reps; rep++)
        {
            double intoBig, intoEmpty;
            if (rep % 2 == 0)
            {
                intoBig = events / await big.AppendAsync(Next("g1-big-"));
                intoEmpty = events / await empty.AppendAsync(Next("g1-empty-"));
            }
            else
            {
                intoEmpty = events / await empty.AppendAsync(Next("g1-empty-"));
                intoBig = events / await big.AppendAsync(Next("g1-big-"));
            }

            pairs.Add(new Pair(intoBig, intoEmpty));
        }

        bench.Report.Add(new Row("G1", $"append batches of 1,000 into the {bench.Options.Label(bench.Options.BigEvents)} log ÷ into a log that started empty ({events:N0} events a repetition)", "events/s", Goal.AtLeast, 0.7, pairs));
        bench.Report.Note($"G1: the big log grew from {startedBigAt:N0} to {big.Events:N0} events, the other from {startedEmptyAt:N0} (after its warm-up) to {empty.Events:N0}");
    }

    /// <summary>Peak RSS of the storage service after paging and after streaming the whole log to a subscriber.</summary>
    public static async Task StreamAllAsync(BenchContext bench, Dataset big)
    {
        var watch = Stopwatch.StartNew();
        var events = await LogReads.CountToCaughtUpAsync(big.Client);
        bench.Report.Note($"SubscribeEvents streamed {events:N0} stored events from position 0 in {watch.Elapsed.TotalSeconds:0.0} s ({events / watch.Elapsed.TotalSeconds:N0} events/s)");
    }
}
