using Grpc.Core;
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
        var acknowledged = new System.Collections.Concurrent.ConcurrentDictionary<string, long>(); // batch -> position of its first event
        var unacknowledged = new System.Collections.Concurrent.ConcurrentDictionary<string, byte>();
        var random = new Random(1410);
        var startTimeout = TimeSpan.FromSeconds(60);
        var storage = new StorageProcess(database);
        try
        {
            await storage.StartAsync(startTimeout);
            for (var kill = 0; kill < Kills; kill++)
            {
                using var stop = new CancellationTokenSource();
                var client = storage.Client;
                var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(() => WriteUntilStopped(client, $"k{kill}-w{w}", acknowledged, unacknowledged, stop.Token))).ToArray();
                await Task.Delay(random.Next(150, 600), cancellationToken: TestContext.Current.CancellationToken);
                await storage.KillAsync();
                await stop.CancelAsync();
                await Task.WhenAll(writers).WaitAsync(TimeSpan.FromSeconds(60), cancellationToken: TestContext.Current.CancellationToken);
                await storage.StartAsync(startTimeout);

                // Retry what was in flight: a committed batch answers no-op with its original position.
                foreach (var batch in unacknowledged.Keys.ToList())
                {
                    var response = await storage.Client.AppendEventsAsync(Batch(batch), cancellationToken: TestContext.Current.CancellationToken).ResponseAsync.WaitAsync(startTimeout, cancellationToken: TestContext.Current.CancellationToken);
                    var allOrNothing = response.Results.Select(r => r.NoOp).Distinct().Count();
                    Assert.Equal(1, allOrNothing);
                    acknowledged[batch] = response.Results[0].Position;
                    unacknowledged.TryRemove(batch, out _);
                }
            }

            var stored = await Events.ReadAllAsync(storage.Client);
            var lost = acknowledged.Count(a => !stored.TryGetValue($"{a.Key}-0", out var e) || e.Position != a.Value);
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

    private static async Task WriteUntilStopped(
        EventStoreService.EventStoreServiceClient client,
        string prefix,
        System.Collections.Concurrent.ConcurrentDictionary<string, long> acknowledged,
        System.Collections.Concurrent.ConcurrentDictionary<string, byte> unacknowledged,
        CancellationToken stop)
    {
        for (var n = 0; !stop.IsCancellationRequested; n++)
        {
            var batch = $"{prefix}-b{n}";
            unacknowledged[batch] = 0;
            try
            {
                var response = await client.AppendEventsAsync(Batch(batch), deadline: DateTime.UtcNow.AddSeconds(10));
                acknowledged[batch] = response.Results[0].Position;
                unacknowledged.TryRemove(batch, out _);
            }
            catch (RpcException)
            {
                return; // the process died under us: the batch stays unacknowledged
            }
            catch (ObjectDisposedException)
            {
                return;
            }
        }
    }

    private static AppendEventsRequest Batch(string batch) => Events.Batch(batch, EventsPerBatch, "crash");

    public sealed class Sqlite() : CrashSafetyTests(StorageBackend.Sqlite);

    public sealed class Postgres() : CrashSafetyTests(StorageBackend.Postgres);
}
