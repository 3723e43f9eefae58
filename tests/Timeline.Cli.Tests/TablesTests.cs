using Spectre.Console;
using Timeline.Cli.Output;

namespace Timeline.Cli.Tests;

/// <summary>
/// A table in a terminal of any width shows every word and id whole, on lines no wider than the
/// terminal; piped, it is a header and one tab-separated line per row, whatever the width.
/// </summary>
public sealed class TablesTests
{
    private static readonly string[] Words =
    [
        "Armed", "clash", "in", "Ouatagouna", "(Military", "Forces", "of", "France", "(2017-);", "Islamic", "State", "(Greater", "Sahara))",
        "minusma-withdrawal", "violence-against-civilians", "explosions-remote-violence", "un-2023-10-14-warning", "Mon", "1", "Jun", "2020", "–",
        "Kidal", "MINUSMA", "withdrawal", "from", "Mali", "complete", "AT", "RISK", "Tessalit", "Diop:", "no", "extension", "ÉÀü",
    ];

    [Fact]
    public void A_table_at_any_width_cuts_no_word_and_no_line_is_wider_than_the_terminal()
    {
        var random = new Random(2023_10_16);
        for (var trial = 0; trial < 300; trial++)
        {
            var width = random.Next(30, 220);
            var columns = random.Next(2, 7);
            var table = new Table().Border(TableBorder.Rounded);
            for (var c = 0; c < columns; c++)
            {
                table.AddColumn(Phrase(random, 1, 2));
            }

            var rows = random.Next(1, 6);
            var cells = new List<string>();
            for (var r = 0; r < rows; r++)
            {
                var row = Enumerable.Range(0, columns).Select(_ => random.Next(5) == 0 ? "" : Phrase(random, 1, 14)).ToArray();
                cells.AddRange(row);
                table.AddRow(row.Select(t => new Text(t)).ToArray());
            }

            var output = new StringWriter();
            Tables.Write(CliContext.ForWriters(output, TextWriter.Null, width: width, terminal: true), table);
            var lines = output.ToString().Replace("\r", "", StringComparison.Ordinal).Split('\n');

            Assert.All(lines, line => Assert.True(line.TrimEnd().Length <= width, $"width {width}: a line of {line.TrimEnd().Length}: {line}"));
            foreach (var word in cells.SelectMany(c => c.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Where(w => w.Length < width - 4))
            {
                Assert.True(lines.Any(l => l.Contains(word, StringComparison.Ordinal)), $"width {width}: '{word}' is cut:\n{output}");
            }
        }
    }

    [Fact]
    public void Piped_a_table_is_a_header_line_and_one_tab_separated_line_per_row()
    {
        var table = new Table().AddColumn("When").AddColumn("What happened").AddColumn("Tags");
        table.AddRow(new Text("late August 2023"), new Text("Rival armed groups contest\nterritory in the north"), new Text("mali, north"));
        table.AddRow(new Text("2020"), new Markup("[bold]Military junta[/] takes power"), new Text("tab\there"));

        var output = new StringWriter();
        Tables.Write(CliContext.ForWriters(output, TextWriter.Null, width: 40), table);

        Assert.Equal(
            ["When\tWhat happened\tTags", "late August 2023\tRival armed groups contest territory in the north\tmali, north", "2020\tMilitary junta takes power\ttab here"],
            output.ToString().Replace("\r", "", StringComparison.Ordinal).TrimEnd('\n').Split('\n'));
    }

    private static string Phrase(Random random, int min, int max) =>
        string.Join(' ', Enumerable.Range(0, random.Next(min, max + 1)).Select(_ => Words[random.Next(Words.Length)]));
}
