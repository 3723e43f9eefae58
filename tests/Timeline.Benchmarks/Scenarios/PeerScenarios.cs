using System.Diagnostics;
using Timeline.Benchmarks.Data;
using Timeline.Benchmarks.Infrastructure;
using Timeline.Benchmarks.Peer;
using Timeline.Tests.Shared;
using Timeline.V1;

namespace Timeline.Benchmarks.Scenarios;

/// <summary>
/// P1–P3 (issue 17): Timeline on each of its backends against the peer a .NET user would pick
/// instead (Marten's event store in Quick mode, on the same PostgreSQL server, in the same run) and
/// against each engine's limit (a minimal table), interleaved repetition by repetition:
/// P1 batches of 1,000, P3 read everything in order, P2 32 concurrent single appends (and S2 on
/// PostgreSQL: the same against one commit per event with the service's own SQL).
/// </summary>
internal static class PeerScenarios
{
    private const int BatchSize = 1000;

    /// <summary>The id of P1 on a server configured as the independent run of issue 29 (full runs and <c>--only P1-fair</c>).</summary>
    public const string FairId = "P1-fair";

    public static async Task RunAsync(BenchContext bench)
    {
        if (bench.Options.Runs("P1", "P2", "P3", "S2-pg"))
        {
            await SameServerAsync(bench);
        }

        if (PostgresCluster.FindBinaries() is not null && (bench.Options.Only?.Contains(FairId) ?? !bench.Options.Quick))
        {
            BenchContext.Phase($"{FairId} batches of 1,000 on a server with the documented settings (shared_buffers=256MB, max_wal_size=4GB)");
            await FairAsync(bench);
        }
    }

    private static async Task SameServerAsync(BenchContext bench)
    {
        var options = bench.Options;
        // The server runs whenever its binaries are here: Marten, the peer, needs it whichever
        // backend Timeline runs on (--backend chooses only Timeline's).
        await using var postgres = await BenchPostgres.StartAsync();
        if (postgres is null || !options.OnPostgres)
        {
            var reason = postgres is null ? "no PostgreSQL server binaries (install postgresql)" : "--backend sqlite";
            foreach (var id in new[] { "P1-pg", "P2-pg", "P3-pg", "S2-pg" })
            {
                bench.Report.NotRun(id, "Timeline on PostgreSQL against Marten and the minimal table", Goal.AtLeast, 1, reason);
            }
        }

        if (postgres is null)
        {
            bench.Report.NotRun("P1-P3", "Timeline on SQLite against Marten (a PostgreSQL server)", Goal.AtLeast, 1, "no PostgreSQL server binaries (install postgresql)");
        }

        if (postgres is not null)
        {
            bench.Report.Note("PostgreSQL for P1–P3 and S2-pg: " + await postgres.SettingsAsync());
        }

        var sides = new Contestants();
        try
        {
            BenchContext.Phase("peer: starting the contestants");
            if (options.OnSqlite)
            {
                sides.TimelineSqlite = new TimelineSide("Timeline on SQLite", await ServiceProcess.StartStorageAsync(Path.Combine(bench.Directory, "peer.db")));
                sides.MinimalSqlite = new MinimalSqliteSide("SQLite minimal table", Path.Combine(bench.Directory, "minimal.db"));
            }

            if (postgres is not null && options.OnPostgres)
            {
                sides.TimelinePostgresDatabase = await postgres.CreateDatabaseAsync();
                sides.TimelinePostgres = new TimelineSide("Timeline on PostgreSQL", await ServiceProcess.StartStoragePostgresAsync(sides.TimelinePostgresDatabase));
                sides.RawPostgres = await RawPostgresLog.CreateAsync(await postgres.CreateDatabaseAsync());
            }

            if (postgres is not null)
            {
                sides.MinimalPostgres = await MinimalPostgresSide.CreateAsync("PostgreSQL minimal table", await postgres.CreateDatabaseAsync());
                sides.MartenPerEvent = await MartenSide.CreateAsync("Marten, a stream per event", await postgres.CreateDatabaseAsync(), MartenAppend.StreamPerEvent, noResetOnClose: false);
                sides.MartenPerBatch = await MartenSide.CreateAsync("Marten, a stream per batch", await postgres.CreateDatabaseAsync(), MartenAppend.AppendPerBatch, noResetOnClose: false);
                sides.MartenStartStream = await MartenSide.CreateAsync("Marten, StartStream per batch", await postgres.CreateDatabaseAsync(), MartenAppend.StartStreamPerBatch, noResetOnClose: false);
                sides.MartenRows = await MartenRowsCopySide.CreateAsync("binary COPY of Marten's rows", await postgres.CreateDatabaseAsync());
                sides.MartenNoReset = await MartenSide.CreateAsync("Marten, No Reset On Close", await postgres.CreateDatabaseAsync(), MartenAppend.StreamPerEvent, noResetOnClose: true);
                bench.Report.Note("Marten 9.58.0: " + string.Join("; ", new[] { sides.MartenPerEvent, sides.MartenPerBatch, sides.MartenStartStream, sides.MartenNoReset }.Select(m => m.Describe)) +
                    "; System.Text.Json, lightweight sessions, Npgsql's default pool (100)");
            }

            BenchContext.Phase("P1 batches of 1,000");
            await BatchesAsync(bench, sides);
            BenchContext.Phase("P3 read everything in order");
            await ReadAllAsync(bench, sides);
            BenchContext.Phase("P2 32 concurrent single appends");
            await ConcurrentAsync(bench, sides);
        }
        finally
        {
            await sides.DisposeAsync();
        }
    }

