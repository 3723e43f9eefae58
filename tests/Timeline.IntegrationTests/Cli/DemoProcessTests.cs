using System.Diagnostics;
using System.Text;

namespace Timeline.IntegrationTests.Cli;

/// <summary>`timeline demo` as a new user runs it: a separate process, both services inside, real ports and SQLite.</summary>
public sealed class DemoProcessTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task The_demo_shows_the_chronology_the_deadline_at_risk_and_ends_when_it_is_met()
    {
        var ct = TestContext.Current.CancellationToken;
        var (exitCode, stdout, stderr) = await RunAsync(["demo", "--samples", RepoPaths.Samples], ct);

        Assert.True(exitCode == 0, $"exit code {exitCode}\n--- stdout\n{stdout}\n--- stderr\n{stderr}");

        // The chronology: the 2020 coup first, the two 14 October statements together, Tessalit after them.
        var coup = IndexOf(stdout, "Military junta takes power in Mali");
        var wagner = IndexOf(stdout, "Wagner Group mercenaries active in Mali");
        var lateAugust = IndexOf(stdout, "Rival armed groups contest territory");
        var tessalit = IndexOf(stdout, "replace the UN in Tessalit");
        var warning = IndexOf(stdout, "UN warns that rising tensions");
        var diop = IndexOf(stdout, "Foreign Minister Diop");
        Assert.True(coup < wagner && wagner < lateAugust, "2020, late 2021, then late August 2023");
        Assert.True(lateAugust < warning && warning < diop, "the 14 October statements follow late August");
        Assert.True(diop < tessalit, "Tessalit, under way when the report was written, comes after the 14 October statements");
        var chronology = stdout[coup..].Split('\n');
        var warningLine = Array.FindIndex(chronology, l => l.Contains("UN warns that rising tensions", StringComparison.Ordinal));
        Assert.Contains("Foreign Minister Diop", chronology[warningLine + 1], StringComparison.Ordinal);
        Assert.Contains("order uncertain", stdout, StringComparison.Ordinal);

        // The deadline on the report's date.
        var deadline = stdout[IndexOf(stdout, "The deadline on 2023-10-16")..];
        Assert.Contains("AT RISK", deadline[..IndexOf(deadline, "76 days remaining")], StringComparison.Ordinal);
        Assert.Contains("UN warns", deadline, StringComparison.Ordinal);

        // The live part ends with the deadline met.
        var live = stdout[IndexOf(stdout, "accelerated")..];
        Assert.True(IndexOf(live, "ON TRACK") < IndexOf(live, "MET"), "the risk ages out before the withdrawal is declared complete");
        var lastStatus = live.Split('\n').Last(l => l.Contains("AT RISK", StringComparison.Ordinal) || l.Contains("ON TRACK", StringComparison.Ordinal) || l.Contains(" MET", StringComparison.Ordinal));
        Assert.Contains("MET", lastStatus, StringComparison.Ordinal);
        Assert.Contains("deadline was met", live, StringComparison.Ordinal);
    }

    private static int IndexOf(string text, string value)
    {
        var i = text.IndexOf(value, StringComparison.Ordinal);
        Assert.True(i >= 0, $"'{value}' not in the demo's output:\n{text}");
        return i;
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string[] args, CancellationToken ct)
    {
        Assert.True(File.Exists(RepoPaths.CliDll), $"the CLI is not built at {RepoPaths.CliDll}");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            WorkingDirectory = Path.GetTempPath(),
            UseShellExecute = false,
        };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(RepoPaths.CliDll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["NO_COLOR"] = "1";
        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        try
        {
            await process.WaitForExitAsync(ct).WaitAsync(Timeout, ct);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            var partial = await stdout.WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
            Assert.Fail($"`timeline {string.Join(' ', args)}` did not finish within {Timeout}:\n{partial}");
        }

        return (process.ExitCode, await stdout.WaitAsync(TimeSpan.FromSeconds(10), ct), await stderr.WaitAsync(TimeSpan.FromSeconds(10), ct));
    }
}
