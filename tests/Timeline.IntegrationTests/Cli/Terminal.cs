using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Timeline.IntegrationTests.Cli;

/// <summary>
/// `timeline ARGS` in a real pseudo-terminal, as a person at a terminal runs it: util-linux
/// `script` gives the CLI a pty of <c>columns</c> x <c>rows</c> (set with stty before the CLI starts),
/// so everything the CLI does only in a terminal (progress, colours, live redraws, tables drawn to
/// the width) runs. What it wrote is returned as the terminal showed it, escape sequences removed.
/// </summary>
internal static partial class Terminal
{
    public static bool Available => File.Exists("/usr/bin/script");

    public static async Task<(int ExitCode, string Screen, string Raw)> RunAsync(
        IReadOnlyList<string> args, int columns, TimeSpan timeout, CancellationToken ct, IReadOnlyDictionary<string, string>? environment = null, int rows = 50, TimeSpan? interruptAfter = null)
    {
        Assert.True(File.Exists(RepoPaths.CliDll), $"the CLI is not built at {RepoPaths.CliDll}");
        Assert.True(File.Exists("/usr/bin/script"), "util-linux `script` is needed to give the CLI a pseudo-terminal");
        // interruptAfter: Ctrl-C (SIGINT) after that long, as a person stops `watch` or `serve`; the exit code stays the CLI's.
        var interrupt = interruptAfter is { } after ? $"timeout --foreground --preserve-status -s INT {after.TotalSeconds:0.#}s " : "";
        var command = new StringBuilder($"stty cols {columns} rows {rows} 2>/dev/null; exec {interrupt}dotnet exec {Quote(RepoPaths.CliDll)}");
        foreach (var arg in args)
        {
            command.Append(' ').Append(Quote(arg));
        }

        return await RunInPtyAsync(command.ToString(), $"timeline {string.Join(' ', args)}", timeout, ct, environment, Path.GetTempPath());
    }

    /// <summary>
    /// A shell command line in the pseudo-terminal, with <c>timeline</c> defined as the built CLI (as
    /// the README's alias does), in <paramref name="workingDirectory"/>.
    /// </summary>
    public static Task<(int ExitCode, string Screen, string Raw)> RunShellAsync(
        string line, int columns, TimeSpan timeout, CancellationToken ct, IReadOnlyDictionary<string, string>? environment, string workingDirectory, TimeSpan? interruptAfter = null)
    {
        var interrupt = interruptAfter is { } after ? $"timeout --foreground --preserve-status -s INT {after.TotalSeconds:0.#}s " : "";
        var script = $"timeline() {{ {interrupt}dotnet exec {Quote(RepoPaths.CliDll)} \"$@\"; }}\n{line}";
        return RunInPtyAsync($"stty cols {columns} rows 50 2>/dev/null; exec bash -c {Quote(script)}", line, timeout, ct, environment, workingDirectory);
    }

    private static async Task<(int ExitCode, string Screen, string Raw)> RunInPtyAsync(
        string command, string what, TimeSpan timeout, CancellationToken ct, IReadOnlyDictionary<string, string>? environment, string workingDirectory)
    {
        var start = new ProcessStartInfo("/usr/bin/script")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            StandardOutputEncoding = Encoding.UTF8,
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
        };

        // -q: no "Script started" lines; -e: the child's exit code; -c: the command; /dev/null: no typescript file.
        foreach (var a in new[] { "-q", "-e", "-c", command, "/dev/null" })
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["TERM"] = "xterm-256color";
        start.Environment.Remove("NO_COLOR");
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("script did not start");
        process.StandardInput.Close();
        var (stdout, stderr) = await CliProcess.WaitAsync(process, $"`{what}` in a terminal", timeout, Screen, ct);
        var raw = stdout + stderr;
        return (process.ExitCode, Screen(raw), raw);
    }

    /// <summary>What a terminal shows of <paramref name="raw"/>: escape sequences removed, carriage returns resolved line by line.</summary>
    public static string Screen(string raw)
    {
        var text = Escapes().Replace(raw, "");
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n')
            .Select(line => line.Contains('\r', StringComparison.Ordinal) ? line[(line.LastIndexOf('\r') + 1)..] : line)
            .Select(line => line.TrimEnd());
        return string.Join('\n', lines);
    }

    /// <summary>A single-quoted word for sh.</summary>
    private static string Quote(string arg) => "'" + arg.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    // CSI (ESC [ ... final), OSC (ESC ] ... BEL or ESC \), and two-character escapes (ESC =, ESC >, ...).
    [GeneratedRegex(@"\x1b\[[0-9;?<=>]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)|\x1b[()][0-9A-Za-z]|\x1b[=>78c]")]
    private static partial Regex Escapes();
}
