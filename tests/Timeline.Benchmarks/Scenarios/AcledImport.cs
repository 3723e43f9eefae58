using System.Diagnostics;
using System.Globalization;
using System.Text;
using Google.Protobuf;
using Timeline.Benchmarks.Data;
using Timeline.Benchmarks.Infrastructure;
using Timeline.Benchmarks.Raw;
using Timeline.Domain.Dates;
using Timeline.V1;

namespace Timeline.Benchmarks.Scenarios;

/// <summary>
/// S9: the ACLED API export (4,318 events) imported with <c>timeline import FILE --format acled</c>
/// into the storage service, the whole process timed, against the same rows inserted raw.
/// ACLED's terms allow the file as test input only: each import reads a copy under other ids in
/// the run's temp folder, deleted after it. All imports go to one running service (untimed ones
/// first, for a warm-up time), so the timed ones measure an import, not a service still compiling
/// its code; the raw twin receives the same rows each time, so both files grow alike.
/// The CLI timed is the ReadyToRun publish for this machine
/// (<c>dotnet publish clients/Timeline.Cli -c Release -r RID</c>: Directory.Build.props compiles it
/// ahead of time whenever a runtime is named), published into the run's folder first; the JIT
/// build (<c>bin/Release</c>, what the portable tool package and <c>dotnet run</c> execute)
/// imports beside it in every repetition, in alternating order, for the note that compares them.
/// </summary>
internal static class AcledImport
{
    public static async Task RunAsync(BenchContext bench)
    {
        var csv = Path.GetFullPath(Path.Combine(ServiceProcess.RepoRoot(), "..", "shared", "data", "acled-mali-api-2020", "Processed_Acled_Mali_2020-11.csv"));
        var cli = Path.Combine(ServiceProcess.RepoRoot(), "clients", "Timeline.Cli", "bin", "Release", "net10.0", "timeline.dll");
        const string What = "ACLED import of the 4,318-event file through the CLI";
        if (!File.Exists(csv))
        {
            bench.Report.NotRun("S9", What, Goal.AtLeast, 0.3, $"{csv} is not there");
            return;
        }

        if (!File.Exists(cli))
        {
            bench.Report.NotRun("S9", What, Goal.AtLeast, 0.3, "the CLI is not built (clients/Timeline.Cli)");
            return;
        }

        var (published, failure) = await PublishReadyToRunAsync(bench.Directory);
        if (published is null)
        {
            bench.Report.NotRun("S9", What, Goal.AtLeast, 0.3, failure!);
            return;
        }

        // Each import is the file under its own ids (a copy in the run's temp folder): into one
        // service, so the timed imports meet a running service, and every row is new to it.
        var text = await File.ReadAllTextAsync(csv);
        var pairs = new List<Pair>();
        var jitSeconds = new List<double>();
        var readyToRunSeconds = new List<double>();
        var reps = bench.Options.Quick ? 3 : 5;
        var copies = 0;
        await using var dataset = await Dataset.CreateAsync(bench.Directory, "s9", bench.Template);

        // One import: the file under new ids, run by one build; its rows go raw into the twin too (untimed), so both files grow alike.
        async Task<(double Seconds, int Rows, double RawSeconds)?> ImportAsync(string dll)
        {
            var copy = Path.Combine(bench.Directory, $"acled-{copies}.csv");
            await File.WriteAllTextAsync(copy, text.Replace(",MLI", $",R{copies++}-MLI", StringComparison.Ordinal));
            var watch = Stopwatch.StartNew();
            var (exit, output) = await RunDotnetAsync([dll, "import", copy, "--format", "acled", "--storage", dataset.Storage.Address.ToString().TrimEnd('/')]);
            var seconds = watch.Elapsed.TotalSeconds;
            File.Delete(copy);
            if (exit != 0)
            {
                bench.Report.NotRun("S9", What, Goal.AtLeast, 0.3, $"timeline import exited with {exit}: {output.Split('\n').FirstOrDefault(l => l.Length > 0)}");
                return null;
            }

            var rows = dataset.TakeNewRows();
            if (rows.Count == 0)
            {
                bench.Report.NotRun("S9", What, Goal.AtLeast, 0.3, "the import stored nothing");
                return null;
            }

            return (seconds, rows.Count, dataset.InsertRaw(rows));
        }

        // Untimed imports until the service has run for the warm-up (it is still compiling its
        // append path after a few: perf put 45% of its samples in the JIT and the runtime during
        // imports 5-10 of a fresh service), as every scenario loads the service it measures first.
        var warming = Stopwatch.StartNew();
        var warmUps = 0;
        while (warmUps < 2 || warming.Elapsed < WarmUp(bench))
        {
            if (await ImportAsync(warmUps++ % 2 == 0 ? published : cli) is null)
            {
                return;
            }
        }

        for (var rep = 0; rep < reps; rep++)
        {
            // Both builds each repetition, the order alternating; the ReadyToRun one is S9's.
            foreach (var readyToRun in rep % 2 == 0 ? new[] { true, false } : [false, true])
            {
                if (await ImportAsync(readyToRun ? published : cli) is not { } import)
                {
                    return;
                }

                (readyToRun ? readyToRunSeconds : jitSeconds).Add(import.Seconds);
                if (readyToRun)
                {
                    pairs.Add(new Pair(import.Rows / import.Seconds, import.Rows / import.RawSeconds));
                }
            }
        }

        bench.Report.Note($"S9: {warmUps} untimed imports first ({warming.Elapsed.TotalSeconds:0} s), then {reps} timed of each build, each of the file under its own ids into the same service (and the same rows raw into its twin)");
        bench.Report.Note(string.Create(CultureInfo.InvariantCulture,
            $"S9: one import takes {Stats.Median(readyToRunSeconds):0.00} s with the ReadyToRun publish (timed) and {Stats.Median(jitSeconds):0.00} s with the JIT build (bin/Release, as the portable tool package runs), medians of the same repetitions"));
        bench.Report.Add(new Row("S9", What + " (whole `timeline import --format acled` process of the ReadyToRun publish, default batch size, into a running service)", "events/s", Goal.AtLeast, 0.3, pairs));
    }

