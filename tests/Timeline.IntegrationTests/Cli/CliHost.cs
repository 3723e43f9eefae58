using Timeline.Cli;
using Timeline.Cli.Hosting;

namespace Timeline.IntegrationTests.Cli;

/// <summary>
/// Both real services embedded on loopback ports with a SQLite file in a temp folder, and the CLI's
/// command tree run in-process against them, as `timeline ARGS --storage ... --timeline ...`.
/// </summary>
internal sealed class CliHost : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private CliHost(string folder, EmbeddedServices services)
    {
        Folder = folder;
        Services = services;
    }

    public string Folder { get; }

    public EmbeddedServices Services { get; }

    /// <summary>Starts both services; <paramref name="storageArgs"/> and <paramref name="timelineArgs"/> add configuration (tokens).</summary>
    public static async Task<CliHost> StartAsync(IReadOnlyList<string>? storageArgs = null, IReadOnlyList<string>? timelineArgs = null)
    {
        var folder = Path.Combine(Path.GetTempPath(), "timeline-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var options = new EmbeddedOptions(Path.Combine(folder, "timeline.db"), "http://127.0.0.1:0", "http://127.0.0.1:0")
        {
            StorageArgs = storageArgs ?? [],
            TimelineArgs = timelineArgs ?? [],
        };
        var services = await EmbeddedServices.StartAsync(options, CancellationToken.None).WaitAsync(Timeout);
        return new CliHost(folder, services);
    }

    public async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var context = CliContext.ForWriters(stdout, stderr, name => environment is not null && environment.TryGetValue(name, out var v) ? v : null);
        var root = CliApp.BuildRootCommand(context);
        string[] all = [.. args, "--storage", Services.StorageAddress.ToString(), "--timeline", Services.TimelineAddress.ToString()];
        var exitCode = await root.Parse(all).InvokeAsync(cancellationToken: TestContext.Current.CancellationToken).WaitAsync(Timeout, TestContext.Current.CancellationToken);
        return (exitCode, stdout.ToString(), stderr.ToString());
    }

    public Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args) => RunAsync(null, args);

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync().AsTask().WaitAsync(Timeout);
        Directory.Delete(Folder, recursive: true);
    }
}
