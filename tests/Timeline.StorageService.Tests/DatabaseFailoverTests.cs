using System.Diagnostics;
using Grpc.Core;
using Timeline.Storage.V1;
using Timeline.Tests.Shared;
using static Timeline.StorageService.Tests.Assertions;

namespace Timeline.StorageService.Tests;

/// <summary>
/// PostgreSQL's own failover under the storage service: a primary and a <c>pg_basebackup</c>
/// streaming standby with <c>synchronous_standby_names</c> (an acknowledged commit is flushed on
/// both), the primary SIGKILLed under four appenders, the standby promoted with <c>pg_ctl promote</c>.
/// The storage service, given both hosts in one connection string with
/// <c>Target Session Attributes=primary</c>, answers UNAVAILABLE during the switch and carries on
/// against the promoted server by itself: every acknowledged append is there exactly once, a
/// subscriber resumes from its last position with no gap, and a retry of each unacknowledged batch
/// is all new or all no-op.
/// </summary>
public sealed class DatabaseFailoverTests
{
    private const int Appenders = 4;
    private const int EventsPerBatch = 2;

    [Fact]
    public async Task Killing_the_primary_and_promoting_the_synchronous_standby_loses_and_doubles_nothing()
    {
        await using var primary = await PostgresCluster.StartNewAsync();
        var directory = Path.Combine(Path.GetTempPath(), "timeline-tests", "failover-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var onPrimary = await StorageDatabase.CreateAsync(StorageBackend.Postgres, directory, primary);
        await using var standby = await primary.StartStandbyAsync(synchronous: true);
        var onStandby = onPrimary.On(standby);
        var multiHost = $"Host=127.0.0.1:{primary.Port},127.0.0.1:{standby.Port};Username=postgres;Database={onPrimary.DatabaseName};"
            + "Target Session Attributes=primary;Host Recheck Seconds=1;Timeout=3;Command Timeout=10";
        await using var server = await StorageServer.StartOnAsync(onPrimary, new Dictionary<string, string?> { ["Storage:ConnectionString"] = multiHost });

        var load = new FaultLoad(Batch);
        var acknowledged = load.Acknowledged;
        using var stop = new CancellationTokenSource();
        var appenders = load.Start(server.Client, Appenders, stop.Token);
        var subscriber = Task.Run(() => LogFollower.FollowAsync(server.Client, stop.Token));

        await FaultLoad.WaitUntilAsync(() => acknowledged.Count >= 100, "the appenders get going");
        var beforeKill = acknowledged.Count;
        await primary.KillAsync();
        var outage = Stopwatch.StartNew();
        await FaultLoad.WaitUntilAsync(() => load.Unavailable >= 8, "appends are refused with UNAVAILABLE while there is no primary");
        var acknowledgedWhileNoPrimary = acknowledged.Count;

        await standby.PromoteAsync();
        await FaultLoad.WaitUntilAsync(() => acknowledged.Count >= acknowledgedWhileNoPrimary + 100, "appends succeed on the promoted standby");
        var recovered = outage.Elapsed;
        await stop.CancelAsync();
        await Task.WhenAll(appenders).WaitAsync(TimeSpan.FromSeconds(60), cancellationToken: TestContext.Current.CancellationToken);

        var retried = await load.RetryUnacknowledgedAsync(server.Client);

        var stored = await Events.ReadAllAsync(server.Client);
        var head = stored.Values.Max(e => e.Position);
        var (followed, resumes) = await subscriber.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken: TestContext.Current.CancellationToken);
        var log = await LogFollower.ReadLogAsync(server.Client, followed.Count > 0 ? followed[^1] : 0, head);
        followed.AddRange(log);

        var lost = load.Lost(stored);
        var duplicated = stored.Values.Count(e => e.Revision != 1);
        var gaps = head - followed.Distinct().Count();
        var other = load.OtherErrors;
        Figures.Report(
            $"database failover (SIGKILL primary, pg_ctl promote synchronous standby) under {Appenders} appenders: acknowledged={acknowledged.Count} " +
            $"before kill={beforeKill} unavailable={load.Unavailable} other errors={other} retried={retried} " +
            $"lost={lost} duplicated={duplicated} subscriber resumes={resumes} gaps={gaps} writes again after {recovered.TotalSeconds:0.0} s");

        Assert.True(other == 0, $"errors other than UNAVAILABLE: {load.CodeList}");
        Assert.Equal(0, lost);
        Assert.Equal(0, duplicated);
        Assert.Equal(acknowledged.Count * EventsPerBatch, stored.Count);
        Assert.Equal(Enumerable.Range(1, (int)head).Select(p => (long)p), followed);
        await LogChecks.AssertSoundAsync(onStandby);
    }

    private static AppendEventsRequest Batch(string batch) => Events.Batch(batch, EventsPerBatch, "failover");
}
