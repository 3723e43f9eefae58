using Grpc.Core;
using Timeline.V1;

namespace Timeline.Cli.Infrastructure;

/// <summary>
/// A deadline watch that can be resumed on another timeline replica without showing its caller
/// anything twice: each (re)connection asks for a projection at least as current as the last
/// <c>projection_position</c> seen (so statuses never go back in time), and of the statuses a new
/// stream starts with, only those that differ from what the caller last got are passed on; the
/// caught-up marker is passed on once.
/// </summary>
internal sealed class ResumingWatch(WatchDeadlinesRequest request)
{
    private readonly Dictionary<string, DeadlineStatus> shown = new(StringComparer.Ordinal);
    private bool caughtUp;

    /// <summary>The furthest projection position any answer came from.</summary>
    public long Position { get; private set; } = request.MinPosition;

    /// <summary>True once the first stream reached its caught-up marker: from then on a broken stream is resumed.</summary>
    public bool Started => caughtUp;

    /// <summary>The deadlines a status was passed on for.</summary>
    public IReadOnlyCollection<string> Seen => shown.Keys;

    /// <summary>One stream: what the caller has not seen yet, until the stream ends or breaks.</summary>
    public async IAsyncEnumerable<WatchDeadlinesResponse> ReadAsync(TimelineClient timeline, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var next = request.Clone();
        next.MinPosition = Position;
        using var call = timeline.WatchDeadlines(next, cancellationToken: ct);
        await foreach (var response in call.ResponseStream.ReadAllAsync(ct))
        {
            Position = Math.Max(Position, response.ProjectionPosition);
            if (Pass(response))
            {
                yield return response;
            }
        }
    }

    /// <summary>Whether an answer is news to the caller (and remembers it).</summary>
    public bool Pass(WatchDeadlinesResponse response)
    {
        switch (response.MessageCase)
        {
            case WatchDeadlinesResponse.MessageOneofCase.Status:
                if (shown.TryGetValue(response.Status.DeadlineId, out var last) && SameStatus(last, response.Status))
                {
                    return false;
                }

                shown[response.Status.DeadlineId] = response.Status;
                return true;
            case WatchDeadlinesResponse.MessageOneofCase.CaughtUp:
                var first = !caughtUp;
                caughtUp = true;
                return first;
            default:
                return false;
        }
    }

    /// <summary>A stream that broke under a started watch (the replica died, restarted or was cut off), as opposed to a refusal.</summary>
    public static bool IsBrokenStream(Exception ex) => (ex as RpcException ?? ex.InnerException as RpcException)?.StatusCode
        is StatusCode.Unavailable or StatusCode.Internal or StatusCode.Unknown or StatusCode.Cancelled or StatusCode.DeadlineExceeded;

    /// <summary>The same status as the timeline service counts it (DeadlineStatus.IsSameStatusAs): state, due date, title, responsible.</summary>
    public static bool SameStatus(DeadlineStatus a, DeadlineStatus b) =>
        a.DeadlineId == b.DeadlineId && a.State == b.State && a.Title == b.Title && a.Responsible == b.Responsible
        && a.Due?.Earliest == b.Due?.Earliest && a.Due?.Latest == b.Due?.Latest && a.Due?.Edtf == b.Due?.Edtf;
}
