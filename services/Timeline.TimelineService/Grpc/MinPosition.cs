using Grpc.Core;
using Timeline.Domain.Validation;
using Timeline.TimelineServer.Deadlines;

namespace Timeline.TimelineServer.Grpc;

/// <summary>
/// The rule of a request's <c>min_position</c> (read-your-writes on any replica): 0 asks for
/// nothing; negative is refused; otherwise the call waits until this replica's projection has read
/// the log that far, at most <see cref="TimelineOptions.MinPositionWait"/> and at most half the
/// time left before the caller's deadline (so the caller still has time to try another replica),
/// then is refused: OUT_OF_RANGE (PAST_END_OF_LOG) when the replica follows storage live and the
/// whole wait passed without the log reaching the position, else UNAVAILABLE (PROJECTION_BEHIND)
/// naming the position reached.
/// </summary>
internal static class MinPosition
{
    public static Task WaitAsync(DeadlineProjection projection, TimelineOptions options, long minPosition, ServerCallContext context)
    {
        if (minPosition < 0)
        {
            throw ProblemException.Invalid("min_position", "must not be negative (0 = no minimum)");
        }

        if (minPosition == 0)
        {
            return Task.CompletedTask;
        }

        var wait = Wait(options.MinPositionWait, context.Deadline, DateTime.UtcNow);
        return projection.WaitForPositionAsync(minPosition, wait, conclusive: wait >= options.MinPositionWait, context.CancellationToken);
    }

    /// <summary>The configured wait, or half the caller's remaining time when that is shorter (transport time: the system clock).</summary>
    public static TimeSpan Wait(TimeSpan configured, DateTime deadline, DateTime now)
    {
        if (deadline == DateTime.MaxValue)
        {
            return configured;
        }

        var half = (deadline - now) / 2;
        return half < TimeSpan.Zero ? TimeSpan.Zero : half < configured ? half : configured;
    }
}
