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
/// S9: the ACLED API export (4,318 events) imported with <c>timeline import</c> into a fresh
/// storage service, against the same rows inserted raw. The CLI reads NDJSON, not ACLED's CSV, so
/// the benchmark converts the CSV first (untimed, into its temporary folder: ACLED's terms allow
/// the file as test input only, so nothing of it is kept).
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

        var ndjson = Path.Combine(bench.Directory, "acled.ndjson");
        var events = Convert(csv, ndjson);
        var pairs = new List<Pair>();
        var reps = bench.Options.Quick ? 2 : 5;
        for (var rep = 0; rep <= reps; rep++)
        {
            await using var dataset = await Dataset.CreateAsync(bench.Directory, $"s9-{rep}", bench.Template);
            var watch = Stopwatch.StartNew();
            var (exit, output) = await RunCliAsync(cli, ["import", ndjson, "--storage", dataset.Storage.Address.ToString().TrimEnd('/')]);
            var seconds = watch.Elapsed.TotalSeconds;
            if (exit != 0)
            {
                bench.Report.NotRun("S9", What, Goal.AtLeast, 0.3, $"timeline import exited with {exit}: {output.Split('\n').FirstOrDefault(l => l.Length > 0)}");
                return;
            }

            var rows = dataset.TakeNewRows();
            if (rows.Count != events)
            {
                bench.Report.NotRun("S9", What, Goal.AtLeast, 0.3, $"the import stored {rows.Count} of {events} events");
                return;
            }

            var raw = dataset.InsertRaw(rows);
            if (rep > 0)
            {
                pairs.Add(new Pair(events / seconds, events / raw));
            }
        }

        bench.Report.Add(new Row("S9", What + " (whole `timeline import` process, default batches of 500)", "events/s", Goal.AtLeast, 0.3, pairs));
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

    /// <summary>ACLED rows as NewEvents in the protobuf JSON mapping, one a line; returns how many.</summary>
    private static int Convert(string csv, string ndjson)
    {
        var lines = ReadCsv(File.ReadAllText(csv)).ToList();
        var header = lines[0];
        int Col(string name) => Array.IndexOf(header, name);
        var (id, date, precision, type, sub, actor1, assoc1, actor2, assoc2, admin1, admin2, location, lat, lon, source, notes, fatalities, iso3) = (
            Col("event_id_cnty"), Col("event_date"), Col("time_precision"), Col("event_type"), Col("sub_event_type"), Col("actor1"), Col("assoc_actor_1"),
            Col("actor2"), Col("assoc_actor_2"), Col("admin1"), Col("admin2"), Col("location"), Col("latitude"), Col("longitude"), Col("source"),
            Col("notes"), Col("fatalities"), Col("iso3"));
        using var writer = new StreamWriter(ndjson, false, new UTF8Encoding(false));
        var count = 0;
        foreach (var row in lines.Skip(1).Where(r => r.Length == header.Length))
        {
            var occurred = AcledDates.FromTimePrecision(DateOnly.ParseExact(row[date], "yyyy-MM-dd", CultureInfo.InvariantCulture), int.Parse(row[precision], CultureInfo.InvariantCulture));
            var e = new NewEvent
            {
                EventId = row[id],
                Occurred = new Timeline.V1.FuzzyDate { Edtf = occurred.ToProto().Edtf },
                Title = Cut($"{row[type]}: {row[sub]} in {row[location]}", 500),
                Summary = Cut(row[notes], 10_000),
                Kind = row[type],
                Location = new Location
                {
                    Name = Cut(row[location], 200),
                    Admin1 = Cut(row[admin1], 200),
                    Admin2 = Cut(row[admin2], 200),
                    Country = row[iso3],
                    Latitude = double.Parse(row[lat], CultureInfo.InvariantCulture),
                    Longitude = double.Parse(row[lon], CultureInfo.InvariantCulture),
                },
                Source = new Source { Name = Cut(row[source], 200) },
                Tags = { "acled", "mali" },
                Attributes = { ["fatalities"] = row[fatalities], ["sub_event_type"] = row[sub] },
            };
            foreach (var actor in new[] { row[actor1], row[actor2] }.Concat(row[assoc1].Split("; ")).Concat(row[assoc2].Split("; ")))
            {
                if (actor.Length > 0 && !e.Actors.Contains(Cut(actor, 200)))
                {
                    e.Actors.Add(Cut(actor, 200));
                }
            }

            writer.WriteLine(JsonFormatter.Default.Format(e));
            count++;
        }

        return count;
    }

    private static string Cut(string text, int max) => text.Length <= max ? text : text[..max];

    /// <summary>RFC 4180 records: quoted fields may hold commas, quotes ("") and line breaks.</summary>
    private static IEnumerable<string[]> ReadCsv(string text)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else if (c == '\n')
            {
                fields.Add(field.ToString().TrimEnd('\r'));
                field.Clear();
                yield return [.. fields];
                fields.Clear();
            }
            else
            {
                field.Append(c);
            }
        }

        if (field.Length > 0 || fields.Count > 0)
        {
            fields.Add(field.ToString());
            yield return [.. fields];
        }
    }
}
