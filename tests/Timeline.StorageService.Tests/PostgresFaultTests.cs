using System.Diagnostics;
using Grpc.Core;
using Grpc.Health.V1;
using Timeline.Storage.V1;
using Timeline.Tests.Shared;
using Timeline.V1;
using static Timeline.StorageService.Tests.Assertions;

namespace Timeline.StorageService.Tests;

/// <summary>
/// The database server itself fails: PostgreSQL is stopped with <c>pg_ctl stop -m immediate</c>
/// (no checkpoint, crash recovery at the next start) while four appenders run, then started again.
/// Meanwhile every call is answered UNAVAILABLE (never a hang, never UNKNOWN) and health is not
/// SERVING; afterwards the storage service recovers by itself, every acknowledged append is there
/// exactly once, and a retry of each unacknowledged batch is all new or all no-op.
/// </summary>
public sealed class PostgresFaultTests
{
    private const int Appenders = 4;
    private const int EventsPerBatch = 3;

    [Fact]
    public async Task A_database_stopped_immediately_under_load_means_unavailable_then_recovery_with_nothing_lost_or_doubled()
    {
        await using var cluster = await PostgresCluster.StartNewAsync();
        var directory = Path.Combine(Path.GetTempPath(), "timeline-tests", "fault-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        await using var database = await StorageDatabase.CreateAsync(StorageBackend.Postgres, directory, cluster);
        await using var server = await StorageServer.StartOnAsync(database);

        var load = new FaultLoad(Batch);
        var acknowledged = load.Acknowledged;
        using var stop = new CancellationTokenSource();
        var appenders = load.Start(server.Client, Appenders, stop.Token);

        await FaultLoad.WaitUntilAsync(() => acknowledged.Count >= 50, "the appenders get going");
        await cluster.StopAsync("immediate");
        var outage = Stopwatch.StartNew();

        // Down: calls fail fast with UNAVAILABLE and health says so.
        await FaultLoad.WaitUntilAsync(() => load.Unavailable >= 20, "appends are refused with UNAVAILABLE");
        await FaultLoad.WaitUntilAsync(async () => (await HealthAsync(server)) != HealthCheckResponse.Types.ServingStatus.Serving, "health stops saying SERVING");
        var read = await Assert.ThrowsAsync<RpcException>(() => server.Client.ListEventsAsync(new ListEventsRequest(), cancellationToken: TestContext.Current.CancellationToken).ResponseAsync.WaitAsync(CallTimeout, cancellationToken: TestContext.Current.CancellationToken));
        Assert.Equal(StatusCode.Unavailable, read.StatusCode);
        var subscribe = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            using var call = server.Client.SubscribeEvents(new SubscribeEventsRequest(), cancellationToken: TestContext.Current.CancellationToken);
            while (await call.ResponseStream.MoveNext().WaitAsync(CallTimeout, cancellationToken: TestContext.Current.CancellationToken))
            {
            }
        });
        Assert.Equal(StatusCode.Unavailable, subscribe.StatusCode);
        var down = acknowledged.Count;
        await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken: TestContext.Current.CancellationToken);
        var acknowledgedWhileDown = acknowledged.Count - down;

        // Up again: the service recovers without a restart of its own.
        await cluster.StartAsync();
        await FaultLoad.WaitUntilAsync(async () => (await HealthAsync(server)) == HealthCheckResponse.Types.ServingStatus.Serving, "health is SERVING again");
        var afterRestart = acknowledged.Count;
        await FaultLoad.WaitUntilAsync(() => acknowledged.Count >= afterRestart + 50, "appends succeed again");
        var recovered = outage.Elapsed;
        await stop.CancelAsync();
        await Task.WhenAll(appenders).WaitAsync(TimeSpan.FromSeconds(60), cancellationToken: TestContext.Current.CancellationToken);

        // What was in flight when the server stopped may or may not have committed: a retry tells, all or nothing.
        var retried = await load.RetryUnacknowledgedAsync(server.Client);

        var stored = await Events.ReadAllAsync(server.Client);
        var lost = load.Lost(stored);
        var duplicated = stored.Values.Count(e => e.Revision != 1);
        var halfPresent = stored.Keys.Select(k => k[..k.LastIndexOf('-')]).GroupBy(b => b).Count(g => g.Count() != EventsPerBatch);
        var other = load.OtherErrors;
        Figures.Report(
            $"pg_ctl stop -m immediate under {Appenders} appenders: acknowledged={acknowledged.Count} unavailable={load.Unavailable} " +
            $"other errors={other} retried={retried} lost={lost} duplicated={duplicated} recovered after {recovered.TotalSeconds:0.0} s");

        Assert.True(other == 0, $"errors other than UNAVAILABLE: {load.CodeList}");
        Assert.Equal(0, acknowledgedWhileDown);
        Assert.Equal(0, lost);
        Assert.Equal(0, duplicated);
        Assert.Equal(0, halfPresent);
        Assert.Equal(acknowledged.Count * EventsPerBatch, stored.Count);
        await LogChecks.AssertSoundAsync(database);
    }

    private static AppendEventsRequest Batch(string batch) => Events.Batch(batch, EventsPerBatch, "fault");

    private static async Task<HealthCheckResponse.Types.ServingStatus> HealthAsync(StorageServer server) =>
        (await server.Health.CheckAsync(new HealthCheckRequest()).ResponseAsync.WaitAsync(CallTimeout)).Status;
}
