using System.Globalization;
using System.Text;
using Google.Protobuf;
using Timeline.V1;

namespace Timeline.IntegrationTests.Cli;

/// <summary>
/// The CLI as a person meets it in a terminal (a real pseudo-terminal, 80 and 200 columns): imports
/// of every format show progress and finish, tables fit the width without cutting a word or an id,
/// live commands redraw and stop cleanly on Ctrl-C; and, piped, the same commands write plain,
/// stable lines for scripts. Both services run for real, on loopback, with a SQLite file.
/// </summary>
public sealed class CliTerminalTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);
    private static readonly string AcledHdx = Path.GetFullPath(Path.Combine(RepoPaths.Root, "..", "shared", "data", "acled-mali-hdx-2020-07", "conflict_data_mli.csv"));
    private CliHost host = null!;

    public async ValueTask InitializeAsync() => host = await CliHost.StartAsync();

    public async ValueTask DisposeAsync() => await host.DisposeAsync();

    private string[] Services => ["--storage", host.Services.StorageAddress.ToString(), "--timeline", host.Services.TimelineAddress.ToString()];

    [Fact]
    public async Task Imports_of_every_format_show_progress_in_a_terminal_and_finish()
    {
        var ct = TestContext.Current.CancellationToken;
        Assert.True(File.Exists(AcledHdx), $"ACLED test data missing: {AcledHdx} (the shared data folder sits beside the repository)");
        var ndjson = Path.Combine(host.Folder, "many.ndjson");
        var json = Path.Combine(host.Folder, "many.json");
        await File.WriteAllLinesAsync(ndjson, Enumerable.Range(0, 1_200).Select(i => Event($"nd-{i}")), ct);
        await File.WriteAllTextAsync(json, $"{{\"events\": [{string.Join(",\n", Enumerable.Range(0, 1_200).Select(i => Event($"js-{i}")))}]}}", ct);

        foreach (var (file, columns, expected) in new[]
        {
            (AcledHdx, 80, "conflict_data_mli.csv: 3990 read, 3990 stored"),
            (ndjson, 200, "many.ndjson: 1200 read, 1200 stored"),
            (json, 80, "many.json: 1200 read, 1200 stored"),
        })
        {
            var (exit, screen, raw) = await Terminal.RunAsync(["import", file, .. Services], columns, Timeout, ct);

            Assert.True(exit == 0, $"import {Path.GetFileName(file)} in a terminal exited {exit}:\n{screen}");
            Assert.Contains(expected, Flat(screen), StringComparison.Ordinal);
            Assert.Contains("Importing", raw, StringComparison.Ordinal);
            Assert.Contains("100%", raw, StringComparison.Ordinal);
            Assert.DoesNotContain("Exception", screen, StringComparison.Ordinal);
            Assert.All(screen.Split('\n'), line => Assert.True(Width(line) <= columns, $"a line wider than the terminal's {columns} columns: {line}"));
        }
    }

    [Fact]
    public async Task Tables_fit_80_and_200_columns_without_cutting_a_word_and_piped_output_is_plain_lines()
    {
        var ct = TestContext.Current.CancellationToken;
        Assert.True(File.Exists(AcledHdx), $"ACLED test data missing: {AcledHdx}");
        await host.RunAsync("import", AcledHdx);
        await host.RunAsync("import", Path.Combine(RepoPaths.Samples, "mali-minusma-2023-10.json"));
        string[] show = ["show", "--country", "Mali", "--from", "2020-06-01", "--to", "2020-06-03"];
        var entries = JsonParser.Default.Parse<GetTimelineResponse>((await host.RunAsync([.. show, "-o", "json"])).Stdout.Trim()).Entries;
        Assert.True(entries.Count >= 5, "the ACLED file has events in the first days of June 2020");
        var words = entries.SelectMany(e => e.Event.Title.Split(' ').Concat(e.Event.Tags)).Where(w => w.Length >= 6).Distinct().ToList();

        foreach (var columns in new[] { 80, 200 })
        {
            var (exit, screen, _) = await Terminal.RunAsync([.. show, .. Services], columns, Timeout, ct);

            Assert.True(exit == 0, $"show at {columns} columns exited {exit}:\n{screen}");
            var lines = screen.Split('\n');
            Assert.All(lines, line => Assert.True(Width(line) <= columns, $"a line wider than {columns} columns: {line}"));
            var cut = words.Where(w => !lines.Any(l => l.Contains(w, StringComparison.Ordinal))).ToList();
            Assert.True(cut.Count == 0, $"at {columns} columns these words are cut or missing: {string.Join(", ", cut)}\n{screen}");
        }

        var wide = await Terminal.RunAsync([.. show, .. Services], 200, Timeout, ct);
        Assert.Contains("╭", wide.Screen, StringComparison.Ordinal);

        foreach (var args in new string[][]
        {
            ["deadlines", "--as-of", "2023-10-16"],
            ["history", "un-2023-10-14-warning"],
            ["replay", "--from", "2023-01-01", "--to", "2023-12-31"],
        })
        {
            var (exit, screen, _) = await Terminal.RunAsync([.. args, .. Services], 80, Timeout, ct);
            Assert.True(exit == 0, $"{args[0]} exited {exit}:\n{screen}");
            Assert.All(screen.Split('\n'), line => Assert.True(Width(line) <= 80, $"{args[0]}: a line wider than 80 columns: {line}"));
            Assert.Contains(screen.Split('\n'), l => l.Contains("minusma-withdrawal", StringComparison.Ordinal) || l.Contains("un-2023-10-14-warning", StringComparison.Ordinal) || l.Contains("MINUSMA", StringComparison.Ordinal));
        }

        // Piped: a header line, then one line per entry, tab-separated; nothing drawn.
        var piped = await CliProcess.RunAsync([.. show, .. Services], Timeout, ct);
        Assert.Equal(0, piped.ExitCode);
        var rows = piped.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.Contains('\t', StringComparison.Ordinal)).ToList();
        Assert.Equal(["", "When", "What happened", "Deadline", "Tags"], rows[0].Split('\t'));
        Assert.Equal(entries.Count, rows.Count - 1);
        Assert.All(rows.Skip(1), (row, i) => Assert.Equal(entries[i].Event.Title, row.Split('\t')[2]));
        Assert.DoesNotContain("│", piped.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("─", piped.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Watch_in_a_terminal_shows_each_change_and_stops_cleanly_on_ctrl_c()
    {
        var ct = TestContext.Current.CancellationToken;
        await host.RunAsync("import", Path.Combine(RepoPaths.Samples, "mali-minusma-2023-10.json"));
        var watching = Terminal.RunAsync(["watch", "--deadline", "minusma-withdrawal", .. Services], 80, Timeout, ct, interruptAfter: TimeSpan.FromSeconds(12));
        await Task.Delay(TimeSpan.FromSeconds(5), ct);
        var met = await host.RunAsync(
            "add", "--id", "term-met", "--title", "UN declares the withdrawal complete", "--date", "2023-12-31",
            "--deadline", "minusma-withdrawal", "--effect", "met");
        Assert.Equal(0, met.ExitCode);

        var (exit, screen, _) = await watching;

        Assert.True(exit == 0, $"watch ended with {exit} on Ctrl-C:\n{screen}");
        Assert.Contains("minusma-withdrawal", screen, StringComparison.Ordinal);
        Assert.Contains("MET", screen, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", screen, StringComparison.Ordinal);
        Assert.All(screen.Split('\n'), line => Assert.True(Width(line) <= 80, $"a line wider than 80 columns: {line}"));
    }

    [Fact]
    public async Task The_demo_runs_to_its_end_in_an_80_column_terminal()
    {
        var ct = TestContext.Current.CancellationToken;

        var (exit, screen, _) = await Terminal.RunAsync(["demo", "--samples", RepoPaths.Samples, "--days-per-second", "365"], 80, TimeSpan.FromSeconds(180), ct);

        Assert.True(exit == 0, $"the demo exited {exit}:\n{screen}");
        Assert.Contains("deadline was met", Flat(screen), StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", screen, StringComparison.Ordinal);
        Assert.All(screen.Split('\n'), line => Assert.True(Width(line) <= 80, $"a line wider than 80 columns: {line}"));
    }

    private static string Event(string id) =>
        $"{{\"eventId\": \"{id}\", \"title\": \"Generated event {id}\", \"occurred\": {{\"edtf\": \"2021-03-{(id.GetHashCode(StringComparison.Ordinal) & 15) + 1:00}\"}}, \"tags\": [\"terminal-test\"]}}";

    /// <summary>The screen with wrapped lines joined, for phrases a narrow terminal may wrap.</summary>
    private static string Flat(string screen) => string.Join(' ', screen.Split('\n').Select(l => l.Trim()));

    /// <summary>Terminal cells of a line: one per character, none for combining marks (the tests' text has no wide characters).</summary>
    private static int Width(string line) => line.EnumerateRunes().Count(r => Rune.GetUnicodeCategory(r) is not (UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark or UnicodeCategory.Format));
}
