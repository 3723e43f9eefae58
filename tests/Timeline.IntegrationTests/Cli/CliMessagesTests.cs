using Timeline.Cli;
using Timeline.Cli.Demo;

namespace Timeline.IntegrationTests.Cli;

/// <summary>
/// What the CLI says when the user's input is wrong or surprising, against both real services:
/// each message names the thing and exits non-zero where nothing was done.
/// </summary>
public sealed class CliMessagesTests : IAsyncLifetime
{
    private CliHost host = null!;

    public async ValueTask InitializeAsync() => host = await CliHost.StartAsync();

    public async ValueTask DisposeAsync() => await host.DisposeAsync();

    [Fact]
    public async Task Importing_a_directory_says_it_is_a_directory()
    {
        var (exit, stdout, stderr) = await host.RunAsync("import", host.Folder);
        var acled = await host.RunAsync("import", host.Folder, "--format", "acled");
        var missing = await host.RunAsync("import", Path.Combine(host.Folder, "nope.json"));

        Assert.Equal((1, 1, 1), (exit, acled.ExitCode, missing.ExitCode));
        Assert.Equal("", stdout);
        Assert.StartsWith($"error: {host.Folder} is a directory; import takes one file (JSON, NDJSON or an ACLED CSV)", stderr, StringComparison.Ordinal);
        Assert.StartsWith($"error: {host.Folder} is a directory", acled.Stderr, StringComparison.Ordinal);
        Assert.Equal($"error: {Path.Combine(host.Folder, "nope.json")}: no such file", missing.Stderr.Trim());
    }

    [Fact]
    public async Task A_json_file_with_a_syntax_error_is_refused_at_its_line_and_column()
    {
        var path = Path.Combine(host.Folder, "broken.json");
        await File.WriteAllTextAsync(path, "{\n  \"events\": [\n    {\"title\": \"Coup\", \"occurred\": {\"edtf\": \"2020\"}},\n    {\"title\": \"Ünï\" \"occurred\": {}}\n  ]\n}\n", TestContext.Current.CancellationToken);

        var (exit, _, stderr) = await host.RunAsync("import", path);

        Assert.Equal(1, exit);
        Assert.StartsWith($"error: {path}, line 4, column 21: invalid JSON: '\"' is invalid after a value", stderr, StringComparison.Ordinal);
        var shown = await host.RunAsync("show", "-o", "json");
        Assert.Empty(Google.Protobuf.JsonParser.Default.Parse<global::Timeline.V1.GetTimelineResponse>(shown.Stdout.Trim()).Entries);
    }

    [Fact]
    public async Task Deadlines_with_an_id_that_does_not_exist_says_so_and_exits_non_zero()
    {
        await host.RunAsync("import", Path.Combine(RepoPaths.Samples, "mali-minusma-2023-10.json"));

        var (exit, stdout, stderr) = await host.RunAsync("deadlines", "--id", "nope", "--as-of", "2023-10-16");
        var notYet = await host.RunAsync("deadlines", "--id", "minusma-withdrawal", "--as-of", "2023-01-01");
        var replay = await host.RunAsync("replay", "--from", "2023-01-01", "--to", "2023-12-31", "--id", "nope");
        var found = await host.RunAsync("deadlines", "--id", "minusma-withdrawal", "--as-of", "2023-10-16");

        Assert.Equal(1, exit);
        Assert.Equal("", stdout);
        Assert.Equal("error: no deadline 'nope': no event bears on it (known: minusma-withdrawal)", stderr.Trim());
        Assert.Equal(1, notYet.ExitCode);
        Assert.StartsWith("error: deadline 'minusma-withdrawal' is not set as of 2023-01-01: it is set by \"UN Security Council ends", notYet.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, replay.ExitCode);
        Assert.Contains("no deadline 'nope'", replay.Stderr, StringComparison.Ordinal);
        Assert.Equal((0, ""), (found.ExitCode, found.Stderr));
    }