    private static TimeSpan WarmUp(BenchContext bench) => TimeSpan.FromSeconds(bench.Options.Quick ? 8 : 15);

    /// <summary>
    /// <c>dotnet publish</c> of the CLI for this machine's runtime identifier into the run's
    /// folder: the project makes that a ReadyToRun build. Returns its <c>timeline.dll</c>, or why not.
    /// </summary>
    private static async Task<(string? Dll, string? Failure)> PublishReadyToRunAsync(string directory)
    {
        var output = Path.Combine(directory, "cli-r2r");
        var runtime = System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier;
        BenchContext.Phase($"S9: dotnet publish of the CLI, ReadyToRun for {runtime}");
        var (exit, log) = await RunDotnetAsync(
            ["publish", Path.Combine(ServiceProcess.RepoRoot(), "clients", "Timeline.Cli"), "-c", "Release", "-r", runtime, "--self-contained", "false", "-o", output, "-nologo"]);
        var dll = Path.Combine(output, "timeline.dll");
        if (exit != 0 || !File.Exists(dll))
        {
            var error = log.Split('\n').FirstOrDefault(l => l.Contains("error", StringComparison.OrdinalIgnoreCase)) ?? $"exit code {exit}";
            return (null, "the CLI's ReadyToRun publish failed: " + error.Trim());
        }

        return (dll, null);
    }

    /// <summary>Runs <c>dotnet</c> with the arguments; returns its exit code and what it wrote (standard error first).</summary>
    private static async Task<(int Exit, string Output)> RunDotnetAsync(IEnumerable<string> args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stderr + await stdout);
    }
}
