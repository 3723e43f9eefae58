using System.Diagnostics;
using Timeline.Benchmarks.Bare;
using Timeline.Benchmarks.Data;
using Timeline.Benchmarks.Infrastructure;
using Timeline.Benchmarks.Raw;
using Timeline.Benchmarks.Scenarios;

// dotnet run -c Release --project tests/Timeline.Benchmarks -- [--quick] [--check] [--only S2,S9,EXTRACT] [--backend sqlite|postgres|both] [--events 10M]
if (args.Contains(BareServer.Flag))
{
    await BareServer.RunAsync(args);
    return 0;
}

// docs/BENCHMARKS.md, "Soak": --soak 30m (opt-in, not CI): both services under steady load, RSS slope and read p99 drift.
if (Array.IndexOf(args, Timeline.Benchmarks.Scenarios.Soak.Flag) is var soak and >= 0)
{
    if (soak + 1 >= args.Length || Timeline.Benchmarks.Scenarios.Soak.ParseDuration(args[soak + 1]) is not { } soakFor)
    {
        Console.Error.WriteLine("--soak: a duration, e.g. 15m, 900s or 1h");
        return 2;
    }

    var soakDirectory = Path.Combine(Path.GetTempPath(), $"timeline-soak-{Environment.ProcessId}");
    Directory.CreateDirectory(soakDirectory);
    try
    {
        return await Timeline.Benchmarks.Scenarios.Soak.RunAsync(soakFor, soakDirectory);
    }
    finally
    {
        Directory.Delete(soakDirectory, recursive: true);
    }
}

// docs/SCALING.md: --scale "Host=…;Username=…;Database=postgres" --postmaster-pid PID (a server of your own; see the doc)
if (Array.IndexOf(args, "--scale") is var scale and >= 0 && scale + 1 < args.Length)
{
    var postmaster = Array.IndexOf(args, "--postmaster-pid") is var p and >= 0 && p + 1 < args.Length ? int.Parse(args[p + 1], System.Globalization.CultureInfo.InvariantCulture) : 0;
    return await ScaleScenarios.RunAsync(args[scale + 1], postmaster, args.Contains("--quick"));
}

var only = Array.IndexOf(args, "--only") is var at and >= 0 && at + 1 < args.Length
    ? args[at + 1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.OrdinalIgnoreCase)
    : null;
var backend = Array.IndexOf(args, "--backend") is var b and >= 0 && b + 1 < args.Length
    ? args[b + 1].ToLowerInvariant()
    : Timeline.Tests.Shared.PostgresCluster.FindBinaries() is null ? "sqlite" : "both";
if (backend is not ("sqlite" or "postgres" or "both"))
{
    Console.Error.WriteLine($"--backend: sqlite, postgres or both, not '{backend}'");
    return 2;
}

var events = Array.IndexOf(args, "--events") is var ev and >= 0 && ev + 1 < args.Length ? ParseCount(args[ev + 1]) : null;
if (Array.IndexOf(args, "--events") >= 0 && events is null)
{
    Console.Error.WriteLine("--events: a count of at least 10k, e.g. 1M, 10M or 250000");
    return 2;
}

var options = new BenchOptions(Quick: args.Contains("--quick"), Check: args.Contains("--check"), only, backend) { Events = events };
var total = Stopwatch.StartNew();
var directory = Path.Combine(Path.GetTempPath(), $"timeline-bench-{Environment.ProcessId}");
Directory.CreateDirectory(directory);
var report = new Report();
Console.WriteLine(Machine.Describe());
Console.WriteLine($"mode: {(options.Quick ? "quick" : "full")}, {options.Reps} repetitions, backend {options.Backend}, files in {directory}");
try
{
    BenchContext.Phase("schema template: storage service started once on an empty file");
    var template = await SchemaTemplate.CreateAsync(directory);
    var bench = new BenchContext(options, directory, template, report);
    if (options.Runs("S1", "S3", "S4", "S5", "S6", "S7", "S8", "RSS-S", "RSS-T", "G1", CostlyReads.Id))
    {
        await DatasetScenariosAsync(bench, options);
    }

    if (options.Runs("S2"))
    {
        BenchContext.Phase("S2 concurrent appenders");
        await StorageScenarios.ConcurrentAppendersAsync(bench);
    }

    if (options.Runs("P1", "P2", "P3", "S2-pg", PeerScenarios.FairId))
    {
        BenchContext.Phase("P1-P3 Timeline against Marten and the engines' limits");
        await PeerScenarios.RunAsync(bench);
    }

    if (options.Runs("S9"))
    {
        BenchContext.Phase("S9 ACLED import through the CLI");
        await AcledImport.RunAsync(bench);
    }

    if (options.Only?.Contains(PageScenarios.Id) ?? !options.Quick)
    {
        BenchContext.Phase($"{PageScenarios.Id} the page: first view in Chromium, 1,000 page feeds");
        await PageScenarios.RunAsync(bench);
    }

    if (options.Runs(ExtractThroughput.Id))
    {
        BenchContext.Phase($"{ExtractThroughput.Id} timeline extract's rules on a 1,000-word article");
        ExtractThroughput.Run(bench);
    }
}
finally
{
    try
    {
        Directory.Delete(directory, recursive: true);
    }
    catch (IOException)
    {
    }
}

