using System.Text;
using Timeline.Cli.Output;

namespace Timeline.Cli.Export;

/// <summary>A Markdown table of the chronology, then one of the deadlines, for pasting into a report or an issue.</summary>
internal static class MarkdownExport
{
    public static ExportWritten Write(ExportData data, TextWriter writer)
    {
        writer.WriteLine($"# {Cell(data.Title)}");
        writer.WriteLine();
        writer.WriteLine("| | When | Earliest | Latest | What happened | Kind | Deadline | Tags |");
        writer.WriteLine("|---|---|---|---|---|---|---|---|");
        foreach (var entry in data.Entries)
        {
            var e = entry.Event;
            var deadline = e.Deadline is { } d ? Cell($"{Render.Effect(d.Effect)} {d.DeadlineId}") : "";
            writer.WriteLine(
                $"| {(entry.OrderUncertain ? Cell(Render.UncertainMarker) : "")} | {Cell(entry.DisplayDate.Length > 0 ? entry.DisplayDate : Render.Date(e.Occurred))} " +
                $"| {Cell(Exporter.Bound(e.Occurred?.Earliest) ?? "")} | {Cell(Exporter.Bound(e.Occurred?.Latest) ?? "")} | {Cell(e.Title)} | {Cell(e.Kind)} | {deadline} | {Cell(string.Join(", ", e.Tags))} |");
        }

        if (data.Entries.Any(e => e.OrderUncertain))
        {
            writer.WriteLine();
            writer.WriteLine(Cell(Render.UncertainLegend));
        }

        if (data.Deadlines.Count > 0)
        {
            writer.WriteLine();
            writer.WriteLine($"## Deadlines as of {Cell(data.AsOf)}");
            writer.WriteLine();
            writer.WriteLine("| Deadline | Status | Due | Days left | Why |");
            writer.WriteLine("|---|---|---|---|---|");
            foreach (var s in data.Deadlines)
            {
                var title = s.Title.Length > 0 ? Cell($"{s.Title} ({s.DeadlineId})") : Cell(s.DeadlineId);
                var why = s.Reasons.Count > 0 ? Cell(Render.Reason(s.Reasons[0])) : "";
                writer.WriteLine($"| {title} | **{Render.State(s.State)}** | {Cell(Exporter.Bound(s.Due?.Latest) ?? "")} | {Cell(Render.DaysRemaining(s))} | {why} |");
            }
        }

        return new ExportWritten(data.Entries.Count, data.Deadlines.Count);
    }

    /// <summary>
    /// Text from the data made inert for one table cell (or a heading), so that it reads exactly as
    /// written when rendered: every ASCII punctuation character that starts Markdown or HTML in
    /// CommonMark, GFM or Markdig's extensions (emphasis, code, links, autolinks, raw HTML, entities,
    /// attributes, pipes) is backslash-escaped, "www." loses its autolink, and a line break becomes
    /// a space. Characters that start nothing inside a cell (<c>, ; ? % ' / - . ( )</c>; a link needs the escaped <c>]</c> before its parenthesis) stay as they are,
    /// so dates and ordinary prose stay readable in the source.
    /// </summary>
    public static string Cell(string text)
    {
        var cell = new StringBuilder(text.Length + 8);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '\r':
                    break;
                case '\n':
                    cell.Append(' ');
                    break;
                case '.' when i >= 3 && text.AsSpan(i - 3, 3).Equals("www", StringComparison.OrdinalIgnoreCase):
                    cell.Append("\\.");
                    break;
                case ',' or ';' or '?' or '%' or '\'' or '/' or '-' or '.' or '(' or ')':
                    cell.Append(c);
                    break;
                case var p when char.IsAscii(p) && char.IsPunctuation(p) || char.IsAscii(p) && char.IsSymbol(p):
                    cell.Append('\\').Append(p);
                    break;
                default:
                    cell.Append(c);
                    break;
            }
        }

        return cell.ToString();
    }
}
