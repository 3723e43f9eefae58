using System.Diagnostics;
using Timeline.Storage.V1;
using Timeline.Tests.Shared;
using Timeline.V1;
using static Timeline.StorageService.Tests.Assertions;

namespace Timeline.StorageService.Tests;

/// <summary>
/// Failover without a person: PostgreSQL under Patroni and etcd (<see cref="PatroniCluster"/>, the
/// recipe of docs/SCALING.md "three machines"), two storage instances on Kestrel given every host
/// with <c>Target Session Attributes=primary</c>, appenders and SubscribeEvents watchers on both.
/// Nobody promotes anything: Patroni does. Each test checks what a user would notice: appends
/// UNAVAILABLE during the switch and acknowledged again after it, every acknowledged append on the
/// new primary exactly once (a retry of each unacknowledged one all new or all no-op), and every
/// watcher's log positions 1..N once each, in order, across its resumes.
/// </summary>
public sealed class PatroniFailoverTests
{
    private const int AppendersPerInstance = 2;
    private const int EventsPerBatch = 2;
    private static readonly TimeSpan Switch = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Killing_the_primary_under_load_Patroni_promotes_the_standby_and_nothing_acknowledged_is_lost_or_doubled()
    {
        await using var cluster = await PatroniCluster.StartAsync();
        await WithLogsAsync(cluster, async () =>
        {
            var (primary, standby) = (cluster.Nodes[0], cluster.Nodes[1]);
            await using var run = await Run.OnEveryHostAsync(cluster);

            await run.WaitForAcknowledgedAsync(100, "the appenders get going");
            var (promoted, promotedAfter, writesAgain) = await run.KillAsync(cluster, primary);

            var result = await run.FinishAsync(promoted);
            result.Report($"Patroni failover (SIGKILL primary and its Patroni, {standby.Name} promoted by Patroni after {promotedAfter.TotalSeconds:0.0} s)", writesAgain);
            await result.AssertWholeAsync();
        });
    }

    [Fact]
    public async Task A_partitioned_primary_is_demoted_and_the_instance_on_its_side_acknowledges_nothing_the_new_primary_lacks()
    {
        await using var cluster = await PatroniCluster.StartAsync();
        await WithLogsAsync(cluster, async () =>
        {
            var (primary, standby) = (cluster.Nodes[0], cluster.Nodes[1]);
            var database = await CreateDatabaseAsync(primary);

            // Storage a runs on the primary's side of the cut, b on the standby's: each reaches its own
            // side's PostgreSQL directly and the other side's through a link the partition cuts too;
            // each lists its own side's host first (a host behind a cut costs a connect timeout per try).
            await using var toStandby = new TcpProxy(standby.Port);
            await using var toPrimary = new TcpProxy(primary.Port);
            // Storage a's command timeout (2 s) ends its commits' wait for the lost standby before Patroni demotes the primary
            // (its connect timeout is 2 s too, so that a host behind the cut refuses its appends within the load's deadline).
            var a = await StorageServer.StartOnAsync(database, Settings(ConnectionString(database, primary.Port, toStandby.Port).Replace("Timeout=3;Command Timeout=10", "Timeout=2;Command Timeout=2", StringComparison.Ordinal)));
            var b = await StorageServer.StartOnAsync(database, Settings(ConnectionString(database, standby.Port, toPrimary.Port)));
            await using var run = new Run([a, b]);

            await run.WaitForAcknowledgedAsync(100, "the appenders get going");
            cluster.Isolate(primary);
            toStandby.Cut();
            toPrimary.Cut();
            var outage = Stopwatch.StartNew();
            var fault = DateTime.UtcNow;

            // The cut-off primary's commits wait for the standby that no longer answers; Patroni, cut
            // off from etcd, demotes it (it does not relax synchronous replication without etcd), and
            // the standby's Patroni promotes it once the leader key has expired.
            await cluster.WaitAsync(async () => !await TakesWritesAsync(primary), Switch, $"{primary.Name} demoted");
            var demotedAfter = outage.Elapsed;
            var promoted = await cluster.WaitForPrimaryAsync(Switch, not: primary);
            var promotedAfter = outage.Elapsed;
            var writesAgain = await run.WaitForWritesAgainAsync(fault);
            await run.WaitForAcknowledgedAsync(run.Acknowledged + 50, "storage b appends on the promoted standby");

            // Storage a, on the old primary's side, acknowledged no append sent during the cut, and answered every one.
            var refusedByA = run.Loads[0].Unavailable;
            cluster.HealAll();
            toStandby.Heal();
            toPrimary.Heal();
            var healed = Stopwatch.StartNew();
            var acknowledgedByADuringCut = run.Loads[0].Answered.Count(x => x.Sent >= fault && x.Answered < DateTime.UtcNow - healed.Elapsed);
            await cluster.WaitForSyncStandbyAsync(promoted, primary, Switch);
            var rejoinedAfter = healed.Elapsed;
            var acknowledgedByA = run.Loads[0].Acknowledged.Count;
            await FaultLoad.WaitUntilAsync(() => run.Loads[0].Acknowledged.Count > acknowledgedByA + 20, "storage a appends again once the cut heals");

            var result = await run.FinishAsync(promoted);
            result.Report(
                $"partitioned primary ({primary.Name} cut off from etcd and {standby.Name}, still reachable by storage a): demoted after {demotedAfter.TotalSeconds:0.0} s, " +
                $"{standby.Name} promoted after {promotedAfter.TotalSeconds:0.0} s, storage a during the cut: acknowledged={acknowledgedByADuringCut} unavailable={refusedByA} " +
                $"slowest answer={run.Loads[0].Slowest.TotalSeconds:0.0} s, rejoined as standby {rejoinedAfter.TotalSeconds:0.0} s after the heal",
                writesAgain);
            Assert.Equal(0, acknowledgedByADuringCut);
            Assert.True(refusedByA > 0, "storage a was never asked to append during the cut");
            await result.AssertWholeAsync();
        });
    }

