using System.Text;
using Timeline.Cli.Output;

namespace Timeline.Cli.Export;

/// <summary>A Markdown table of the chronology, then one of the deadlines, for pasting into a report or an issue.</summary>
internal static class MarkdownExport
{
    public static void Write(ExportData data, TextWriter writer)
    {
        writer.WriteLine($"# {Cell(data.Title)}");
        writer.WriteLine();
        writer.WriteLine("| | When | Earliest | Latest | What happened | Kind | Deadline | Tags |");
        writer.WriteLine("|---|---|---|---|---|---|---|---|");
        foreach (var entry in data.Entries)
        {
            var e = entry.Event;
            var deadline = e.Deadline is { } d ? $"{Render.Effect(d.Effect)} `{d.DeadlineId}`" : "";
            writer.WriteLine(
                $"| {(entry.OrderUncertain ? Render.UncertainMarker : "")} | {Cell(entry.DisplayDate.Length > 0 ? entry.DisplayDate : Render.Date(e.Occurred))} " +
                $"| {e.Occurred?.Earliest} | {e.Occurred?.Latest} | {Cell(e.Title)} | {Cell(e.Kind)} | {deadline} | {Cell(string.Join(", ", e.Tags))} |");
        }

        if (data.Entries.Any(e => e.OrderUncertain))
        {
            writer.WriteLine();
            writer.WriteLine(Cell(Render.UncertainLegend));
        }

        if (data.Deadlines.Count > 0)
        {
            writer.WriteLine();
            writer.WriteLine($"## Deadlines as of {data.AsOf}");
            writer.WriteLine();
            writer.WriteLine("| Deadline | Status | Due | Days left | Why |");
            writer.WriteLine("|---|---|---|---|---|");
            foreach (var s in data.Deadlines)
            {
                var title = s.Title.Length > 0 ? $"{Cell(s.Title)} (`{s.DeadlineId}`)" : $"`{s.DeadlineId}`";
                var why = s.Reasons.Count > 0 ? Cell(Render.Reason(s.Reasons[0])) : "";
                writer.WriteLine($"| {title} | **{Render.State(s.State)}** | {Render.Due(s.Due)} | {Cell(Render.DaysRemaining(s))} | {why} |");
            }
        }
    }

    /// <summary>Text made safe for one table cell: pipes escaped, line breaks as spaces.</summary>
    public static string Cell(string text)
    {
        var cell = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            _ = c switch
            {
                '|' => cell.Append("\\|"),
                '\r' => cell,
                '\n' => cell.Append(' '),
                _ => cell.Append(c),
            };
        }

        return cell.ToString();
    }
}
