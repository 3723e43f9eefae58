using Spectre.Console;
using Spectre.Console.Rendering;

namespace Timeline.Cli.Output;

/// <summary>
/// How a table reaches the reader. In a terminal: drawn to its width when every word and id fits
/// whole in its column, otherwise as one block per row ("Header  value" lines), so no title, word
/// or id is ever cut in the middle. Not in a terminal (piped, redirected): plain and stable for
/// scripts, whatever the width: a header line, then one line per row, fields separated by tabs (as
/// GitHub's CLI does), a cell's lines joined by spaces.
/// </summary>
internal static class Tables
{
    /// <summary>The width a column gets before a table is preferred to blocks (or its longest line, if shorter).</summary>
    private const int Comfortable = 16;

    public static void Write(CliContext context, Table table)
    {
        if (!context.IsTerminal)
        {
            WritePlain(context.Console, table);
            return;
        }

        var console = context.Console;
        if (Fit(table, console.Profile.Width))
        {
            console.Write(table);
        }
        else
        {
            WriteBlocks(console, table);
        }
    }

    /// <summary>
    /// Gives each column a width of its own so that the table fits <paramref name="width"/> and no
    /// column is narrower than its longest word (Spectre's own collapsing may cut a word to fit);
    /// false, with the table untouched, when even the longest words do not fit side by side.
    /// </summary>
    public static bool Fit(Table table, int width)
    {
        var columns = table.Columns.Count;
        if (columns == 0)
        {
            return true;
        }

        var texts = table.Rows.Select(row => row.Select(Plain).ToList()).ToList();
        var min = new int[columns];
        var max = new int[columns];
        for (var c = 0; c < columns; c++)
        {
            var header = Plain(table.Columns[c].Header);
            IEnumerable<string> cells = [header, .. texts.Select(r => c < r.Count ? r[c] : "")];
            var lines = cells.SelectMany(t => t.Split('\n')).ToList();
            min[c] = Math.Max(1, lines.SelectMany(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Select(CellWidth).DefaultIfEmpty(0).Max());
            max[c] = Math.Max(min[c], lines.Select(CellWidth).DefaultIfEmpty(0).Max());
        }

        // Each column has one space of padding either side; a border before, between and after columns.
        var available = width - (columns * 2) - (table.Border == TableBorder.None ? 0 : columns + 1);

        // A table whose columns would be narrower than a few words (a date one word per line) reads
        // worse than blocks: each column gets its longest word and up to Comfortable cells, or no table.
        var comfortable = Enumerable.Range(0, columns).Select(c => Math.Max(min[c], Math.Min(max[c], Comfortable))).ToArray();
        if (comfortable.Sum() > available)
        {
            return false;
        }

        // Then the space left is shared out evenly, each column taking no more than its longest line.
        var widths = comfortable;
        var spare = available - widths.Sum();
        while (spare > 0)
        {
            var growing = Enumerable.Range(0, columns).Where(c => widths[c] < max[c]).ToList();
            if (growing.Count == 0)
            {
                break;
            }

            var share = Math.Max(1, spare / growing.Count);
            foreach (var c in growing)
            {
                var add = Math.Min(Math.Min(share, max[c] - widths[c]), spare);
                widths[c] += add;
                spare -= add;
            }
        }

        for (var c = 0; c < columns; c++)
        {
            table.Columns[c].Width = widths[c];
        }

        return true;
    }

    /// <summary>A section heading: a rule across a terminal, a plain "== title" line elsewhere.</summary>
    public static void Heading(CliContext context, string title)
    {
        if (context.IsTerminal)
        {
            context.Console.Write(new Rule($"[bold]{Markup.Escape(title)}[/]").LeftJustified());
        }
        else
        {
            context.Console.Profile.Out.Writer.WriteLine($"== {title}");
        }
    }

    /// <summary>Each row as its own block: a column's header beside its value, a blank line between rows.</summary>
    public static void WriteBlocks(IAnsiConsole console, Table table)
    {
        var headers = table.Columns.Select(c => Plain(c.Header)).ToList();
        var first = true;
        foreach (var row in table.Rows)
        {
            if (!first)
            {
                console.WriteLine();
            }

            first = false;
            var cells = row.ToList();
            var shown = Enumerable.Range(0, Math.Min(cells.Count, headers.Count)).Where(i => Plain(cells[i]).Length > 0).ToList();
            var headerWidth = shown.Select(i => CellWidth(headers[i])).DefaultIfEmpty(0).Max();
            var longestWord = shown.SelectMany(i => Plain(cells[i]).Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries)).Select(CellWidth).DefaultIfEmpty(0).Max();
            if (headerWidth + 2 + longestWord <= console.Profile.Width)
            {
                // Header beside value.
                var grid = new Grid().AddColumn(new GridColumn().NoWrap().PadRight(2)).AddColumn();
                foreach (var i in shown)
                {
                    grid.AddRow(new Text(headers[i].Length > 0 ? headers[i] : " ", new Style(decoration: Decoration.Dim)), cells[i]);
                }

                console.Write(grid);
            }
            else
            {
                // Too narrow for that: each header on a line of its own, its value below it, indented.
                foreach (var i in shown)
                {
                    if (headers[i].Length > 0)
                    {
                        console.Write(new Text(headers[i] + "\n", new Style(decoration: Decoration.Dim)));
                    }

                    console.Write(new Padder(cells[i], new Padding(2, 0, 0, 0)));
                }
            }
        }
    }

    /// <summary>A header line and a line per row, fields separated by tabs.</summary>
    public static void WritePlain(IAnsiConsole console, Table table)
    {
        console.Profile.Out.Writer.WriteLine(string.Join('\t', table.Columns.Select(c => Field(c.Header))));
        foreach (var row in table.Rows)
        {
            console.Profile.Out.Writer.WriteLine(string.Join('\t', row.Select(Field)));
        }
    }

    private static string Field(IRenderable cell) =>
        string.Join(' ', Plain(cell).Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).Replace('\t', ' ');

    /// <summary>How many terminal cells <paramref name="text"/> takes on one line, as Spectre counts them (wide characters two).</summary>
    private static int CellWidth(string text) => ((IRenderable)new Text(text)).Measure(MeasureOptions.Value, int.MaxValue).Max;

    private static readonly Lazy<RenderOptions> MeasureOptions = new(() =>
        RenderOptions.Create(AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(TextWriter.Null), Ansi = AnsiSupport.No })));

    /// <summary>What a cell says, without colours or layout.</summary>
    public static string Plain(IRenderable renderable)
    {
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = 100_000;
        console.Write(renderable);
        return string.Join('\n', writer.ToString().Replace("\r", "", StringComparison.Ordinal).Split('\n').Select(l => l.TrimEnd())).Trim('\n');
    }
}