    /// <summary>
    /// P1 again on a server of its own started with <c>shared_buffers=256MB</c> and
    /// <c>max_wal_size=4GB</c> (the independent run of issue 29): Marten as its docs recommend
    /// (Quick, <c>Append</c> to a new stream per batch) and as this benchmark appended before
    /// (<c>StartStream</c>), against the minimal table's binary COPY and a binary COPY of Marten's
    /// own rows, and Timeline on PostgreSQL against Marten's best (issue 29's target: ≥ 1.5).
    /// </summary>
    private static async Task FairAsync(BenchContext bench)
    {
        var options = bench.Options;
        await using var postgres = await BenchPostgres.StartAsync(documented: true);
        if (postgres is null)
        {
            return;
        }

        bench.Report.Note($"PostgreSQL for {FairId}: " + await postgres.SettingsAsync());
        var sides = new Contestants();
        try
        {
            if (options.OnPostgres)
            {
                sides.TimelinePostgres = new TimelineSide("Timeline on PostgreSQL", await ServiceProcess.StartStoragePostgresAsync(await postgres.CreateDatabaseAsync()));
            }

            sides.MinimalPostgres = await MinimalPostgresSide.CreateAsync("PostgreSQL minimal table", await postgres.CreateDatabaseAsync());
            sides.MartenPerBatch = await MartenSide.CreateAsync("Marten, Append per batch", await postgres.CreateDatabaseAsync(), MartenAppend.AppendPerBatch, noResetOnClose: false);
            sides.MartenStartStream = await MartenSide.CreateAsync("Marten, StartStream per batch", await postgres.CreateDatabaseAsync(), MartenAppend.StartStreamPerBatch, noResetOnClose: false);
            sides.MartenRows = await MartenRowsCopySide.CreateAsync("binary COPY of Marten's rows", await postgres.CreateDatabaseAsync());
            PeerSide?[] all = [sides.TimelinePostgres, sides.MinimalPostgres, sides.MartenPerBatch, sides.MartenStartStream, sides.MartenRows];
            var rates = await MeasureBatchesAsync(options, all.OfType<PeerSide>().ToList());
            var what = $"append batches of 1,000 ({options.PeerBatchEvents:N0} events a repetition), server at shared_buffers=256MB, max_wal_size=4GB";
            var marten = sides.MartenPerBatch;
            bench.Report.Add(new Row(FairId, $"{what}: {marten.Name} (as Marten's docs recommend) ÷ {sides.MinimalPostgres.Name} (one binary COPY per batch)", "events/s", Goal.Info, 0, Pairs(rates[marten], rates[sides.MinimalPostgres])));
            bench.Report.Add(new Row(FairId, $"{what}: {sides.MartenStartStream.Name} (this benchmark before issue 29) ÷ {sides.MinimalPostgres.Name}", "events/s", Goal.Info, 0, Pairs(rates[sides.MartenStartStream], rates[sides.MinimalPostgres])));
            bench.Report.Add(new Row(FairId, $"{what}: {marten.Name} ÷ {sides.MartenRows.Name} (its JSON, untimed serialization)", "events/s", Goal.Info, 0, Pairs(rates[marten], rates[sides.MartenRows])));
            if (sides.TimelinePostgres is { } timeline)
            {
                // Guard 0.3: about half of what it measures against the fair Marten today (docs/BENCHMARKS.md).
                bench.Report.Add(new Row(FairId, $"{what}: {timeline.Name} ÷ {marten.Name} (issue 29: ≥ 1.5 × Marten's best in the fair configuration)", "events/s", Goal.AtLeast, 1.5, Pairs(rates[timeline], rates[marten]), Guard: 0.3));
            }
        }
        finally
        {
            await sides.DisposeAsync();
        }
    }

