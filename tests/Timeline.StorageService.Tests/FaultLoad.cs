using System.Collections.Concurrent;
using System.Diagnostics;
using Grpc.Core;
using Timeline.Storage.V1;
using Timeline.V1;
using static Timeline.StorageService.Tests.Assertions;

namespace Timeline.StorageService.Tests;

/// <summary>
/// The append load of the database fault tests (a server stopped, a primary killed and its standby
/// promoted): appenders that each send batch after batch, each batch named once, and record which
/// were acknowledged (with the position of their first event), which were not, and every error code.
/// Afterwards each unacknowledged batch is retried: it may or may not have committed, so the
/// retry must be all new or all no-op. The crash test uses it across process kills too (a channel
/// disposed under an appender ends it).
/// </summary>
internal sealed class FaultLoad(Func<string, AppendEventsRequest> batch, TimeSpan? answerWithin = null)
{
    private long slowestTicks;

    public ConcurrentDictionary<string, long> Acknowledged { get; } = new();

    public ConcurrentDictionary<string, byte> Unacknowledged { get; } = new();

    public ConcurrentDictionary<StatusCode, int> Codes { get; } = new();

    /// <summary>When each acknowledged append was sent and answered (UTC).</summary>
    public ConcurrentBag<(DateTime Sent, DateTime Answered)> Answered { get; } = [];

    /// <summary>The longest any append took to be answered, acknowledged or refused.</summary>
    public TimeSpan Slowest => TimeSpan.FromTicks(Interlocked.Read(ref slowestTicks));

    public int Unavailable => Codes.GetValueOrDefault(StatusCode.Unavailable);

    /// <summary>Errors other than UNAVAILABLE (none is allowed).</summary>
    public int OtherErrors => Codes.Where(c => c.Key != StatusCode.Unavailable).Sum(c => c.Value);

    public string CodeList => string.Join(", ", Codes.Select(c => $"{c.Key}={c.Value}"));

    /// <summary>Starts <paramref name="appenders"/> appenders, named <paramref name="prefix"/>0, 1, …, until <paramref name="stop"/>.</summary>
    public Task[] Start(EventStoreService.EventStoreServiceClient client, int appenders, CancellationToken stop, string prefix = "a") =>
        [.. Enumerable.Range(0, appenders).Select(a => Task.Run(() => AppendUntilStoppedAsync(client, $"{prefix}{a}", stop)))];

    /// <summary>
    /// Retries every unacknowledged batch, asserting each is all new or all no-op; returns how many.
    /// UNAVAILABLE is retried as the contract says ("retry later"), for at most <see cref="RetryFor"/>:
    /// the instance retried through may still be reconnecting after another one writes again.
    /// </summary>
    public async Task<int> RetryUnacknowledgedAsync(EventStoreService.EventStoreServiceClient client)
    {
        var retried = 0;
        foreach (var name in Unacknowledged.Keys.ToList())
        {
            var response = await AppendRetryingUnavailableAsync(client, batch(name));
            Assert.Single(response.Results.Select(r => r.NoOp).Distinct());
            Acknowledged[name] = response.Results[0].Position;
            Unacknowledged.TryRemove(name, out _);
            retried++;
        }

        return retried;
    }

    /// <summary>How long an unacknowledged batch is retried while the service answers UNAVAILABLE.</summary>
    public static readonly TimeSpan RetryFor = TimeSpan.FromSeconds(60);

    private static async Task<AppendEventsResponse> AppendRetryingUnavailableAsync(EventStoreService.EventStoreServiceClient client, AppendEventsRequest request)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return await client.AppendEventsAsync(request).ResponseAsync.WaitAsync(CallTimeout);
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable && watch.Elapsed < RetryFor)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250));
            }
        }
    }

    /// <summary>Acknowledged batches whose first event is missing or not at the acknowledged position (stored events by id; a batch's first event is NAME-0).</summary>
    public int Lost(IReadOnlyDictionary<string, EventRecord> stored) =>
        Acknowledged.Count(a => !stored.TryGetValue($"{a.Key}-0", out var e) || e.Position != a.Value);

    /// <summary>When the first append sent at or after <paramref name="since"/> was acknowledged, if one was.</summary>
    public DateTime? FirstAcknowledgedSentAfter(DateTime since) =>
        Answered.Where(a => a.Sent >= since).Select(a => (DateTime?)a.Answered).Min();

    public static Task WaitUntilAsync(Func<bool> condition, string what) => WaitUntilAsync(() => Task.FromResult(condition()), what);

    /// <summary>Polls <paramref name="condition"/> every 50 ms; fails naming <paramref name="what"/> after 90 s.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(90), $"timed out waiting until {what}");
            await Task.Delay(50);
        }
    }

    private async Task AppendUntilStoppedAsync(EventStoreService.EventStoreServiceClient client, string prefix, CancellationToken stop)
    {
        for (var n = 0; !stop.IsCancellationRequested; n++)
        {
            var name = $"{prefix}-b{n}";
            Unacknowledged[name] = 0;
            var sent = DateTime.UtcNow;
            try
            {
                // A deadline well above any answer the service should give: a hang shows as DEADLINE_EXCEEDED.
                var response = await client.AppendEventsAsync(batch(name), deadline: sent + (answerWithin ?? TimeSpan.FromSeconds(15)));
                Acknowledged[name] = response.Results[0].Position;
                Unacknowledged.TryRemove(name, out _);
                Answered.Add((sent, DateTime.UtcNow));
                NoteAnswer(sent);
            }
            catch (RpcException ex)
            {
                NoteAnswer(sent);
                Codes.AddOrUpdate(ex.StatusCode, 1, (_, count) => count + 1);
                await Task.Delay(20, CancellationToken.None);
            }
            catch (ObjectDisposedException)
            {
                return; // the process was killed and its channel disposed: the batch stays unacknowledged
            }
        }
    }

    private void NoteAnswer(DateTime sent)
    {
        var took = (DateTime.UtcNow - sent).Ticks;
        var slowest = Interlocked.Read(ref slowestTicks);
        while (took > slowest && Interlocked.CompareExchange(ref slowestTicks, took, slowest) != slowest)
        {
            slowest = Interlocked.Read(ref slowestTicks);
        }
    }
}
