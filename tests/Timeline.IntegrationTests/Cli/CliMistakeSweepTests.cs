using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Timeline.Tests.Shared;

namespace Timeline.IntegrationTests.Cli;

/// <summary>
/// Every command given what people get wrong (unknown flags, bad values, missing, empty, broken and
/// binary files, addresses with no scheme or nothing behind them, a service that accepts and never
/// answers), run as a person runs it: as its own process, piped, and in a pseudo-terminal 80 columns
/// wide. Each answer must exit non-zero, show no stack frame, no .NET type or parser wording, and
/// name the flag, argument or file that is wrong. The count goes to the CI summary's figures.
/// </summary>
public sealed partial class CliMistakeSweepTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private CliHost host = null!;
    private CliConnectionTests.SilentListener silent = null!;

    public async ValueTask InitializeAsync()
    {
        host = await CliHost.StartAsync();
        silent = new CliConnectionTests.SilentListener();
    }

    public async ValueTask DisposeAsync()
    {
        silent.Dispose();
        await host.DisposeAsync();
    }

    /// <summary>A mistaken command line, and what its answer must name (a flag, an argument, a file by its name, an address).</summary>
    private sealed record Mistake(string[] Args, string Names, bool WithServices = true);

    private List<Mistake> Mistakes()
    {
        var folder = host.Folder;
        string File(string name, string content)
        {
            var path = Path.Combine(folder, name);
            System.IO.File.WriteAllText(path, content);
            return path;
        }

        var empty = File("empty.json", "");
        var blank = File("blank.ndjson", "  \n\n");
        var cutShort = File("cut-short.json", "{\"events\": [{\"title\": \"Coup\"");
        var trailing = File("trailing.json", "{\"events\": []} and more");
        var bareWords = File("bare.ndjson", "not json at all\n");
        var wrongShape = File("array.json", "[1, 2, 3]");
        var unknownField = File("unknown.json", "{\"events\": [{\"titel\": \"Coup\"}]}");
        var binary = Path.Combine(folder, "binary.json");
        System.IO.File.WriteAllBytes(binary, [0xff, 0xfe, 0x00, 0x41, 0x00, 0x9c]);
        var notAcled = File("not-acled.csv", "a,b\n1,2\n");
        var article = File("article.txt", "On 3 May the ministry said the convoy would leave within days.");
        var missing = Path.Combine(folder, "no-such-file.json");
        var closed = ClosedPort();
        return
        [
            // The command line itself.
            new(["nosuchcommand"], "nosuchcommand", WithServices: false),
            new(["show", "--bogus"], "--bogus", WithServices: false),
            new(["import"], "FILE", WithServices: false),
            new(["history"], "EVENT-ID", WithServices: false),
            new(["add", "--date", "2020"], "--title", WithServices: false),
            new(["add", "--title", "x"], "--date", WithServices: false),
            new(["deadlines", "--deadline"], "--deadline", WithServices: false),
            new(["replay", "--from", "2023-01-01"], "--to", WithServices: false),

            // Values.
            new(["import", empty, "--format", "xml"], "--format"),
            new(["show", "-o", "yaml"], "--output"),
            new(["export", "--format", "pdf"], "--format"),
            new(["export", "--format", "timelinejs", "--group-by", "colour"], "--group-by"),
            new(["import", empty, "--batch-size", "0"], "--batch-size"),
            new(["import", empty, "--batch-size", "many"], "--batch-size"),
            new(["show", "--timeout", "soon"], "--timeout"),
            new(["show", "--timeout", "0"], "--timeout"),
            new(["show", "--as-of", "yesterday"], "--as-of"),
            new(["show", "--from", "2020-13-01"], "--from"),
            new(["show", "--to", "31/12/2023"], "--to"),
            new(["show", "--country", "Narnia"], "--country"),
            new(["deadlines", "--as-of", "2023-02-30"], "--as-of"),
            new(["replay", "--from", "2023-12-31", "--to", "2023-01-01"], "--to"),
            new(["add", "--title", "x", "--date", "2020", "--reference", "yesterday"], "--reference"),
            new(["add", "--title", "x", "--date", "2020", "--published", "last week"], "--published"),
            new(["add", "--title", "x", "--date", "2020", "--country", "Atlantis"], "--country"),
            new(["add", "--title", "x", "--date", "2020", "--deadline", "d1"], "--effect"),
            new(["add", "--title", "x", "--date", "2020", "--deadline", "d1", "--effect", "soon"], "--effect"),
            new(["add", "--title", "x", "--date", "2020", "--deadline", "d1", "--effect", "set"], "--due"),
            new(["add", "--title", "x", "--date", "2020", "--due", "2024"], "--deadline"),
            new(["add", "--title", "x", "--date", "when the rains come"], "occurred.text"),
            new(["demo", "--days-per-second", "0"], "--days-per-second", WithServices: false),
            new(["extract", article, "--published", "someday"], "--published", WithServices: false),
            new(["extract", article, "--published", "2023-05-04", "--deadline", "not an id"], "--deadline", WithServices: false),
            new(["history", "no-such-event"], "no-such-event"),

            // Files.
            new(["import", missing], missing),
            new(["import", folder], folder),
            new(["import", empty], Path.GetFileName(empty)),
            new(["import", blank], Path.GetFileName(blank)),
            new(["import", cutShort], Path.GetFileName(cutShort)),
            new(["import", trailing], Path.GetFileName(trailing)),
            new(["import", bareWords], Path.GetFileName(bareWords)),
            new(["import", wrongShape], Path.GetFileName(wrongShape)),
            new(["import", unknownField], Path.GetFileName(unknownField)),
            new(["import", binary], Path.GetFileName(binary)),
            new(["import", notAcled], Path.GetFileName(notAcled)),
            new(["import", notAcled, "--format", "acled"], Path.GetFileName(notAcled)),
            new(["extract", missing, "--published", "2023-05-04"], missing, WithServices: false),
            new(["extract", empty, "--published", "2023-05-04"], Path.GetFileName(empty), WithServices: false),

            // Addresses and services.
            new(["show", "--timeline", "127.0.0.1:5202"], "--timeline", WithServices: false),
            new(["history", "x", "--storage", "ftp://127.0.0.1:5201"], "--storage", WithServices: false),
            new(["history", "x", "--storage", "http://127.0.0.1:5201/timeline"], "/timeline", WithServices: false),
            new(["show", "--timeline", "http://127.0.0.1:5202?token=x"], "--timeline", WithServices: false),
            new(["show", "--timeline", closed], "--timeline", WithServices: false),
            new(["history", "x", "--storage", closed], "--storage", WithServices: false),
            new(["deadlines", "--timeline", silent.Address, "--timeout", "1s"], "--timeout", WithServices: false),
            new(["serve", "--storage", "http://0.0.0.0:5591", "--timeline", ClosedPort(), "--no-http"], "0.0.0.0", WithServices: false),
            new(["serve", "--postgres", "Host=;;==", "--storage", ClosedPort(), "--timeline", ClosedPort(), "--no-http"], "--postgres", WithServices: false),
            new(["serve", "--postgres", "Host=127.0.0.1;Port=1;Timeout=2", "--storage", ClosedPort(), "--timeline", ClosedPort(), "--no-http"], "PostgreSQL", WithServices: false),
            new(["serve", "--no-http", "--storage-http", "http://127.0.0.1:5211"], "--no-http", WithServices: false),
        ];
    }

    [Fact]
    public async Task Every_mistake_gets_a_clear_answer_piped_and_in_a_terminal()
    {
        Assert.True(Terminal.Available, "util-linux `script` is needed to run the CLI in a pseudo-terminal");
        var ct = TestContext.Current.CancellationToken;
        var mistakes = Mistakes();
        var unclear = new List<string>();
        using var gate = new SemaphoreSlim(3);
        await Task.WhenAll(mistakes.Select(async mistake =>
        {
            string[] args = mistake.WithServices
                ? [.. mistake.Args, "--storage", host.Services.StorageAddress.ToString(), "--timeline", host.Services.TimelineAddress.ToString()]
                : mistake.Args;
            await gate.WaitAsync(ct);
            try
            {
                var piped = await CliProcess.RunAsync(args, Timeout, ct);
                var problem = Judge(mistake, piped.ExitCode, piped.Stdout + piped.Stderr, "piped");
                if (problem is null && piped.Stdout.Trim().Length > 0)
                {
                    problem = $"piped: the refusal is on stdout, where a script reads results:\n{piped.Stdout}";
                }

                var terminal = await Terminal.RunAsync(args, 80, Timeout, ct);
                problem ??= Judge(mistake, terminal.ExitCode, terminal.Screen, "in a terminal");
                if (problem is not null)
                {
                    lock (unclear)
                    {
                        unclear.Add($"`timeline {string.Join(' ', mistake.Args)}` {problem}");
                    }
                }
            }
            finally
            {
                gate.Release();
            }
        }));

        Figures.Report($"{mistakes.Count} mistaken inputs: {mistakes.Count - unclear.Count} clear");
        Assert.True(unclear.Count == 0, $"{unclear.Count} of {mistakes.Count} answers were not clear:\n\n{string.Join("\n\n", unclear)}");
        Assert.Empty(Directory.GetFiles(host.Folder, "*.html"));
    }

    [Fact]
    public async Task Nothing_a_refused_command_line_sent_was_stored()
    {
        var ct = TestContext.Current.CancellationToken;
        foreach (var args in new[]
        {
            new[] { "add", "--title", "x", "--date", "2020", "--reference", "yesterday" },
            ["add", "--title", "x", "--date", "2020", "--country", "Atlantis"],
            ["add", "--title", "x", "--date", "2020", "--deadline", "d1", "--effect", "set"],
        })
        {
            var (exit, _, _) = await host.RunAsync(args);
            Assert.NotEqual(0, exit);
        }

        var shown = await host.RunAsync("show", "-o", "json");
        Assert.Equal(0, shown.ExitCode);
        Assert.Empty(Google.Protobuf.JsonParser.Default.Parse<global::Timeline.V1.GetTimelineResponse>(shown.Stdout.Trim()).Entries);
        await Task.CompletedTask.WaitAsync(ct);
    }

    /// <summary>Why an answer is not clear, or null when it is.</summary>
    private static string? Judge(Mistake mistake, int exitCode, string output, string how)
    {
        if (exitCode == 0)
        {
            return $"{how}: exited 0 (a mistake must exit non-zero):\n{output}";
        }

        if (StackFrame().IsMatch(output))
        {
            return $"{how}: shows a stack trace:\n{output}";
        }

        if (Internals().Match(output) is { Success: true } internals)
        {
            return $"{how}: shows the framework's own wording ('{internals.Value}'):\n{output}";
        }

        if (!output.Contains(mistake.Names, StringComparison.Ordinal))
        {
            return $"{how}: does not name {mistake.Names}:\n{output}";
        }

        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
        return lines > 6 ? $"{how}: {lines} lines for one mistake (the help text?):\n{output}" : null;
    }

    private static string ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";
    }

    [GeneratedRegex(@"^\s+at \S+\(|^\s+at [\w.`<>]+\.[\w<>]+", RegexOptions.Multiline)]
    private static partial Regex StackFrame();

    // .NET type names, exception names and System.Text.Json / System.CommandLine wording.
    [GeneratedRegex(@"\b(System|Microsoft|Timeline|Npgsql|Grpc)\.[A-Z]\w+\.|\w+Exception\b|isFinalBlock|Expected depth|JSON payload|Cannot parse argument|Required argument missing|Unhandled exception|Description:|Usage:")]
    private static partial Regex Internals();
}
