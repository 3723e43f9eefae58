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
/// <remarks>
/// <paramref name="Guard"/> is the CI guard's own floor (ceiling for "≤"), for a target the code
/// does not meet yet: half of such a target would fail every run, so the guard sits at about half
/// of what the code measures today (docs/BENCHMARKS.md says which rows have one and why).
/// </remarks>
internal sealed record Row(string Id, string Scenario, string Unit, Goal Goal, double Target, IReadOnlyList<Pair> Pairs, string? NotRun = null, string? Note = null, double? Guard = null)
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

    /// <summary>What the CI guard compares the best repetition with: half the target (twice it for "≤"), unless the row sets its own.</summary>
    public double GuardValue => Guard ?? (Goal == Goal.AtLeast ? Target / 2 : Target * 2);

    /// <summary>The CI guard: a collapse, not a slow run: even the best repetition below the guard (above it for "≤").</summary>
    public bool Collapsed => Goal switch
    {
        Goal.AtLeast => BestRatio < GuardValue,
        Goal.AtMost => BestRatio > GuardValue,
        _ => false,
    };

    /// <summary>The verdict on the target (the median ratio), as the table and the summary print it.</summary>
    public string Verdict => Goal == Goal.Info ? "for orientation" : Meets ? "PASS" : "FAIL";

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
            ? $"{Number(Stats.Median(row.Pairs.Select(p => p.Value)))} vs {Number(Stats.Median(row.Pairs.Select(p => p.Baseline)))} {row.Unit}, ratio {Number(row.MedianRatio)} ({row.TargetText}) {row.Verdict}"
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
                $"| {row.Id} {row.Scenario} | {value} {row.Unit} | {baseline} {row.Unit} | {Number(row.MedianRatio)} ({Number(ratios.Min())}–{Number(ratios.Max())}), n={ratios.Count} | {row.TargetText} | {(row.Verdict == "FAIL" ? "**FAIL**" : row.Verdict)}{(row.Note is null ? "" : "; " + row.Note)} |");
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

    /// <summary>Each target of the run, one line each: PASS or FAIL on the median ratio, and how many passed.</summary>
    public string Targets()
    {
        var text = new StringBuilder();
        var judged = rows.Where(r => r.Measured && r.Goal != Goal.Info).ToList();
        foreach (var row in judged)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"target {row.Id}: {row.Verdict}: median {Number(row.MedianRatio)} {row.TargetText}: {row.Scenario}");
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"targets: {judged.Count(r => r.Meets)} PASS, {judged.Count(r => !r.Meets)} FAIL, {rows.Count(r => !r.Measured)} not run");
        return text.ToString();
    }

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

            var guard = (row.Goal == Goal.AtLeast ? "≥ " : "≤ ") + Number(row.GuardValue) + (row.Guard is null ? "" : " (the row's own guard: target not met yet)");
            var verdict = row.Collapsed ? "COLLAPSED" : "ok";
            ok &= !row.Collapsed;
            output.WriteLine($"check {row.Id}: {verdict}: best repetition {Number(row.BestRatio)} (median {Number(row.MedianRatio)}), guard {guard} (target {row.TargetText})");
        }

        return ok;
    }
}
