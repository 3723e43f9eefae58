using System.Diagnostics;

namespace Timeline.IntegrationTests.Reliability;

/// <summary>
/// The services as an operator starts them (`dotnet Timeline.*Service.dll`) on a machine where
/// they never ran: they start without warnings and write nothing under the user's home (ASP.NET
/// Core's data protection would otherwise create ~/.aspnet/DataProtection-Keys and warn that the
/// keys are unencrypted, for keys nothing in the services uses).
/// </summary>
public sealed class StandaloneStartTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private readonly string home = Path.Combine(Path.GetTempPath(), "timeline-home", Guid.NewGuid().ToString("N"));

    public StandaloneStartTests() => Directory.CreateDirectory(home);

    [Theory]
    [InlineData("Timeline.StorageService.dll")]
    [InlineData("Timeline.TimelineService.dll")]
    public async Task A_first_start_warns_of_nothing_and_writes_nothing_under_home(string service)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["HOME"] = home;
        info.Environment["DOTNET_CLI_HOME"] = home;
        string[] args =
        [
            Path.Combine(AppContext.BaseDirectory, service), "--urls", "http://127.0.0.1:0", "--HttpJsonUrls", "",
            "--Storage:DatabasePath", Path.Combine(home, "data", "timeline.db"),
            // The timeline service's storage is nowhere: its reconnect warnings are not what this test reads.
            "--Timeline:StorageAddress", "http://127.0.0.1:9",
            "--Logging:LogLevel:Timeline", "Error",
        ];
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var output = new System.Text.StringBuilder();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Collect(object sender, DataReceivedEventArgs e)
        {
            if (e.Data is null)
            {
                return;
            }

            lock (output)
            {
                output.AppendLine(e.Data);
            }

            if (e.Data.Contains("Application started", StringComparison.Ordinal))
            {
                started.TrySetResult();
            }
        }

        process.OutputDataReceived += Collect;
        process.ErrorDataReceived += Collect;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await started.Task.WaitAsync(Timeout, TestContext.Current.CancellationToken);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(Timeout, TestContext.Current.CancellationToken);
        }

        string text;
        lock (output)
        {
            text = output.ToString();
        }

        Assert.False(text.Contains("warn:", StringComparison.Ordinal), $"{service} warned on its first start:\n{text}");
        Assert.False(Directory.Exists(Path.Combine(home, ".aspnet")), $"{service} wrote {Path.Combine(home, ".aspnet")}:\n{text}");
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(home, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by the killed process; the temp folder is cleaned later.
        }
    }
}
