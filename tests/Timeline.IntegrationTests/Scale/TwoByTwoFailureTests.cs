using System.Collections.Concurrent;
using Grpc.Core;
using Grpc.Net.Client;
using Timeline.Cli.Infrastructure;
using Timeline.ServiceDefaults.Clients;
using Timeline.Storage.V1;
using Timeline.Tests.Shared;
using Timeline.V1;
using TimelineClient = Timeline.V1.TimelineService.TimelineServiceClient;

namespace Timeline.IntegrationTests.Scale;

/// <summary>
/// Two storage instances and two timeline replicas, each an OS process, on one PostgreSQL database.
/// Appenders and watchers go through the multi-address clients (round robin, retry on UNAVAILABLE,
/// a watch that resumes on the other replica) while one storage instance and then one replica are
/// SIGKILLed and restarted on the same port: every acknowledged event is in the log once, and every
/// watcher ends with every deadline's current state, having been told no status twice in a row.
/// The replica killed is one that carries a watch: round robin picks among the replicas already
/// connected, so on a fresh channel every watch can land on one replica, and a kill of the other
/// would test no resume (a CI run failed so). Which replica each watch went to is read from the
/// requests themselves, below the balancer, where they carry the address it picked.
/// </summary>
public sealed class TwoByTwoFailureTests
{
    private const int Appenders = 4;
    private const int Watchers = 3;

    /// <summary>Acknowledged batches to wait for between the steps (kill, restart).</summary>
    private const int Step = 25;

