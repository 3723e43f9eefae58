using System.Collections.Concurrent;
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

        var acknowledged = new ConcurrentDictionary<string, long>();
        var unacknowledged = new ConcurrentDictionary<string, byte>();
        var codes = new ConcurrentDictionary<StatusCode, int>();
        using var stop = new CancellationTokenSource();
        var appenders = Enumerable.Range(0, Appenders)
            .Select(a => Task.Run(() => AppendUntilStopped(server.Client, $"a{a}", acknowledged, unacknowledged, codes, stop.Token)))
            .ToArray();

        await WaitUntilAsync(() => acknowledged.Count >= 50, "the appenders get going");
        await cluster.StopAsync("immediate");
        var outage = Stopwatch.StartNew();

        // Down: calls fail fast with UNAVAILABLE and health says so.
        await WaitUntilAsync(() => codes.GetValueOrDefault(StatusCode.Unavailable) >= 20, "appends are refused with UNAVAILABLE");
        await WaitUntilAsync(async () => (await HealthAsync(server)) != HealthCheckResponse.Types.ServingStatus.Serving, "health stops saying SERVING");
        var read = await Assert.ThrowsAsync<RpcException>(() => server.Client.ListEventsAsync(new ListEventsRequest()).ResponseAsync.WaitAsync(CallTimeout));
        Assert.Equal(StatusCode.Unavailable, read.StatusCode);
        var subscribe = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            using var call = server.Client.SubscribeEvents(new SubscribeEventsRequest());
            while (await call.ResponseStream.MoveNext().WaitAsync(CallTimeout))
            {
            }
        });
        Assert.Equal(StatusCode.Unavailable, subscribe.StatusCode);
        var down = acknowledged.Count;
        await Task.Delay(TimeSpan.FromSeconds(1));
        var acknowledgedWhileDown = acknowledged.Count - down;

        // Up again: the service recovers without a restart of its own.
        await cluster.StartAsync();
        await WaitUntilAsync(async () => (await HealthAsync(server)) == HealthCheckResponse.Types.ServingStatus.Serving, "health is SERVING again");
        var afterRestart = acknowledged.Count;
        await WaitUntilAsync(() => acknowledged.Count >= afterRestart + 50, "appends succeed again");
        var recovered = outage.Elapsed;
        await stop.CancelAsync();
        await Task.WhenAll(appenders).WaitAsync(TimeSpan.FromSeconds(60));

        // What was in flight when the server stopped may or may not have committed: a retry tells, all or nothing.
        var retried = 0;
        foreach (var batch in unacknowledged.Keys.ToList())
        {
            var response = await server.Client.AppendEventsAsync(Batch(batch)).ResponseAsync.WaitAsync(CallTimeout);
            Assert.Single(response.Results.Select(r => r.NoOp).Distinct());
            acknowledged[batch] = response.Results[0].Position;
            retried++;
        }

        var stored = await Events.ReadAllAsync(server.Client);
        var lost = acknowledged.Count(a => !stored.TryGetValue($"{a.Key}-0", out var e) || e.Position != a.Value);
        var duplicated = stored.Values.Count(e => e.Revision != 1);
        var halfPresent = stored.Keys.Select(k => k[..k.LastIndexOf('-')]).GroupBy(b => b).Count(g => g.Count() != EventsPerBatch);
        var other = codes.Where(c => c.Key != StatusCode.Unavailable).Sum(c => c.Value);
        Figures.Report(
            $"pg_ctl stop -m immediate under {Appenders} appenders: acknowledged={acknowledged.Count} unavailable={codes.GetValueOrDefault(StatusCode.Unavailable)} " +
            $"other errors={other} retried={retried} lost={lost} duplicated={duplicated} recovered after {recovered.TotalSeconds:0.0} s");

        Assert.True(other == 0, $"errors other than UNAVAILABLE: {string.Join(", ", codes.Select(c => $"{c.Key}={c.Value}"))}");
        Assert.Equal(0, acknowledgedWhileDown);
        Assert.Equal(0, lost);
        Assert.Equal(0, duplicated);
        Assert.Equal(0, halfPresent);
        Assert.Equal(acknowledged.Count * EventsPerBatch, stored.Count);
        await LogChecks.AssertSoundAsync(database);
    }

    private static async Task AppendUntilStopped(
        EventStoreService.EventStoreServiceClient client,
        string prefix,
        ConcurrentDictionary<string, long> acknowledged,
        ConcurrentDictionary<string, byte> unacknowledged,
        ConcurrentDictionary<StatusCode, int> codes,
        CancellationToken stop)
    {
        for (var n = 0; !stop.IsCancellationRequested; n++)
        {
            var batch = $"{prefix}-b{n}";
            unacknowledged[batch] = 0;
            try
            {
                // A deadline well above any answer the service should give: a hang shows as DEADLINE_EXCEEDED.
                var response = await client.AppendEventsAsync(Batch(batch), deadline: DateTime.UtcNow.AddSeconds(15));
                acknowledged[batch] = response.Results[0].Position;
                unacknowledged.TryRemove(batch, out _);
            }
            catch (RpcException ex)
            {
                codes.AddOrUpdate(ex.StatusCode, 1, (_, count) => count + 1);
                await Task.Delay(20, CancellationToken.None);
            }
        }
    }

    private static AppendEventsRequest Batch(string batch) => Events.Batch(batch, EventsPerBatch, "fault");

    private static async Task<HealthCheckResponse.Types.ServingStatus> HealthAsync(StorageServer server) =>
        (await server.Health.CheckAsync(new HealthCheckRequest()).ResponseAsync.WaitAsync(CallTimeout)).Status;

    private static Task WaitUntilAsync(Func<bool> condition, string what) => WaitUntilAsync(() => Task.FromResult(condition()), what);

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(60), $"timed out waiting until {what}");
            await Task.Delay(50);
        }
    }
}
