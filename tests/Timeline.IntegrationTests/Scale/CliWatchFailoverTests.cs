using System.Diagnostics;
using System.Text;
using Google.Protobuf;
using Grpc.Net.Client;
using Timeline.IntegrationTests.Cli;
using Timeline.Storage.V1;
using Timeline.V1;

namespace Timeline.IntegrationTests.Scale;

/// <summary>
/// <c>timeline watch --timeline a,b</c>, the CLI as a process of its own, keeps going when the
/// replica it watches is SIGKILLed: it says so on stderr, resumes on the other replica, shows what
/// changed afterwards, and shows nothing twice.
/// </summary>
public sealed class CliWatchFailoverTests
{
    [Fact]
    public async Task A_watch_given_two_replicas_survives_the_death_of_the_one_it_watches()
    {
        var directory = Path.Combine(Path.GetTempPath(), "timeline-tests", "watch-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        await using var storage = ServiceNode.Storage("storage", ["--Storage:DatabasePath", Path.Combine(directory, "timeline.db"), "--Storage:CheckpointInterval", "00:00:00.500"]);
        await storage.StartAsync(ScaleLoad.Timeout);
        using var storageChannel = GrpcChannel.ForAddress(storage.Address);
        var append = new EventStoreService.EventStoreServiceClient(storageChannel);
        await append.AppendEventsAsync(ScaleLoad.Batch("w", 0), deadline: DateTime.UtcNow + ScaleLoad.Timeout, cancellationToken: TestContext.Current.CancellationToken);

        // Only a is up when the watch starts, so the watch is on a; b comes up afterwards.
        await using var a = ServiceNode.Timeline("replica a", storage.Address.ToString());
        await using var b = ServiceNode.Timeline("replica b", storage.Address.ToString());
        await a.StartAsync(ScaleLoad.Timeout);
        await using var watch = WatchProcess.Start(storage.Address, $"{a.Address.ToString().TrimEnd('/')},{b.Address.ToString().TrimEnd('/')}");
        await watch.WaitForAsync(r => r.CaughtUp is not null, "the watch caught up");
        Assert.Equal([(ScaleLoad.DeadlineId("w", 0), DeadlineState.OnTrack)], watch.Statuses());
        await b.StartAsync(ScaleLoad.Timeout);

        await a.KillAsync();
        await watch.WaitForErrorAsync("note: the watch lost the timeline service");

        // Deadline 0 is met and deadline 1 set while the watch is on b only.
        var appended = await append.AppendEventsAsync(ScaleLoad.Batch("w", 1), deadline: DateTime.UtcNow + ScaleLoad.Timeout, cancellationToken: TestContext.Current.CancellationToken);
        // Both changes of the batch: deadline 1's set comes first in it, so seeing it alone does not
        // mean deadline 0's met was shown yet (a test run asserted in between and failed so).
        await watch.WaitForAsync(r => r.Status?.DeadlineId == ScaleLoad.DeadlineId("w", 1), "the watch shows the deadline set after the kill");
        await watch.WaitForAsync(r => r.Status is { State: DeadlineState.Met } s && s.DeadlineId == ScaleLoad.DeadlineId("w", 0), "the watch shows the deadline met after the kill");
        await watch.WaitForErrorAsync("note: watching again");

        Assert.Equal(
            [(ScaleLoad.DeadlineId("w", 0), DeadlineState.OnTrack), (ScaleLoad.DeadlineId("w", 0), DeadlineState.Met), (ScaleLoad.DeadlineId("w", 1), DeadlineState.OnTrack)],
            watch.Statuses().OrderBy(s => s.Id, StringComparer.Ordinal).ThenBy(s => s.State == DeadlineState.OnTrack ? 0 : 1));
        Assert.Single(watch.Responses(), r => r.CaughtUp is not null);
        Assert.True(watch.Responses().Max(r => r.ProjectionPosition) >= appended.Results.Max(r => r.Position));
        Assert.False(watch.HasExited, $"the watch ended:\n{watch.Stderr}");
    }

    /// <summary>`timeline watch -o json` running until killed, its stdout parsed line by line with protobuf's own JSON parser.</summary>
    private sealed class WatchProcess : IAsyncDisposable
    {
        private readonly Process process;
        private readonly List<WatchDeadlinesResponse> responses = [];
        private readonly StringBuilder stderr = new();
        private readonly Lock gate = new();

        private WatchProcess(Process process)
        {
            this.process = process;
            process.OutputDataReceived += (_, e) =>
            {
                if (e.Data is { Length: > 0 } line)
                {
                    var response = JsonParser.Default.Parse<WatchDeadlinesResponse>(line);
                    lock (gate)
                    {
                        responses.Add(response);
                    }
                }
            };
            process.ErrorDataReceived += (_, e) =>
            {
                lock (gate)
                {
                    stderr.AppendLine(e.Data);
                }
            };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        public bool HasExited => process.HasExited;

        public string Stderr
        {
            get
            {
                lock (gate)
                {
                    return stderr.ToString();
                }
            }
        }

        public static WatchProcess Start(Uri storage, string timeline)
        {
            Assert.True(File.Exists(RepoPaths.CliDll), $"the CLI is not built at {RepoPaths.CliDll}");
            var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Path.GetTempPath() };
            foreach (var arg in new[] { "exec", RepoPaths.CliDll, "watch", "-o", "json", "--storage", storage.ToString(), "--timeline", timeline })
            {
                info.ArgumentList.Add(arg);
            }

            info.Environment["NO_COLOR"] = "1";
            return new WatchProcess(Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start"));
        }

        public List<WatchDeadlinesResponse> Responses()
        {
            lock (gate)
            {
                return [.. responses];
            }
        }

        public List<(string Id, DeadlineState State)> Statuses() => [.. Responses().Where(r => r.Status is not null).Select(r => (r.Status.DeadlineId, r.Status.State))];

        public Task WaitForAsync(Func<WatchDeadlinesResponse, bool> condition, string what) =>
            ScaleLoad.EventuallyAsync(() => Responses().Any(condition) || Fail(what), what);

        public Task WaitForErrorAsync(string text) =>
            ScaleLoad.EventuallyAsync(() => Stderr.Contains(text, StringComparison.Ordinal) || Fail(text), $"stderr says \"{text}\"");

        public async ValueTask DisposeAsync()
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            }

            process.Dispose();
        }

        private bool Fail(string what)
        {
            if (process.HasExited)
            {
                Assert.Fail($"the watch exited ({process.ExitCode}) before {what}:\n{Stderr}");
            }

            return false;
        }
    }
}
