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
/// into a fresh storage service, the whole process timed, against the same rows inserted raw.
/// The file is read where it lies (ACLED's terms allow it as test input only). Each fresh service
/// is first warmed, untimed, by importing the same file under other ids (a copy in the run's temp
/// folder, deleted with it), so the timed import meets a running service, not one still compiling
/// its code; the warm-up's rows go into the raw file too, so both start from the same rows.
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

        var warmUp = Path.Combine(bench.Directory, "acled-warm-up.csv");
        await File.WriteAllTextAsync(warmUp, (await File.ReadAllTextAsync(csv)).Replace(",MLI", ",WARMUP-MLI", StringComparison.Ordinal));
        var pairs = new List<Pair>();
        var reps = bench.Options.Quick ? 2 : 5;
        for (var rep = 0; rep <= reps; rep++)
        {
            await using var dataset = await Dataset.CreateAsync(bench.Directory, $"s9-{rep}", bench.Template);
            var (warmExit, warmOutput) = await RunCliAsync(cli, ["import", warmUp, "--format", "acled", "--storage", dataset.Storage.Address.ToString().TrimEnd('/')]);
            if (warmExit != 0)
            {
                bench.Report.NotRun("S9", What, Goal.AtLeast, 0.3, $"the warm-up import exited with {warmExit}: {warmOutput.Split('\n').FirstOrDefault(l => l.Length > 0)}");
                return;
            }

            dataset.InsertRaw(dataset.TakeNewRows());
            var watch = Stopwatch.StartNew();
            var (exit, output) = await RunCliAsync(cli, ["import", csv, "--format", "acled", "--storage", dataset.Storage.Address.ToString().TrimEnd('/')]);
            var seconds = watch.Elapsed.TotalSeconds;
            if (exit != 0)
            {
                bench.Report.NotRun("S9", What, Goal.AtLeast, 0.3, $"timeline import exited with {exit}: {output.Split('\n').FirstOrDefault(l => l.Length > 0)}");
                return;
            }

            var rows = dataset.TakeNewRows();
            var events = rows.Count;
            if (events == 0)
            {
                bench.Report.NotRun("S9", What, Goal.AtLeast, 0.3, "the import stored nothing");
                return;
            }

            var raw = dataset.InsertRaw(rows);
            if (rep > 0)
            {
                pairs.Add(new Pair(events / seconds, events / raw));
            }
        }

        bench.Report.Add(new Row("S9", What + " (whole `timeline import --format acled` process, default batch size, into a warmed service)", "events/s", Goal.AtLeast, 0.3, pairs));
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
