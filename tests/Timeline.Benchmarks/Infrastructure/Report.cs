using System.Globalization;
using System.Text;

namespace Timeline.Benchmarks.Infrastructure;

/// <summary>How a ratio is judged: at least (higher is better) or at most (lower is better).</summary>
internal enum Goal
{
    AtLeast,
    AtMost,

    /// <summary>Shown for orientation (e.g. Timeline against an engine's limit where the issue sets no target): never a miss, never a collapse.</summary>
    Info,
}

/// <summary>One line of the table: measured pairs, or a reason it was not run.</summary>
internal sealed record Row(string Id, string Scenario, string Unit, Goal Goal, double Target, IReadOnlyList<Pair> Pairs, string? NotRun = null, string? Note = null)
{
    public double MedianRatio => Stats.Median(Pairs.Select(p => p.Ratio));

    public bool Measured => NotRun is null && Pairs.Count > 0;

    public bool Meets => Goal switch
    {
        Goal.AtLeast => MedianRatio >= Target,
        Goal.AtMost => MedianRatio <= Target,
        _ => true,
    };

    /// <summary>
    /// The repetition that did best. The CI guard judges it: a collapse (a regression in the code)
    /// spoils every repetition, while a burst of other work on this shared machine spoils some;
    /// the median would turn that noise into a red build where the ratio sits near the guard (S2).
    /// </summary>
    public double BestRatio => Goal == Goal.AtLeast ? Pairs.Max(p => p.Ratio) : Pairs.Min(p => p.Ratio);

    /// <summary>The CI guard: a collapse, not a slow run: even the best repetition below half the target, or above twice it.</summary>
    public bool Collapsed => Goal switch
    {
        Goal.AtLeast => BestRatio < Target / 2,
        Goal.AtMost => BestRatio > Target * 2,
        _ => false,
    };

    public string TargetText => Goal switch
    {
        Goal.AtLeast => "≥ " + Report.Number(Target),
        Goal.AtMost => "≤ " + Report.Number(Target),
        _ => "(none)",
    };
}

internal sealed class Report
{
    private readonly List<Row> rows = [];
    private readonly List<string> notes = [];

    public IReadOnlyList<Row> Rows => rows;

    public void Add(Row row)
    {
        rows.Add(row);
        Console.WriteLine($"  {row.Id}: " + (row.Measured
            ? $"{Number(Stats.Median(row.Pairs.Select(p => p.Value)))} vs {Number(Stats.Median(row.Pairs.Select(p => p.Baseline)))} {row.Unit}, ratio {Number(row.MedianRatio)} ({row.TargetText}) {(row.Meets ? "meets" : "MISSES")}"
            : "not run: " + row.NotRun));
    }

    public void NotRun(string id, string scenario, Goal goal, double target, string reason) =>
        Add(new Row(id, scenario, "", goal, target, [], reason));

    public void Note(string text)
    {
        notes.Add(text);
        Console.WriteLine("  note: " + text);
    }

    public static string Number(double value) => value switch
    {
        double.NaN => "n/a",
        >= 100 => value.ToString("N0", CultureInfo.InvariantCulture),
        >= 10 => value.ToString("0.0", CultureInfo.InvariantCulture),
        _ => value.ToString("0.00", CultureInfo.InvariantCulture),
    };

    /// <summary>The results as a Markdown table, so a run can be pasted into docs/BENCHMARKS.md as it is.</summary>
    public string Table()
    {
        var text = new StringBuilder();
        text.AppendLine("| scenario | value | baseline | ratio: median (min–max), n | target | verdict |");
        text.AppendLine("|---|---:|---:|---|---|---|");
        foreach (var row in rows)
        {
            if (!row.Measured)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"| {row.Id} {row.Scenario} | | | | {row.TargetText} | not run: {row.NotRun} |");
                continue;
            }

            var ratios = row.Pairs.Select(p => p.Ratio).ToList();
            var value = Number(Stats.Median(row.Pairs.Select(p => p.Value)));
            var baseline = Number(Stats.Median(row.Pairs.Select(p => p.Baseline)));
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {row.Id} {row.Scenario} | {value} {row.Unit} | {baseline} {row.Unit} | {Number(row.MedianRatio)} ({Number(ratios.Min())}–{Number(ratios.Max())}), n={ratios.Count} | {row.TargetText} | {Verdict(row)}{(row.Note is null ? "" : "; " + row.Note)} |");
        }

        if (notes.Count > 0)
        {
            text.AppendLine();
            foreach (var note in notes)
            {
                text.AppendLine("- " + note);
            }
        }

        return text.ToString();
    }

    private static string Verdict(Row row) => row.Goal == Goal.Info ? "for orientation" : row.Meets ? "meets" : "**misses**";

    /// <summary>One line per scenario; false when any ratio collapsed (beyond half or twice its target).</summary>
    public bool Check(TextWriter output)
    {
        var ok = true;
        foreach (var row in rows)
        {
            if (!row.Measured)
            {
                output.WriteLine($"check {row.Id}: skip (not run: {row.NotRun})");
                continue;
            }

            if (row.Goal == Goal.Info)
            {
                continue;
            }

            var guard = row.Goal == Goal.AtLeast ? "≥ " + Number(row.Target / 2) : "≤ " + Number(row.Target * 2);
            var verdict = row.Collapsed ? "FAIL" : "ok";
            ok &= !row.Collapsed;
            output.WriteLine($"check {row.Id}: {verdict}: best repetition {Number(row.BestRatio)} (median {Number(row.MedianRatio)}), guard {guard} (target {row.TargetText})");
        }

        return ok;
    }
}