    /// <summary>P1's procedure: the same unmeasured batches into every side, then each repetition's batches into each side in turn, in a rotating order.</summary>
    private static async Task<Dictionary<PeerSide, List<double>>> MeasureBatchesAsync(BenchOptions options, List<PeerSide> contestants)
    {
        // The same unmeasured events into each (JIT, Marten's generated code, pools), so every
        // log holds the same events when P3 reads them all.
        foreach (var side in contestants)
        {
            await side.AppendBatchesAsync(side.Prepare(Batches("w-", 0, options.PeerWarmUpEvents)));
        }

        var rates = contestants.ToDictionary(s => s, _ => new List<double>());
        for (var rep = 0; rep < options.PeerReps; rep++)
        {
            var batches = Batches($"p1-{rep}-", 0, options.PeerBatchEvents);
            foreach (var side in Rotated(contestants, rep))
            {
                var prepared = side.Prepare(batches);
                var watch = Stopwatch.StartNew();
                await side.AppendBatchesAsync(prepared);
                rates[side].Add(options.PeerBatchEvents / watch.Elapsed.TotalSeconds);
            }
        }

        return rates;
    }

    private static async Task BatchesAsync(BenchContext bench, Contestants sides)
    {
        var options = bench.Options;
        PeerSide?[] all = [sides.TimelineSqlite, sides.TimelinePostgres, sides.MinimalSqlite, sides.MinimalPostgres, sides.MartenPerEvent, sides.MartenPerBatch, sides.MartenStartStream, sides.MartenRows];
        var rates = await MeasureBatchesAsync(options, all.OfType<PeerSide>().ToList());

        var what = $"append batches of 1,000 ({options.PeerBatchEvents:N0} events a repetition)";
        foreach (var (id, timeline, minimal, engine) in new (string, PeerSide?, PeerSide?, string)[] { ("P1-sqlite", sides.TimelineSqlite, sides.MinimalSqlite, "SQLite"), ("P1-pg", sides.TimelinePostgres, sides.MinimalPostgres, "PostgreSQL") })
        {
            if (timeline is null)
            {
                continue;
            }

            foreach (var marten in new PeerSide?[] { sides.MartenPerBatch, sides.MartenPerEvent }.OfType<PeerSide>())
            {
                // Guard 0.25 against the stream per batch: since issue 29 it appends through Marten's bulk
                // route (Append), about twice as fast as before, and Timeline reads 0.5–0.8 of it (docs/BENCHMARKS.md).
                bench.Report.Add(new Row(id, $"{what}: {timeline.Name} ÷ {marten.Name}", "events/s", Goal.AtLeast, 1.0, Pairs(rates[timeline], rates[marten]),
                    Guard: marten == sides.MartenPerBatch ? 0.25 : null));
            }

            if (minimal is not null)
            {
                // Guard 0.03: today's ratios are 0.07–0.17 (docs/BENCHMARKS.md); half the target would fail every run.
                bench.Report.Add(new Row(id, $"{what}: {timeline.Name} ÷ {minimal.Name} ({(engine == "SQLite" ? "one multi-row INSERT" : "one binary COPY")} per batch)", "events/s", Goal.AtLeast, 0.3, Pairs(rates[timeline], rates[minimal]), Guard: 0.03));
            }
        }

        if (sides.MartenPerBatch is not null && sides.MartenStartStream is not null && sides.MartenRows is not null && sides.MinimalPostgres is not null)
        {
            // Issue 29: Marten's batches as its docs recommend (Append) and as this benchmark appended them before (StartStream, Marten's per-event route).
            bench.Report.Add(new Row("P1-marten", $"{what}: {sides.MartenPerBatch.Name} (Append) ÷ {sides.MinimalPostgres.Name}", "events/s", Goal.Info, 0, Pairs(rates[sides.MartenPerBatch], rates[sides.MinimalPostgres])));
            bench.Report.Add(new Row("P1-marten", $"{what}: {sides.MartenStartStream.Name} (before issue 29) ÷ {sides.MinimalPostgres.Name}", "events/s", Goal.Info, 0, Pairs(rates[sides.MartenStartStream], rates[sides.MinimalPostgres])));
            bench.Report.Add(new Row("P1-marten", $"{what}: {sides.MartenPerBatch.Name} (Append) ÷ {sides.MartenRows.Name}", "events/s", Goal.Info, 0, Pairs(rates[sides.MartenPerBatch], rates[sides.MartenRows])));
        }
    }