static async Task DatasetScenariosAsync(BenchContext bench, BenchOptions options)
{
    var template = bench.Template;
    var directory = bench.Directory;
    var report = bench.Report;
    await using (var big = await Dataset.CreateAsync(directory, "big", template))
    await using (var small = await Dataset.CreateAsync(directory, "small", template))
    {
        BenchContext.Phase($"S1 while building {options.Label(options.BigEvents)} events through the storage service (and its raw twin)");
        await StorageScenarios.BuildAsync(bench, big, options.BigEvents, options.ChunkEvents, "S1", options.AppendBudget);
        BenchContext.Phase("building 1k events");
        await StorageScenarios.BuildAsync(bench, small, options.SmallEvents, options.SmallEvents, null);

        // C1 (issue 31) in full runs and --only C1 alone: `--only C1` builds the dataset and runs C1 only.
        if (options.Only?.Contains(CostlyReads.Id) ?? !options.Quick)
        {
            BenchContext.Phase($"C1 costly reads at {options.Label(options.BigEvents)} events");
            await CostlyReads.RunAsync(bench, big);
        }

        if (options.Only is { } only && only.All(id => id == CostlyReads.Id))
        {
            return;
        }

        BenchContext.Phase("S3 paging");
        await StorageScenarios.PagingAsync(bench, big);
        BenchContext.Phase("S5 deep page");
        await StorageScenarios.DeepPageAsync(bench, big);
        BenchContext.Phase("S6 scale");
        await StorageScenarios.ScaleAsync(bench, big, small);
        BenchContext.Phase("streaming the whole log");
        await StorageScenarios.StreamAllAsync(bench, big);
        Memory.Add(report, "RSS-S", $"storage peak RSS, paging and streaming {options.Label(options.BigEvents)} events", big.Storage, 200);

        await TimelineAsync(bench, big);

        // Last: it grows the big log, which the scenarios above measure at its stated size.
        BenchContext.Phase($"G1 appending at {options.Label(options.BigEvents)} events and into an empty log");
        await StorageScenarios.GrowthAsync(bench, big);
    }
}

static int? ParseCount(string text)
{
    var multiplier = text.EndsWith('M') || text.EndsWith('m') ? 1_000_000 : text.EndsWith('k') || text.EndsWith('K') ? 1_000 : 1;
    var digits = multiplier == 1 ? text : text[..^1];
    return int.TryParse(digits, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && (long)n * multiplier is >= 10_000 and <= int.MaxValue
        ? n * multiplier
        : null;
}

static async Task TimelineAsync(BenchContext bench, Dataset big)
{
    var report = bench.Report;
    ServiceProcess? timeline = null;
    try
    {
        BenchContext.Phase($"{bench.Options.Deadlines:N0} deadlines; starting the timeline service on the big dataset");
        await TimelineScenarios.AddDeadlinesAsync(bench, big);
        timeline = await TimelineScenarios.StartTimelineAsync(big);
    }
    catch (Exception ex) when (ex is FileNotFoundException or TimeoutException or InvalidOperationException or Grpc.Core.RpcException)
    {
        var reason = ex is FileNotFoundException ? "the timeline service is not built on this branch" : "the timeline service did not start: " + ex.Message.Split('\n')[0];
        report.NotRun("S4", "GetTimeline page of 100 (two hops)", Goal.AtLeast, 0.4, reason);
        report.NotRun("S7", "WatchDeadlines fan-out to 1,000 subscribers", Goal.AtLeast, 0.5, reason);
        report.NotRun("S8", "append → WatchDeadlines update, p50", Goal.AtMost, 2, reason);
        report.NotRun("S8", "append → WatchDeadlines update, p99", Goal.AtMost, 5, reason);
        report.NotRun("RSS-T", "timeline peak RSS, 10k deadlines, 1,000 streams", Goal.AtMost, 1, reason);
        if (timeline is not null)
        {
            await timeline.DisposeAsync();
        }

        return;
    }

    await using (timeline)
    await using (var bare = await ServiceProcess.StartBareAsync())
    {
        BenchContext.Phase("S4 timeline pages");
        await TimelineScenarios.TimelinePagesAsync(bench, big, timeline);
        BenchContext.Phase("S7 fan-out");
        await TimelineScenarios.FanOutAsync(bench, big, timeline, bare);
        BenchContext.Phase("S8 latency");
        await TimelineScenarios.LatencyAsync(bench, big, timeline, bare);
    }
}

Console.WriteLine();
Console.WriteLine($"Timeline benchmarks, {(options.Quick ? "quick" : "full")} run, {total.Elapsed.TotalMinutes:0.0} min; ratio = scenario / baseline, both measured in this run, interleaved");
Console.WriteLine();
Console.WriteLine(report.Table());
Console.WriteLine(report.Targets());
if (options.Check)
{
    return report.Check(Console.Out) ? 0 : 1;
}

return 0;
