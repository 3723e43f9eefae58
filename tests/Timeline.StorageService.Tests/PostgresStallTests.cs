using System.Diagnostics;
using Grpc.Core;
using Grpc.Health.V1;
using Timeline.Storage.V1;
using Timeline.StorageService.Storage.Postgres;
using Timeline.Tests.Shared;

namespace Timeline.StorageService.Tests;

/// <summary>
/// PostgreSQL stalled, not stopped: every process of the server paused with SIGSTOP (a paused VM,
/// a black-holed network), then resumed. With the connection string's timeouts left to the service
/// (5 s to connect and per command), appends fail fast with UNAVAILABLE instead of waiting for the
/// whole stall, health is not SERVING, and appends succeed again once the server resumes.
/// </summary>
public sealed class PostgresStallTests
{
    [Fact]
    public async Task A_paused_database_makes_appends_unavailable_in_bounded_time_then_they_succeed_again()
    {
        await using var cluster = await PostgresCluster.StartNewAsync();
        var directory = Path.Combine(Path.GetTempPath(), "timeline-tests", "stall-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        await using var database = await StorageDatabase.CreateAsync(StorageBackend.Postgres, directory, cluster);

        // The tests' connection strings set a command timeout of 30 s; here the service's own default applies.
        var connectionString = string.Join(';', database.ConnectionString!.Split(';').Where(p => !p.StartsWith("Command Timeout=", StringComparison.Ordinal)));
        await using var server = await StorageServer.StartOnAsync(database, new Dictionary<string, string?> { ["Storage:ConnectionString"] = connectionString });
        await server.Client.AppendEventsAsync(Events.Batch("before", 3, "stall"), deadline: DateTime.UtcNow.AddSeconds(30), cancellationToken: TestContext.Current.CancellationToken);

        var answers = new List<(StatusCode Code, TimeSpan Took)>();
        try
        {
            await cluster.SignalAsync("STOP");
            for (var i = 0; i < 3; i++)
            {
                var call = Stopwatch.StartNew();
                var e = await Assert.ThrowsAsync<RpcException>(() => server.Client.AppendEventsAsync(Events.Batch($"stalled{i}", 3, "stall"), deadline: DateTime.UtcNow.AddSeconds(60), cancellationToken: TestContext.Current.CancellationToken).ResponseAsync.WaitAsync(TimeSpan.FromSeconds(90), TestContext.Current.CancellationToken));
                answers.Add((e.StatusCode, call.Elapsed));
            }

            Assert.NotEqual(HealthCheckResponse.Types.ServingStatus.Serving, (await server.Health.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(10), cancellationToken: TestContext.Current.CancellationToken)).Status);
        }
        finally
        {
            await cluster.SignalAsync("CONT");
        }

        Figures.Report($"PostgreSQL SIGSTOPped: appends {string.Join(", ", answers.Select(a => $"{a.Code} after {a.Took.TotalSeconds:0.0} s"))} (timeouts {PostgresDatabase.StalledAfter.TotalSeconds:0} s)");
        Assert.All(answers, a => Assert.Equal(StatusCode.Unavailable, a.Code));

        // Bounded by the command or connect timeout (plus Npgsql's cancellation attempt and the client's retries), far below the stall.
        Assert.All(answers, a => Assert.True(a.Took < TimeSpan.FromSeconds(25), $"an append waited {a.Took}"));
        await FaultLoad.WaitUntilAsync(
            async () =>
            {
                try
                {
                    await server.Client.AppendEventsAsync(Events.Batch("after", 3, "stall"), deadline: DateTime.UtcNow.AddSeconds(30), cancellationToken: TestContext.Current.CancellationToken);
                    return true;
                }
                catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable)
                {
                    return false;
                }
            },
            "appends succeed again after SIGCONT");
        Assert.Equal(6, (await Events.ReadAllAsync(server.Client)).Count);
        await LogChecks.AssertSoundAsync(database);
    }
}