    private static async Task ReadAllAsync(BenchContext bench, Contestants sides)
    {
        var options = bench.Options;
        PeerSide?[] all = [sides.TimelineSqlite, sides.TimelinePostgres, sides.MinimalSqlite, sides.MinimalPostgres, sides.MartenPerBatch];
        var contestants = all.OfType<PeerSide>().ToList();
        var sizes = new Dictionary<PeerSide, long>();
        foreach (var side in contestants)
        {
            sizes[side] = await side.ReadAllAsync();
        }

        var rates = contestants.ToDictionary(s => s, _ => new List<double>());
        for (var rep = 0; rep < options.PeerReps; rep++)
        {
            foreach (var side in Rotated(contestants, rep))
            {
                var watch = Stopwatch.StartNew();
                var read = await side.ReadAllAsync();
                rates[side].Add(read / watch.Elapsed.TotalSeconds);
            }
        }

        if (sizes.Values.Distinct().Count() > 1)
        {
            throw new InvalidOperationException("P3: the logs differ in length: " + string.Join(", ", sizes.Select(s => $"{s.Key.Name} {s.Value:N0}")));
        }

        bench.Report.Note($"P3: each log read holds the same {sizes.Values.First():N0} events (P1's warm-up and repetitions); Marten's is the stream-per-batch store");
        foreach (var (id, timeline, minimal) in new (string, PeerSide?, PeerSide?)[] { ("P3-sqlite", sides.TimelineSqlite, sides.MinimalSqlite), ("P3-pg", sides.TimelinePostgres, sides.MinimalPostgres) })
        {
            if (timeline is null)
            {
                continue;
            }

            if (sides.MartenPerBatch is { } marten)
            {
                // Issue 29's target, ≥ 3 × Marten, is not met yet: the guards are those of the earlier
                // target of 1.5 (half of it on SQLite; 0.2 on PostgreSQL, which read 0.5 of Marten then).
                bench.Report.Add(new Row(id, $"read everything in order: {timeline.Name} (SubscribeEvents from 0 to caught_up) ÷ Marten (QueryAllRawEvents by sequence)", "events/s", Goal.AtLeast, 3, Pairs(rates[timeline], rates[marten]),
                    Guard: id == "P3-pg" ? 0.2 : 0.75));
            }

            if (minimal is not null)
            {
                // Issue 29: ≥ 0.5 of the engine's own scan; quick runs read 0.09-0.30, so the guard is a collapse only.
                bench.Report.Add(new Row(id, $"read everything in order: {timeline.Name} ÷ {minimal.Name} (a scan in position order)", "events/s", Goal.AtLeast, 0.5, Pairs(rates[timeline], rates[minimal]), Guard: 0.03));
            }
        }
    }

