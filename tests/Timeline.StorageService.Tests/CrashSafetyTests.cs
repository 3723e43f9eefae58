using Timeline.Storage.V1;
using Timeline.Tests.Shared;
using Timeline.V1;

namespace Timeline.StorageService.Tests;

/// <summary>
/// Nothing acknowledged is lost: concurrent writers append batches while the storage process is
/// killed with SIGKILL at random moments and restarted on the same database; afterwards every
/// acknowledged batch is there exactly once, no batch is half there, retries of unacknowledged
/// batches are recognized, and the stored log is sound (<see cref="LogChecks"/>, with SQLite's
/// integrity check).
/// </summary>
public abstract class CrashSafetyTests(StorageBackend backend)
{
    private const int Kills = 20;
    private const int Writers = 4;
    private const int EventsPerBatch = 3;

    [Fact]
    public async Task Acknowledged_appends_survive_sigkill_exactly_once()
    {
        var directory = Path.Combine(Path.GetTempPath(), "timeline-tests", "crash-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        await using var database = await StorageDatabase.CreateAsync(backend, directory);
        var load = new FaultLoad(Batch);
        var random = new Random(1410);
        var startTimeout = TimeSpan.FromSeconds(60);
        var storage = new StorageProcess(database);
        try
        {
            await storage.StartAsync(startTimeout);
            for (var kill = 0; kill < Kills; kill++)
            {
                using var stop = new CancellationTokenSource();
                var writers = load.Start(storage.Client, Writers, stop.Token, prefix: $"k{kill}-w");
                await Task.Delay(random.Next(150, 600), cancellationToken: TestContext.Current.CancellationToken);
                await storage.KillAsync();
                await stop.CancelAsync();
                await Task.WhenAll(writers).WaitAsync(TimeSpan.FromSeconds(60), cancellationToken: TestContext.Current.CancellationToken);
                await storage.StartAsync(startTimeout);

                // Retry what was in flight: a committed batch answers no-op with its original position.
                await load.RetryUnacknowledgedAsync(storage.Client);
            }

            var stored = await Events.ReadAllAsync(storage.Client);
            var acknowledged = load.Acknowledged;
            var lost = load.Lost(stored);
            var duplicated = stored.Values.Count(e => e.Revision != 1);
            var halfPresent = stored.Keys.Select(k => k[..k.LastIndexOf('-')]).GroupBy(b => b).Count(g => g.Count() != EventsPerBatch);
            var strays = stored.Keys.Select(k => k[..k.LastIndexOf('-')]).Distinct().Count(b => !acknowledged.ContainsKey(b));
            Figures.Report($"{backend}: kills={Kills} acknowledged={acknowledged.Count} lost={lost} duplicated={duplicated}");

            Assert.True(acknowledged.Count > Kills, $"the writers got only {acknowledged.Count} acknowledgements");
            Assert.Equal(0, lost);
            Assert.Equal(0, duplicated);
            Assert.Equal(0, halfPresent);
            Assert.Equal(0, strays);
            Assert.Equal(acknowledged.Count * EventsPerBatch, stored.Count);
        }
        finally
        {
            await storage.KillAsync();
        }

        await LogChecks.AssertSoundAsync(database);
        Directory.Delete(directory, recursive: true);
    }

    private static AppendEventsRequest Batch(string batch) => Events.Batch(batch, EventsPerBatch, "crash");

    public sealed class Sqlite() : CrashSafetyTests(StorageBackend.Sqlite);

    public sealed class Postgres() : CrashSafetyTests(StorageBackend.Postgres);
}
