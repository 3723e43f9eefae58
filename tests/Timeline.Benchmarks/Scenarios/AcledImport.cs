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
/// the run's temp folder, deleted after it. All imports go to one running service (two untimed
/// first), so the timed ones measure an import, not a service still compiling its code; the raw
/// twin receives the same rows each time, so both files grow alike.
/// </summary>
internal static class AcledImport
{
    /// <summary>Imports before the timed ones: the service's code is compiled and tiered up by then.</summary>
    private const int WarmUps = 2;

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

        // Each import is the file under its own ids (a copy in the run's temp folder): into one
        // service, so the timed imports meet a running service, and every row is new to it.
        var text = await File.ReadAllTextAsync(csv);
        var pairs = new List<Pair>();
        var reps = bench.Options.Quick ? 3 : 5;
        await using var dataset = await Dataset.CreateAsync(bench.Directory, "s9", bench.Template);
        for (var rep = -WarmUps; rep < reps; rep++)
        {
            var copy = Path.Combine(bench.Directory, $"acled-{rep + WarmUps}.csv");
            await File.WriteAllTextAsync(copy, text.Replace(",MLI", $",R{rep + WarmUps}-MLI", StringComparison.Ordinal));
            var watch = Stopwatch.StartNew();
            var (exit, output) = await RunCliAsync(cli, ["import", copy, "--format", "acled", "--storage", dataset.Storage.Address.ToString().TrimEnd('/')]);
            var seconds = watch.Elapsed.TotalSeconds;
            File.Delete(copy);
            if (exit != 0)
            {
                bench.Report.NotRun("S9", What, Goal.AtLeast, 0.3, $"timeline import exited with {exit}: {output.Split('\n').FirstOrDefault(l => l.Length > 0)}");
                return;
            }

            var rows = dataset.TakeNewRows();
            if (rows.Count == 0)
            {
                bench.Report.NotRun("S9", What, Goal.AtLeast, 0.3, "the import stored nothing");
                return;
            }

            var raw = dataset.InsertRaw(rows);
            if (rep >= 0)
            {
                pairs.Add(new Pair(rows.Count / seconds, rows.Count / raw));
            }
        }

        bench.Report.Note($"S9: {WarmUps} untimed imports first, then {reps} timed, each of the file under its own ids into the same service (and the same rows raw into its twin)");
        bench.Report.Add(new Row("S9", What + " (whole `timeline import --format acled` process, default batch size, into a running service)", "events/s", Goal.AtLeast, 0.3, pairs));
    }

    private static async Task<(int Exit, string Output)> RunCliAsync(string dll, IEnumerable<string> args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(dll);
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
