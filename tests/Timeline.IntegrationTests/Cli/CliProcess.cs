using System.Diagnostics;
using System.Text;

namespace Timeline.IntegrationTests.Cli;

/// <summary>
/// `timeline ARGS` as a user runs it: a process of its own (dotnet exec on the built CLI), stdout
/// and stderr captured; as another user when a user name is given (the test must then run as root).
/// </summary>
internal static class CliProcess
{
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(
        IReadOnlyList<string> args, TimeSpan timeout, CancellationToken ct, IReadOnlyDictionary<string, string>? environment = null, string? userName = null)
    {
        Assert.True(File.Exists(RepoPaths.CliDll), $"the CLI is not built at {RepoPaths.CliDll}");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            WorkingDirectory = Path.GetTempPath(),
            UseShellExecute = false,
        };
        if (userName is not null)
        {
            start.UserName = userName;
        }

        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(RepoPaths.CliDll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["NO_COLOR"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var (stdout, stderr) = await WaitAsync(process, $"`timeline {string.Join(' ', args)}`", timeout, partial => partial, ct);
        return (process.ExitCode, stdout, stderr);
    }

    /// <summary>
    /// Everything <paramref name="process"/> writes, once it has exited; past <paramref name="timeout"/>
    /// it is killed and the test fails with what it had written (through <paramref name="show"/>).
    /// </summary>
    public static async Task<(string Stdout, string Stderr)> WaitAsync(Process process, string what, TimeSpan timeout, Func<string, string> show, CancellationToken ct)
    {
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        try
        {
            await process.WaitForExitAsync(ct).WaitAsync(timeout, ct);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            var partial = await stdout.WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
            Assert.Fail($"{what} did not finish within {timeout}:\n{show(partial)}");
        }

        return (await stdout.WaitAsync(TimeSpan.FromSeconds(10), ct), await stderr.WaitAsync(TimeSpan.FromSeconds(10), ct));
    }
}