    [Fact]
    public async Task The_old_primary_rejoins_as_a_standby_and_a_failover_back_to_it_loses_nothing()
    {
        await using var cluster = await PatroniCluster.StartAsync();
        await WithLogsAsync(cluster, async () =>
        {
            var (first, second) = (cluster.Nodes[0], cluster.Nodes[1]);
            await using var run = await Run.OnEveryHostAsync(cluster);

            await run.WaitForAcknowledgedAsync(100, "the appenders get going");
            var (_, _, writesAgain) = await run.KillAsync(cluster, first);

            // The old primary's Patroni comes back: it rewinds its PostgreSQL if it must and follows the new primary.
            first.StartPatroni();
            var restarted = Stopwatch.StartNew();
            await cluster.WaitForSyncStandbyAsync(second, first, Switch);
            var rejoinedAfter = restarted.Elapsed;
            await run.WaitForAcknowledgedAsync(run.Acknowledged + 100, "appends go on with the old primary as the synchronous standby");

            // And back: the new primary dies, the old one is promoted.
            var (promoted, _, writesAgainBack) = await run.KillAsync(cluster, second);
            Assert.Same(first, promoted);

            var result = await run.FinishAsync(promoted);
            result.Report(
                $"old primary back (Patroni restarted on {first.Name}: synchronous standby after {rejoinedAfter.TotalSeconds:0.0} s, then {second.Name} SIGKILLed and {first.Name} promoted again; " +
                $"first failover: writes again after {writesAgain.TotalSeconds:0.0} s)",
                writesAgainBack);
            await result.AssertWholeAsync();
        });
    }

    /// <summary>Runs a test's body; a failure carries the cluster's etcd, Patroni and PostgreSQL output.</summary>
    private static async Task WithLogsAsync(PatroniCluster cluster, Func<Task> body)
    {
        try
        {
            await body();
        }
        catch (Xunit.Sdk.XunitException ex)
        {
            throw new Xunit.Sdk.XunitException($"{ex.Message}\n{cluster.Logs}", ex);
        }
    }

