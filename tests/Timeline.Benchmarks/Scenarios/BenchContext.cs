using Timeline.Benchmarks.Infrastructure;

namespace Timeline.Benchmarks.Scenarios;

/// <summary>Sizes and repetitions of one run: <c>--quick</c> shrinks them to finish in under three minutes.</summary>
internal sealed record BenchOptions(bool Quick, bool Check, IReadOnlySet<string>? Only = null, string Backend = "both")
{
    /// <summary>Whether Timeline runs on SQLite in this run (<c>--backend sqlite|both</c>).</summary>
    public bool OnSqlite => Backend is "sqlite" or "both";

    /// <summary>Whether Timeline runs on PostgreSQL (<c>--backend postgres|both</c>; Marten runs beside it on the same server).</summary>
    public bool OnPostgres => Backend is "postgres" or "both";

    /// <summary>The peer scenarios (P1–P3): events a side appends per repetition, in batches of 1,000.</summary>
    public int PeerBatchEvents => Quick ? 3_000 : 20_000;

    /// <summary>Fewer repetitions of the peer scenarios in quick runs: six contestants each, on a server.</summary>
    public int PeerReps => Quick ? 5 : 7;

    /// <summary>Unmeasured batches into each contestant before P1's first repetition (JIT, Marten's generated code, pools): the same count for all.</summary>
    public int PeerWarmUpEvents => Quick ? 8_000 : 40_000;

    /// <summary>Unmeasured load on each contestant before P2's first repetition.</summary>
    public TimeSpan PeerWarmUp => TimeSpan.FromSeconds(Quick ? 3 : 8);

    /// <summary>How long one contestant appends in one repetition of the concurrent scenario.</summary>
    public TimeSpan PeerWindow => TimeSpan.FromSeconds(Quick ? 1 : 3);

    /// <summary><c>--only S2,S9</c> (for profiling one scenario): whether a scenario runs; the dataset ones run together.</summary>
    public bool Runs(params string[] scenarios) => Only is null || scenarios.Any(Only.Contains);

    /// <summary>The big dataset: 50k quick, 1M full, or <c>--events N</c> (e.g. 10M, derived raw past the append budget).</summary>
    public int BigEvents => Events ?? (Quick ? 50_000 : 1_000_000);

    /// <summary><c>--events N</c>: the size of the big dataset, when not the mode's default.</summary>
    public int? Events { get; init; }

    /// <summary>G1: events appended to each log per repetition, in batches of 1,000.</summary>
    public int GrowthEvents => Quick ? 3_000 : 20_000;

    public int SmallEvents => 1_000;

    /// <summary>S1: the big dataset is appended in chunks; each chunk after the first is one repetition.</summary>
    public int ChunkEvents => Quick ? 2_500 : 50_000;

    /// <summary>Seven in both modes: the CI guard judges the best repetition, and S4 sits near its guard in quick runs.</summary>
    public int Reps => 7;

    public int PagesPerRep => Quick ? 40 : 150;

    /// <summary>S5's deep page; the quick dataset has fewer pages, so the deepest one it has.</summary>
    public int DeepPage => Quick ? 40 : 1_000;

    /// <summary>How long one side of a read repetition should take; page counts adapt to it.</summary>
    public double SecondsPerSide => Quick ? 0.6 : 1.5;

    /// <summary>The share of the run the service may spend appending the big dataset; the rest is derived (see Dataset.LoadDerivedAsync).</summary>
    public TimeSpan AppendBudget => TimeSpan.FromSeconds(Quick ? 25 : 120);

    public TimeSpan WriteWindow => TimeSpan.FromSeconds(Quick ? 1.5 : 3);

    /// <summary>Load on a freshly started service before measuring it, so the JIT has settled.</summary>
    public TimeSpan WarmUp => TimeSpan.FromSeconds(10);

    /// <summary>
    /// S1's warm-up, appending the dataset's first events: its load is heavy enough to settle the
    /// JIT sooner, and a longer one would use up the quick dataset before any repetition.
    /// </summary>
    public TimeSpan AppendWarmUp => TimeSpan.FromSeconds(Quick ? 4 : 6);

    public int Deadlines => 10_000;

    public int Watchers => 1_000;

    public int LatencySamplesPerRep => Quick ? 20 : 40;

    public string Label(int events) => events >= 1_000_000 ? $"{events / 1_000_000}M" : $"{events / 1_000}k";
}

internal sealed class BenchContext(BenchOptions options, string directory, string template, Report report)
{
    public BenchOptions Options { get; } = options;

    public string Directory { get; } = directory;

    public string Template { get; } = template;

    public Report Report { get; } = report;

    public static void Phase(string text) => Console.WriteLine($"[{DateTime.Now:HH:mm:ss}] {text}");

    /// <summary>
    /// Repeats <paramref name="work"/>, unmeasured, for <see cref="BenchOptions.WarmUp"/>: a freshly
    /// started service spends its first seconds in the JIT (perf showed libclrjit at 36% of the
    /// storage process's samples during the quick run's S1), which is not what a scenario measures.
    /// </summary>
    public async Task WarmAsync(Func<Task> work)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        do
        {
            await work();
        }
        while (watch.Elapsed < Options.WarmUp);
    }
}