    [Fact]
    public async Task One_storage_instance_and_one_replica_killed_under_load_lose_and_double_nothing()
    {
        var directory = Path.Combine(Path.GetTempPath(), "timeline-tests", "2x2-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        await using var database = await StorageDatabase.CreateAsync(StorageBackend.Postgres, directory);
        await using var storage1 = ServiceNode.Storage("storage 1", database.Args);
        await using var storage2 = ServiceNode.Storage("storage 2", database.Args);
        await Task.WhenAll(storage1.StartAsync(ScaleLoad.Timeout), storage2.StartAsync(ScaleLoad.Timeout));
        var storageAddresses = $"{storage1.Address.ToString().TrimEnd('/')},{storage2.Address.ToString().TrimEnd('/')}";
        await using var replica1 = ServiceNode.Timeline("replica 1", storageAddresses);
        await using var replica2 = ServiceNode.Timeline("replica 2", storageAddresses);
        await Task.WhenAll(replica1.StartAsync(ScaleLoad.Timeout), replica2.StartAsync(ScaleLoad.Timeout));
        var timelineAddresses = $"{replica1.Address.ToString().TrimEnd('/')},{replica2.Address.ToString().TrimEnd('/')}";

        using var storageChannel = ServiceAddresses.Parse(storageAddresses).CreateChannel();
        var watchRequests = new WatchRequestCounter(new SocketsHttpHandler { EnableMultipleHttp2Connections = true });
        using var timelineChannel = ServiceAddresses.Parse(timelineAddresses).CreateChannel(new GrpcChannelOptions { HttpHandler = watchRequests });
        var storage = new EventStoreService.EventStoreServiceClient(storageChannel);
        var timeline = new TimelineClient(timelineChannel);

        using var stopWatchers = new CancellationTokenSource();
        var watchers = Enumerable.Range(0, Watchers).Select(_ => new Watcher()).ToList();
        var watching = watchers.Select(w => Task.Run(() => w.RunAsync(timeline, stopWatchers.Token))).ToList();
        await ScaleLoad.EventuallyAsync(() => watchers.All(w => w.CaughtUp), "every watcher has caught up");

        var acknowledged = new ConcurrentDictionary<string, long>();
        var failures = new ConcurrentDictionary<StatusCode, int>();
        using var stopAppenders = new CancellationTokenSource();
        var appenders = Enumerable.Range(0, Appenders)
            .Select(a => Task.Run(() => ScaleLoad.AppendUntilStoppedAsync(storage, $"a{a}", acknowledged, failures, stopAppenders.Token)))
            .ToArray();
        async Task Progress(string what)
        {
            var target = acknowledged.Count + Step;
            await ScaleLoad.EventuallyAsync(() => acknowledged.Count >= target, what);
        }

        await Progress("the appenders get going");
        await storage1.KillAsync();
        await Progress("appends go on with one storage instance killed");
        await storage1.StartAsync(ScaleLoad.Timeout);
        await Progress("appends go on after it is back");
        var watched = watchRequests.PortsByCount();
        var victim = replica1.Port == watched[0] ? replica1 : replica2;
        Assert.Equal(victim.Port, watched[0]);
        var watchesOnVictim = watchRequests.To(victim.Port);
        await victim.KillAsync();
        await Progress("appends go on with one replica killed");
        await victim.StartAsync(ScaleLoad.Timeout);
        await Progress("appends go on after it is back");
        await stopAppenders.CancelAsync();
        await Task.WhenAll(appenders).WaitAsync(ScaleLoad.Timeout, cancellationToken: TestContext.Current.CancellationToken);

        var stored = await ScaleLoad.ReadAllAsync(storage);
        var head = stored.Values.Max(e => e.Position);
        var truth = await ScaleLoad.DeadlinesAsync(timeline, head);
        await ScaleLoad.EventuallyAsync(() => watchers.All(w => w.Matches(truth)), "every watcher shows every deadline's current state");
        await stopWatchers.CancelAsync();
        await Task.WhenAll(watching).WaitAsync(ScaleLoad.Timeout, cancellationToken: TestContext.Current.CancellationToken);

        var lost = acknowledged.Count(a => !stored.TryGetValue(a.Key, out var e) || e.Position != a.Value);
        var duplicated = stored.Values.Count(e => e.Revision != 1);
        var repeated = watchers.Sum(w => w.Repeats);
        var resumes = watchers.Sum(w => w.Resumes);
        Figures.Report(
            $"2x2 failure (SIGKILL 1 of 2 storage, then 1 of 2 replicas, on PostgreSQL): appenders={Appenders} acknowledged events={acknowledged.Count} " +
            $"deadlines={truth.Count} client failures after retries={failures.Sum(f => f.Value)} watchers={Watchers} on the killed {victim.Name}={watchesOnVictim} watcher resumes={resumes} " +
            $"statuses delivered={watchers.Sum(w => w.Delivered)} lost={lost} duplicated={duplicated} repeated statuses={repeated}");

        Assert.Equal(0, lost);
        Assert.Equal(0, duplicated);
        Assert.Equal(acknowledged.Count, stored.Count);
        Assert.Equal(0, repeated);
        Assert.True(resumes >= watchesOnVictim, $"{watchesOnVictim} watches were on the killed replica, {resumes} watchers resumed");
        Assert.Equal(acknowledged.Keys.Count(k => k.Contains("-set-", StringComparison.Ordinal)), truth.Count);
        Assert.True(truth.Values.Count(s => s == DeadlineState.Met) >= truth.Count - Appenders, "the deadlines met by a later batch are not all MET");
    }

    /// <summary>
    /// Counts the WatchDeadlines calls sent to each port. It sits between the channel's balancer and the
    /// sockets handler, so a request's address is the replica the balancer picked for it.
    /// </summary>
    private sealed class WatchRequestCounter(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        private readonly ConcurrentDictionary<int, int> byPort = new();

        /// <summary>The ports WatchDeadlines calls went to, the most watched first.</summary>
        public IReadOnlyList<int> PortsByCount() => byPort.OrderByDescending(p => p.Value).Select(p => p.Key).ToList();

        public int To(int port) => byPort.GetValueOrDefault(port);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.RequestUri is { } uri && uri.AbsolutePath.EndsWith("/WatchDeadlines", StringComparison.Ordinal))
            {
                byPort.AddOrUpdate(uri.Port, 1, (_, n) => n + 1);
            }

            return base.SendAsync(request, cancellationToken);
        }
    }

    /// <summary>One `timeline watch` as the CLI runs it (<see cref="ResumingWatch"/>), recording what it is told.</summary>
    private sealed class Watcher
    {
        private readonly Dictionary<string, DeadlineState> current = new(StringComparer.Ordinal);
        private readonly Lock gate = new();

        public bool CaughtUp { get; private set; }

        public int Delivered { get; private set; }

        /// <summary>Statuses told twice in a row for one deadline (a duplicate after a resume would show here).</summary>
        public int Repeats { get; private set; }

        public int Resumes { get; private set; }

        public async Task RunAsync(TimelineClient timeline, CancellationToken stop)
        {
            var watch = new ResumingWatch(new WatchDeadlinesRequest());
            try
            {
                await foreach (var response in watch.FollowAsync(() => timeline, TimeSpan.FromSeconds(30), note => Resumes += note.StartsWith("watching again", StringComparison.Ordinal) ? 1 : 0, stop))
                {
                    lock (gate)
                    {
                        if (response.Status is { } status)
                        {
                            Delivered++;
                            if (current.TryGetValue(status.DeadlineId, out var before) && before == status.State)
                            {
                                Repeats++;
                            }

                            current[status.DeadlineId] = status.State;
                        }
                        else if (response.CaughtUp is not null)
                        {
                            CaughtUp = true;
                        }
                    }
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
            catch (RpcException) when (stop.IsCancellationRequested)
            {
            }
        }

        public bool Matches(IReadOnlyDictionary<string, DeadlineState> truth)
        {
            lock (gate)
            {
                return current.Count == truth.Count && truth.All(t => current.TryGetValue(t.Key, out var state) && state == t.Value);
            }
        }
    }
}
