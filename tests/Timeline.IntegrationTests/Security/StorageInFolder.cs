using System.Net;
using System.Net.Sockets;
using Timeline.Tests.Shared.Processes;

namespace Timeline.IntegrationTests.Security;

/// <summary>
/// The storage service as a process of its own working in a folder of its own: its content root
/// (where it reads <c>appsettings.json</c>) and its SQLite file. Its whole output is followed, so a
/// test can read what it logged.
/// </summary>
internal sealed class StorageInFolder : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private DotnetProcess? process;

    public StorageInFolder() => System.IO.Directory.CreateDirectory(Directory);

    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "timeline-folder", Guid.NewGuid().ToString("N"));

    public string Output => process?.Output ?? "";

    /// <summary>Starts it with <paramref name="args"/> on <paramref name="urls"/>; the gRPC address it listens on, as a loopback address.</summary>
    public async Task<Uri> StartAsync(IEnumerable<string> args, string urls = "http://127.0.0.1:0", string logLevel = "Warning")
    {
        process = DotnetProcess.Start(
            "the storage process", DotnetProcess.ServiceDll("Timeline.StorageService"),
            ["--Storage:DatabasePath", Path.Combine(Directory, "timeline.db"), .. args], urls: urls, logLevel: logLevel, workingDirectory: Directory);
        var listening = await process.ListeningAsync(Timeout);
        return new UriBuilder(listening) { Host = "127.0.0.1" }.Uri;
    }

    /// <summary>Waits until the output holds <paramref name="text"/> at least <paramref name="times"/> times; fails with the output after <see cref="Timeout"/>.</summary>
    public async Task WaitForOutputAsync(string text, int times = 1)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        while (Output.Split(text).Length - 1 < times)
        {
            Assert.False(timeout.IsCancellationRequested, $"the service did not say '{text}' {times} time(s):\n{Output}");
            await Task.Delay(TimeSpan.FromMilliseconds(100), TestContext.Current.CancellationToken);
        }
    }

    /// <summary>A loopback port nothing listens on (for now).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (process is not null)
        {
            await process.DisposeAsync();
        }

        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // Left for the temp folder's own cleanup.
        }
    }
}
