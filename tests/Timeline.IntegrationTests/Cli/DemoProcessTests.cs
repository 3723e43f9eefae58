namespace Timeline.IntegrationTests.Cli;

/// <summary>`timeline demo` as a new user runs it: a separate process, both services inside, real ports and SQLite.</summary>
public sealed class DemoProcessTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task The_demo_shows_the_chronology_the_deadline_at_risk_and_ends_when_it_is_met()
    {
        var ct = TestContext.Current.CancellationToken;
        var (exitCode, stdout, stderr) = await CliProcess.RunAsync(["demo", "--samples", RepoPaths.Samples], Timeout, ct);

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

        // The report's own words, extracted, compared with the sample and imported (when ../shared/seeds is there).
        var extract = stdout[IndexOf(stdout, "From the report's words to a draft")..IndexOf(stdout, "Live: watch the deadline")];
        if (File.Exists(Path.Combine(RepoPaths.Root, "..", "shared", "seeds", "mali-minusma-withdrawal-2023-10.txt")))
        {
            Assert.Contains("8 proposed events, 1 deadline, 0 dates refused", extract, StringComparison.Ordinal);
            Assert.Contains("missing  UN Security Council ends MINUSMA's mandate", extract, StringComparison.Ordinal);
            Assert.Equal(8, extract.Split('\n').Count(l => l.TrimStart().StartsWith("matches", StringComparison.Ordinal)));
            // The store holds the sample already: the draft's 8 events are held back as `timeline import` holds them, not stored twice.
            Assert.Contains("the draft: 8 read, 0 stored, 0 unchanged", extract, StringComparison.Ordinal);
            Assert.Contains("8 draft events look like stored ones, not stored", extract, StringComparison.Ordinal);
            Assert.Contains("~ mali-2023-10-14-diop-no-extension (revision 1)", extract, StringComparison.Ordinal);
        }
        else
        {
            Assert.Contains("Skipped: the report's text is expected at", extract, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_demo_prints_no_framework_warning_on_a_machine_that_never_ran_it()
    {
        var ct = TestContext.Current.CancellationToken;
        var home = Path.Combine(Path.GetTempPath(), "timeline-tests", "home-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(home);
        try
        {
            // A fresh HOME: no ASP.NET Core key ring yet, which is when data protection used to warn.
            // And no report's text where --seeds points (as for an installed tool without ../shared): that step is skipped in one line.
            var (exitCode, stdout, stderr) = await CliProcess.RunAsync(
                ["demo", "--samples", RepoPaths.Samples, "--days-per-second", "365", "--seeds", home], Timeout, ct, new Dictionary<string, string> { ["HOME"] = home });

            Assert.True(exitCode == 0, $"exit code {exitCode}\n{stderr}");
            Assert.Contains("deadline was met", stdout, StringComparison.Ordinal);
            Assert.Contains($"Skipped: the report's text is expected at {Path.Combine(home, "mali-minusma-withdrawal-2023-10.txt")}", stdout, StringComparison.Ordinal);
            Assert.Equal("", stderr);
            Assert.False(Directory.Exists(Path.Combine(home, ".aspnet")), "the demo wrote a data protection key ring");
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    [Fact]
    public async Task Serve_on_a_busy_port_prints_one_line_and_exits_non_zero()
    {
        var ct = TestContext.Current.CancellationToken;
        using var busy = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        busy.Start();
        var port = ((System.Net.IPEndPoint)busy.LocalEndpoint).Port;
        var database = Path.Combine(Path.GetTempPath(), "timeline-tests", Guid.NewGuid().ToString("N"), "t.db");

        var (exitCode, stdout, stderr) = await CliProcess.RunAsync(
            ["serve", "--database", database, "--storage", $"http://127.0.0.1:{port}", "--timeline", "http://127.0.0.1:0", "--no-http"], Timeout, ct);

        Assert.Equal(1, exitCode);
        Assert.Equal("", stdout);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal($"error: port {port} is in use; pass --storage http://127.0.0.1:<another port> for the storage service, or stop what listens on 127.0.0.1:{port}", line.TrimEnd('\r'));
        Directory.Delete(Path.GetDirectoryName(database)!, recursive: true);
    }

    private static int IndexOf(string text, string value)
    {
        var i = text.IndexOf(value, StringComparison.Ordinal);
        Assert.True(i >= 0, $"'{value}' not in the demo's output:\n{text}");
        return i;
    }
}
