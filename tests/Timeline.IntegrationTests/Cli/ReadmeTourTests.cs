using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Timeline.IntegrationTests.Cli;

/// <summary>
/// README.md's tour ("A short tour", the block under "The `timeline` command") run as written, in
/// order, in a pseudo-terminal, against a real `timeline serve` process: every command must succeed,
/// and every line the README shows as printed (a line starting "#   " under a command) must be on the
/// screen. A README line that stops being true fails here.
/// </summary>
public sealed class ReadmeTourTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task The_readme_tour_runs_as_written_and_prints_what_it_says()
    {
        var ct = TestContext.Current.CancellationToken;
        var tour = Tour(await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "README.md"), ct));
        Assert.True(tour.Count >= 8, $"the README's tour has {tour.Count} commands; its block was not found where this test looks");

        var folder = Path.Combine(Path.GetTempPath(), "timeline-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var (storage, timeline) = (FreeAddress(), FreeAddress());
        using var serve = StartServe(folder, storage, timeline);
        try
        {
            await WaitForServingAsync(serve, ct);
            var environment = new Dictionary<string, string>
            {
                ["TIMELINE_STORAGE_ADDRESS"] = storage,
                ["TIMELINE_TIMELINE_ADDRESS"] = timeline,
                ["HOME"] = folder,
            };
            foreach (var (command, printed) in tour)
            {
                // `watch` runs until Ctrl-C: the person presses it after a few seconds.
                var interrupt = command.StartsWith("timeline watch", StringComparison.Ordinal) ? TimeSpan.FromSeconds(6) : (TimeSpan?)null;
                var (exit, screen, _) = await Terminal.RunShellAsync(command, 200, Timeout, ct, environment, RepoPaths.Root, interrupt);

                Assert.True(exit == 0, $"the README's `{command}` exited {exit}:\n{screen}");
                var flat = string.Join(' ', screen.Split('\n').Select(l => l.Trim()));
                foreach (var line in printed)
                {
                    Assert.True(flat.Contains(line, StringComparison.Ordinal), $"the README says `{command}` prints\n  {line}\nbut it printed:\n{screen}");
                }

                if (command.StartsWith("timeline import", StringComparison.Ordinal) || command.StartsWith("timeline add", StringComparison.Ordinal))
                {
                    // What the CLI tells a person who reads right after writing: on a loaded machine the
                    // deadline projection may be a moment behind the append it just printed.
                    await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
                }
            }
        }
        finally
        {
            if (!serve.HasExited)
            {
                serve.Kill(entireProcessTree: true);
            }

            await serve.WaitForExitAsync(CancellationToken.None);
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>
    /// The tour's commands with the lines the README says each prints. The set-up lines (build,
    /// alias, `timeline serve &amp;`) are what this test does itself.
    /// </summary>
    private static List<(string Command, List<string> Printed)> Tour(string readme)
    {
        var start = readme.IndexOf("### The `timeline` command", StringComparison.Ordinal);
        Assert.True(start >= 0, "README.md has no \"### The `timeline` command\" section");
        var block = readme.IndexOf("```sh\n", start, StringComparison.Ordinal) + "```sh\n".Length;
        var end = readme.IndexOf("```", block, StringComparison.Ordinal);
        var tour = new List<(string, List<string>)>();
        var pending = new StringBuilder();
        foreach (var raw in readme[block..end].Split('\n'))
        {
            if (raw.StartsWith("#   ", StringComparison.Ordinal))
            {
                tour[^1].Item2.Add(raw[4..].Trim());
                continue;
            }

            var line = raw.TrimEnd();
            if (line.EndsWith('\\'))
            {
                pending.Append(line[..^1]).Append(' ');
                continue;
            }

            var command = (pending + line).Trim();
            pending.Clear();
            if (command.Length == 0 || command.StartsWith("dotnet build", StringComparison.Ordinal) || command.StartsWith("alias ", StringComparison.Ordinal)
                || command.StartsWith("timeline serve", StringComparison.Ordinal))
            {
                continue;
            }

            tour.Add((command, []));
        }

        return tour;
    }

    private static Process StartServe(string folder, string storage, string timeline)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "exec", RepoPaths.CliDll, "serve", "--database", Path.Combine(folder, "timeline.db"), "--storage", storage, "--timeline", timeline, "--storage-http", FreeAddress(), "--timeline-http", FreeAddress() })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["HOME"] = folder;
        return Process.Start(start) ?? throw new InvalidOperationException("timeline serve did not start");
    }

    private static async Task WaitForServingAsync(Process serve, CancellationToken ct)
    {
        var seen = new StringBuilder();
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
        wait.CancelAfter(Timeout);
        while (await serve.StandardOutput.ReadLineAsync(wait.Token) is { } line)
        {
            seen.AppendLine(line);
            if (line.StartsWith("Serving.", StringComparison.Ordinal))
            {
                _ = serve.StandardOutput.ReadToEndAsync(CancellationToken.None);
                _ = serve.StandardError.ReadToEndAsync(CancellationToken.None);
                return;
            }
        }

        Assert.Fail($"timeline serve did not start:\n{seen}\n{await serve.StandardError.ReadToEndAsync(ct)}");
    }

    private static string FreeAddress()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";
    }
}