    private static async Task ConcurrentAsync(BenchContext bench, Contestants sides)
    {
        var options = bench.Options;
        PeerSide?[] all = [sides.TimelineSqlite, sides.TimelinePostgres, sides.MinimalPostgres, sides.MartenPerEvent, sides.MartenNoReset];
        var contestants = all.OfType<PeerSide>().ToList();
        var next = 0L;
        foreach (var side in contestants)
        {
            await AppendConcurrentlyAsync(side, options.PeerWarmUp, () => Interlocked.Increment(ref next));
        }

        var rates = contestants.ToDictionary(s => s, _ => new List<double>());
        var oneCommitPerEvent = new List<double>();
        var copiedUpTo = sides.TimelinePostgres is null ? 0 : (await RawPostgresLog.ReadServiceRowsAsync(sides.TimelinePostgresDatabase!, 0)).LastOrDefault()?.Position ?? 0;
        for (var rep = 0; rep < options.PeerReps; rep++)
        {
            foreach (var side in Rotated(contestants, rep))
            {
                rates[side].Add(await AppendConcurrentlyAsync(side, options.PeerWindow, () => Interlocked.Increment(ref next)));
                if (side == sides.TimelinePostgres && sides.RawPostgres is { } raw)
                {
                    // S2 on PostgreSQL: the very rows the service just stored, one transaction each, for as long.
                    var rows = await RawPostgresLog.ReadServiceRowsAsync(sides.TimelinePostgresDatabase!, copiedUpTo);
                    copiedUpTo = rows.Count > 0 ? rows[^1].Position : copiedUpTo;
                    var watch = Stopwatch.StartNew();
                    var done = 0;
                    while (done < rows.Count && watch.Elapsed < options.PeerWindow)
                    {
                        await raw.InsertOneAsync(rows[done++]);
                    }

                    oneCommitPerEvent.Add(done / watch.Elapsed.TotalSeconds);
                }
            }
        }

        List<double> best = [];
        if (sides.MartenPerEvent is { } withReset && sides.MartenNoReset is { } noReset)
        {
            best = [.. rates[withReset].Zip(rates[noReset], Math.Max)];
            bench.Report.Add(new Row("P2-marten", $"32 concurrent single appends: {noReset.Name} ÷ {withReset.Name} (Npgsql's default)", "events/s", Goal.Info, 0, Pairs(rates[noReset], rates[withReset])));
        }

        foreach (var (id, timeline) in new[] { ("P2-sqlite", sides.TimelineSqlite), ("P2-pg", sides.TimelinePostgres) })
        {
            if (timeline is null)
            {
                continue;
            }

            if (best.Count > 0)
            {
                // Guard 0.3: quick runs read 0.95–1.3, and 0.4 with the machine's load at 25 (docs/BENCHMARKS.md).
                bench.Report.Add(new Row(id, $"32 concurrent single appends: {timeline.Name} ÷ Marten's best (with or without No Reset On Close, per repetition)", "events/s", Goal.AtLeast, 1.5, Pairs(rates[timeline], best), Guard: 0.3));
            }

            if (sides.MinimalPostgres is { } minimal)
            {
                bench.Report.Add(new Row(id, $"32 concurrent single appends: {timeline.Name} ÷ {minimal.Name} (32 connections, one INSERT each)", "events/s", Goal.Info, 0, Pairs(rates[timeline], rates[minimal])));
            }
        }

        if (sides.TimelinePostgres is { } onPostgres && oneCommitPerEvent.Count > 0)
        {
            bench.Report.Add(new Row("S2-pg", "32 concurrent single-event appenders on PostgreSQL ÷ one commit per event (raw Npgsql, the service's own SQL)", "events/s", Goal.AtLeast, 3, Pairs(rates[onPostgres], oneCommitPerEvent)));
        }
    }

    /// <summary>Events/s of <see cref="PeerSide.Callers"/> callers appending one event each, again and again, for <paramref name="window"/>.</summary>
    private static async Task<double> AppendConcurrentlyAsync(PeerSide side, TimeSpan window, Func<long> next)
    {
        var watch = Stopwatch.StartNew();
        var done = 0L;
        var callers = Enumerable.Range(0, side.Callers).Select(_ => Task.Run(async () =>
        {
            while (watch.Elapsed < window)
            {
                await side.AppendOneAsync(EventGenerator.Create("p2-", next()));
                Interlocked.Increment(ref done);
            }
        }));
        await Task.WhenAll(callers);
        return done / watch.Elapsed.TotalSeconds;
    }

    private static List<NewEvent[]> Batches(string prefix, long first, int count) =>
        [.. Dataset.Batches(prefix, first, count, BatchSize).Select(b => b.Events.ToArray())];

    /// <summary>The contestants in another order each repetition, so none always runs right after a particular other.</summary>
    private static IEnumerable<PeerSide> Rotated(List<PeerSide> sides, int rep) => sides.Skip(rep % sides.Count).Concat(sides.Take(rep % sides.Count));

    private static List<Pair> Pairs(List<double> values, List<double> baselines) => [.. values.Zip(baselines, (v, b) => new Pair(v, b))];

    private sealed class Contestants : IAsyncDisposable
    {
        public TimelineSide? TimelineSqlite { get; set; }

        public TimelineSide? TimelinePostgres { get; set; }

        public string? TimelinePostgresDatabase { get; set; }

        public MinimalSqliteSide? MinimalSqlite { get; set; }

        public MinimalPostgresSide? MinimalPostgres { get; set; }

        public MartenSide? MartenPerEvent { get; set; }

        public MartenSide? MartenPerBatch { get; set; }

        public MartenSide? MartenNoReset { get; set; }

        public MartenSide? MartenStartStream { get; set; }

        public MartenRowsCopySide? MartenRows { get; set; }

        public RawPostgresLog? RawPostgres { get; set; }

        public async ValueTask DisposeAsync()
        {
            foreach (var side in new PeerSide?[] { TimelineSqlite, TimelinePostgres, MinimalSqlite, MinimalPostgres, MartenPerEvent, MartenPerBatch, MartenNoReset, MartenStartStream, MartenRows })
            {
                if (side is not null)
                {
                    await side.DisposeAsync();
                }
            }

            if (RawPostgres is not null)
            {
                await RawPostgres.DisposeAsync();
            }
        }
    }
}