    [Fact]
    public async Task Import_refusals_go_to_stderr_and_the_summary_to_stdout()
    {
        var (exit, stdout, stderr) = await host.RunAsync("import", Path.Combine(RepoPaths.Samples, "acled-fixture-hdx.csv"));

        Assert.Equal(1, exit);
        Assert.Equal(
            ["acled-fixture-hdx.csv: ACLED dyadic export (one row per event)", "acled-fixture-hdx.csv: 7 read, 4 stored, 0 unchanged, 0 revised, 3 refused",
                "acled-fixture-hdx.csv: in the log up to position 4 (read it back on any replica with --min-position 4)"],
            stdout.Trim().Split('\n').Select(line => line.TrimEnd()));
        var refusals = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, refusals.Length);
        Assert.StartsWith("refused: line 6 (TST4): ", refusals[0], StringComparison.Ordinal);
        Assert.Equal("refused: line 8 (TST6): no event_date", refusals[2]);
    }

    [Fact]
    public async Task One_of_anything_is_singular()
    {
        await host.RunAsync(
            "add", "--id", "set-1", "--title", "Talks set a deadline", "--date", "2023-06-30", "--tag", "solo",
            "--deadline", "solo-deadline", "--effect", "set", "--due", "2023-07-01", "--deadline-title", "A deal");
        var page = Path.Combine(host.Folder, "one.html");

        var export = await host.RunAsync("export", "--format", "html", "--tag", "solo", "--as-of", "2023-07-02", "--out", page);
        var deadlines = await host.RunAsync("deadlines", "--as-of", "2023-07-02");

        Assert.Contains("Wrote 1 event and 1 deadline to ", export.Stdout, StringComparison.Ordinal);
        Assert.Contains("1 event · 1 deadline, status as of 2023-07-02", await File.ReadAllTextAsync(page, TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Contains("MISSED", deadlines.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("1 days", export.Stdout + deadlines.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_effect_on_a_deadline_never_set_is_shown_where_it_is_and_said_where()
    {
        var add = await host.RunAsync("add", "--id", "w-1", "--title", "Army warns of delays", "--date", "2023-10-14", "--deadline", "typo-deadline", "--effect", "risk");
        var deadlines = await host.RunAsync("deadlines", "--as-of", "2023-10-16");
        var byId = await host.RunAsync("deadlines", "--id", "typo-deadline", "--as-of", "2023-10-16");
        var show = await host.RunAsync("show");
        var notes = string.Join(' ', deadlines.Stdout.Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries));

        Assert.Equal(0, add.ExitCode);
        Assert.Contains("note: deadline 'typo-deadline' has never been set: 1 event bears on it (risk \"Army warns of delays\"", add.Stderr, StringComparison.Ordinal);
        Assert.Contains("Not shown: deadline 'typo-deadline' has never been set", notes, StringComparison.Ordinal);
        Assert.Contains("`timeline show` lists these events in its Deadline column", notes, StringComparison.Ordinal);
        Assert.Equal(1, byId.ExitCode);
        Assert.Contains("error: deadline 'typo-deadline' has never been set", byId.Stderr, StringComparison.Ordinal);
        Assert.Contains("risk typo-deadline", show.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_demos_tables_and_text_fit_a_narrow_terminal()
    {
        const int Width = 60;
        var output = new StringWriter();
        var context = CliContext.ForWriters(output, TextWriter.Null, width: Width, terminal: true);

        var exit = await new DemoRun(context, RepoPaths.Samples, daysPerSecond: 365).RunAsync(TestContext.Current.CancellationToken)
            .WaitAsync(TimeSpan.FromSeconds(90), TestContext.Current.CancellationToken);

        Assert.Equal(0, exit);
        var lines = output.ToString().Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        Assert.Contains(lines, l => l.Contains("Military junta takes power", StringComparison.Ordinal));
        Assert.All(lines, l => Assert.True(l.Length <= Width, $"{l.Length} columns: {l}"));
    }
}