    private static async Task<StorageDatabase> CreateDatabaseAsync(PatroniNode primary)
    {
        var directory = Path.Combine(Path.GetTempPath(), "timeline-tests", "patroni-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        return await StorageDatabase.CreateAsync(StorageBackend.Postgres, directory, primary.Server);
    }

    /// <summary>The storage connection string of docs/SCALING.md "three machines": every host, the primary wanted, short connect and command timeouts.</summary>
    private static string ConnectionString(StorageDatabase database, params int[] ports) =>
        $"Host={string.Join(',', ports.Select(p => $"127.0.0.1:{p}"))};Username=postgres;Database={database.DatabaseName};" +
        "Target Session Attributes=primary;Host Recheck Seconds=1;Timeout=3;Command Timeout=10";

    private static Dictionary<string, string?> Settings(string connectionString) => new() { ["Storage:ConnectionString"] = connectionString };

    /// <summary>Whether the node's PostgreSQL answers as a primary (not stopped, not a standby).</summary>
    private static async Task<bool> TakesWritesAsync(PatroniNode node)
    {
        try
        {
            return await node.Server.ExecuteAsync("SELECT pg_is_in_recovery()") == "f";
        }
        catch (InvalidOperationException)
        {
            return false; // stopped (Patroni keeps a demoted node down while it cannot reach etcd)
        }
    }

    private static AppendEventsRequest Batch(string batch) => Events.Batch(batch, EventsPerBatch, "patroni");

    /// <summary>Appenders and a watcher on each storage instance (its own: disposed with it), until <see cref="FinishAsync"/>.</summary>
    private sealed class Run : IAsyncDisposable
    {
        private readonly StorageServer[] instances;
        private readonly CancellationTokenSource stop = new();
        private readonly Task[] appenders;
        private readonly Task<(List<long> Positions, int Resumes)>[] watchers;

        public Run(StorageServer[] instances)
        {
            this.instances = instances;
            // An instance whose hosts sit behind a cut answers after a connect timeout per host, a retry
            // and a command timeout (about 8 s here on an idle machine): 30 s is the bound a hang would break,
            // with room for a loaded CI machine (at 15 s a CI run saw two DEADLINE_EXCEEDED in the partition test).
            Loads = [.. instances.Select(_ => new FaultLoad(Batch, answerWithin: TimeSpan.FromSeconds(30)))];
            appenders = [.. instances.SelectMany((instance, i) => Loads[i].Start(instance.Client, AppendersPerInstance, stop.Token, prefix: $"s{i}a"))];
            watchers = [.. instances.Select(instance => Task.Run(() => LogFollower.FollowAsync(instance.Client, stop.Token)))];
        }

        /// <summary>Two storage instances given every node of <paramref name="cluster"/>, on a fresh database made on the first (the primary).</summary>
        public static async Task<Run> OnEveryHostAsync(PatroniCluster cluster)
        {
            var database = await CreateDatabaseAsync(cluster.Nodes[0]);
            var everyHost = ConnectionString(database, [.. cluster.Nodes.Select(n => n.Port)]);
            var a = await StorageServer.StartOnAsync(database, Settings(everyHost));
            try
            {
                return new Run([a, await StorageServer.StartOnAsync(database, Settings(everyHost))]);
            }
            catch
            {
                await a.DisposeAsync();
                throw;
            }
        }

        /// <summary>SIGKILLs <paramref name="node"/> (the primary) and its Patroni; returns the node Patroni promotes, after how long, and when appends were acknowledged again.</summary>
        public async Task<(PatroniNode Promoted, TimeSpan PromotedAfter, TimeSpan WritesAgain)> KillAsync(PatroniCluster cluster, PatroniNode node)
        {
            var unavailable = Unavailable;
            await node.KillAsync();
            var fault = DateTime.UtcNow;
            await WaitForUnavailableAsync(unavailable);
            var promoted = await cluster.WaitForPrimaryAsync(Switch, not: node);
            var promotedAfter = DateTime.UtcNow - fault;
            return (promoted, promotedAfter, await WaitForWritesAgainAsync(fault));
        }

        public async ValueTask DisposeAsync()
        {
            await stop.CancelAsync();
            foreach (var instance in instances)
            {
                await instance.DisposeAsync();
            }

            stop.Dispose();
        }

        /// <summary>Each instance's appends.</summary>
        public FaultLoad[] Loads { get; }

        public int Acknowledged => Loads.Sum(l => l.Acknowledged.Count);

        public int Unavailable => Loads.Sum(l => l.Unavailable);

        public Task WaitForAcknowledgedAsync(int count, string what) => FaultLoad.WaitUntilAsync(() => Acknowledged >= count, what);

        /// <summary>Waits until appends are refused with UNAVAILABLE (more than <paramref name="before"/>), as they are while there is no primary.</summary>
        public Task WaitForUnavailableAsync(int before = 0) =>
            FaultLoad.WaitUntilAsync(() => Unavailable >= before + 4, "appends are refused with UNAVAILABLE while there is no primary");

        /// <summary>Waits until an append sent after <paramref name="fault"/> is acknowledged; returns how long after the fault that was.</summary>
        public async Task<TimeSpan> WaitForWritesAgainAsync(DateTime fault)
        {
            DateTime? first = null;
            await FaultLoad.WaitUntilAsync(() => (first = Loads.Select(l => l.FirstAcknowledgedSentAfter(fault)).Min()) is not null, "appends are acknowledged again");
            return first!.Value - fault;
        }

        /// <summary>Stops the load, retries what was not acknowledged, and reads the log from the new primary's side.</summary>
        public async Task<Result> FinishAsync(PatroniNode primary)
        {
            await stop.CancelAsync();
            await Task.WhenAll(appenders).WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
            var retried = 0;
            foreach (var load in Loads)
            {
                retried += await load.RetryUnacknowledgedAsync(instances[^1].Client);
            }

            var stored = await Events.ReadAllAsync(instances[^1].Client);
            var head = stored.Count == 0 ? 0 : stored.Values.Max(e => e.Position);
            var followed = new List<List<long>>();
            var resumes = 0;
            for (var i = 0; i < instances.Length; i++)
            {
                var (positions, resumed) = await watchers[i].WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
                positions.AddRange(await LogFollower.ReadLogAsync(instances[i].Client, positions.Count > 0 ? positions[^1] : 0, head));
                followed.Add(positions);
                resumes += resumed;
            }

            var onPrimary = instances[0].Database.On(primary.Server);
            return new Result(this, stored, head, followed, resumes, retried, onPrimary);
        }

        public sealed record Result(Run Run, Dictionary<string, EventRecord> Stored, long Head, List<List<long>> Followed, int Resumes, int Retried, StorageDatabase OnPrimary)
        {
            public int Lost => Run.Loads.Sum(l => l.Lost(Stored));

            public int Duplicated => Stored.Values.Count(e => e.Revision != 1);

            /// <summary>Positions a watcher saw twice or missed, over all watchers.</summary>
            public int Repeated => Followed.Sum(f => f.Count - f.Distinct().Count());

            public long Gaps => Followed.Sum(f => Head - f.Distinct().Count());

            public void Report(string what, TimeSpan writesAgain) => Figures.Report(
                $"{what} under {Run.Loads.Length * AppendersPerInstance} appenders on {Run.Loads.Length} storage instances: " +
                $"acknowledged={Run.Acknowledged} unavailable={Run.Unavailable} other errors={Run.Loads.Sum(l => l.OtherErrors)} retried={Retried} " +
                $"(codes: {string.Join(' ', Run.Loads.Select(l => l.CodeList))}) lost={Lost} duplicated={Duplicated} watcher resumes={Resumes} repeated={Repeated} gaps={Gaps} writes again after {writesAgain.TotalSeconds:0.0} s");

            public async Task AssertWholeAsync()
            {
                Assert.True(Run.Loads.All(l => l.OtherErrors == 0), $"errors other than UNAVAILABLE: {string.Join("; ", Run.Loads.Select(l => l.CodeList))}");
                Assert.Equal(0, Lost);
                Assert.Equal(0, Duplicated);
                Assert.Equal(Run.Acknowledged * EventsPerBatch, Stored.Count);
                foreach (var positions in Followed)
                {
                    Assert.Equal(Enumerable.Range(1, (int)Head).Select(p => (long)p), positions);
                }

                await LogChecks.AssertSoundAsync(OnPrimary);
            }
        }
    }
}
