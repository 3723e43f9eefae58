using System.Globalization;
using System.Text.RegularExpressions;
using Grpc.Net.Client;
using Timeline.Cli;
using Timeline.Cli.Hosting;
using Timeline.IntegrationTests.Timeline;
using Timeline.V1;
using static Timeline.Tests.Shared.TestTokens;

namespace Timeline.IntegrationTests.Cli;

/// <summary>
/// Both real services embedded on loopback ports with a SQLite file in a temp folder, and the CLI's
/// command tree run in-process against them, as `timeline ARGS --storage ... --timeline ...`.
/// </summary>
internal sealed partial class CliHost : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private readonly GrpcChannel timelineChannel;

    private CliHost(string folder, EmbeddedServices services)
    {
        Folder = folder;
        Services = services;
        timelineChannel = GrpcChannel.ForAddress(services.TimelineAddress);
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
        string[] all = [.. args, "--storage", Services.StorageAddress.ToString(), "--timeline", Services.TimelineAddress.ToString()];
        var exitCode = await CliApp.RunAsync(context, all, ct: TestContext.Current.CancellationToken).WaitAsync(Timeout, TestContext.Current.CancellationToken);
        if (exitCode == 0 && args is ["import" or "add", ..])
        {
            var token = args.SkipWhile(a => a != "--token").Skip(1).FirstOrDefault()
                ?? (environment is not null && environment.TryGetValue(CliContext.TokenVariable, out var t) ? t : null);
            await WaitForProjectionAsync(stdout.ToString(), token);
        }

        return (exitCode, stdout.ToString(), stderr.ToString());
    }

    /// <summary>
    /// What a user is told after an import ("read it back ... with --min-position N"), done for the
    /// tests' next command, which passes no --min-position: wait until the timeline service's deadline
    /// projection has read the positions the command printed (it follows the log asynchronously).
    /// </summary>
    private async Task WaitForProjectionAsync(string printed, string? token)
    {
        var positions = Positions().Matches(printed).Select(m => long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToList();
        if (positions.Count == 0)
        {
            return;
        }

        var last = positions.Max();
        var timeline = new TimelineService.TimelineServiceClient(timelineChannel);
        var headers = token is null ? new Grpc.Core.Metadata() : Bearer(token);
        await Calls.EventuallyAsync(
            async () => (await timeline.ListDeadlinesAsync(new ListDeadlinesRequest { PageSize = 1 }, headers, cancellationToken: TestContext.Current.CancellationToken)).ProjectionPosition >= last,
            $"the timeline service's projection read position {last}");
    }

    [GeneratedRegex(@"position (\d+)")]
    private static partial Regex Positions();

    public Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args) => RunAsync(null, args);

    public async ValueTask DisposeAsync()
    {
        timelineChannel.Dispose();
        await Services.DisposeAsync().AsTask().WaitAsync(Timeout);
        Directory.Delete(Folder, recursive: true);
    }
}
