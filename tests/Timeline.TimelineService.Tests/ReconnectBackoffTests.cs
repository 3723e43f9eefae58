using Grpc.Core;
using Timeline.TimelineServer.Deadlines;

namespace Timeline.TimelineServer.Tests;

/// <summary>
/// The projection's reconnect back-off on its own, on the real clock with millisecond delays:
/// it never gives up, grows towards the cap and never passes it, and two replicas failing at
/// once do not wait the same times (jitter).
/// </summary>
public sealed class ReconnectBackoffTests
{
    private static readonly TimelineOptions Options = new()
    {
        ReconnectMinDelay = TimeSpan.FromMilliseconds(1),
        ReconnectMaxDelay = TimeSpan.FromMilliseconds(16),
    };

    private static readonly RpcException Unavailable = new(new Status(StatusCode.Unavailable, "storage is down"));

    [Fact]
    public async Task It_retries_every_failure_growing_to_the_cap_and_never_past_it()
    {
        var (delays, result) = await FailThenSucceedAsync(failures: 25);

        Assert.Equal("subscribed", result);
        Assert.Equal(25, delays.Count);
        Assert.All(delays, d => Assert.InRange(d, TimeSpan.Zero, Options.ReconnectMaxDelay));
        Assert.True(delays[^1] >= Options.ReconnectMaxDelay / 2, $"after 25 failures the wait is still {delays[^1]}, far below the cap");
        Assert.True(delays.Take(2).Max() < delays.Skip(20).Min(), $"the waits do not grow: {string.Join(", ", delays)}");
    }

    [Fact]
    public async Task Two_replicas_failing_together_wait_different_times()
    {
        var (first, _) = await FailThenSucceedAsync(failures: 4);
        var (second, _) = await FailThenSucceedAsync(failures: 4);

        TimeSpan[] plain = [.. Enumerable.Range(0, 4).Select(n => Options.ReconnectMinDelay * Math.Pow(2, n))];
        Assert.NotEqual(plain, first);
        Assert.NotEqual(first, second);
    }

    [Fact]
    public async Task Stopping_the_service_ends_the_retries_without_another_attempt()
    {
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var attempts = 0;
        var pipeline = ReconnectBackoff.Create(Options, (_, _) => { }, TimeProvider.System);

        var run = pipeline.ExecuteAsync(
            token =>
            {
                if (++attempts == 3)
                {
                    stopping.Cancel();
                    throw new RpcException(new Status(StatusCode.Cancelled, "the call was cancelled"));
                }

                throw Unavailable;
            },
            stopping.Token).AsTask();

        await Assert.ThrowsAsync<RpcException>(() => run.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
        Assert.Equal(3, attempts);
    }

    private static async Task<(List<TimeSpan> Delays, string Result)> FailThenSucceedAsync(int failures)
    {
        var delays = new List<TimeSpan>();
        var pipeline = ReconnectBackoff.Create(Options, (_, delay) => delays.Add(delay), TimeProvider.System);
        var attempts = 0;
        var result = await pipeline.ExecuteAsync(
            _ => ++attempts <= failures ? throw Unavailable : ValueTask.FromResult("subscribed"),
            TestContext.Current.CancellationToken).AsTask().WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        return (delays, result);
    }
}
