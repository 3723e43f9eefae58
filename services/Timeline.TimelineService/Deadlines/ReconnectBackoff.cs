using Polly;
using Polly.Retry;

namespace Timeline.TimelineServer.Deadlines;

/// <summary>
/// How long the deadline projection waits before resubscribing to storage after consecutive
/// failures: Polly's exponential retry with jitter, starting near <see cref="TimelineOptions.ReconnectMinDelay"/>
/// and never above <see cref="TimelineOptions.ReconnectMaxDelay"/>, without an attempt limit
/// (the projection never gives up on its log). The jitter keeps the replicas of a restarted storage
/// service from all reconnecting in the same instant.
/// </summary>
internal static class ReconnectBackoff
{
    /// <summary>
    /// A pipeline that runs an attempt again after any failure but the caller's own cancellation,
    /// calling <paramref name="onRetry"/> with the failure and the delay chosen before it waits.
    /// </summary>
    /// <remarks>
    /// The back-off is transport time, not valid time, so it runs on <paramref name="time"/> (the
    /// system clock in the service): a test or a demo that freezes the injected clock of valid time
    /// must not freeze reconnection.
    /// </remarks>
    public static ResiliencePipeline Create(TimelineOptions options, Action<Exception, TimeSpan> onRetry, TimeProvider time) =>
        new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = args => ValueTask.FromResult(
                    args.Outcome.Exception is { } e && !args.Context.CancellationToken.IsCancellationRequested && e is not OperationCanceledException),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.ReconnectMinDelay,
                MaxDelay = options.ReconnectMaxDelay,
                MaxRetryAttempts = int.MaxValue,
                OnRetry = args =>
                {
                    onRetry(args.Outcome.Exception!, args.RetryDelay);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
}
