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
    /// <summary>The first wait before reconnecting a watch whose stream broke, doubled up to <see cref="MaxReconnectDelay"/>.</summary>
    private static readonly TimeSpan FirstReconnectDelay = TimeSpan.FromMilliseconds(100);

    private static readonly TimeSpan MaxReconnectDelay = TimeSpan.FromSeconds(1);

    private readonly Dictionary<string, DeadlineStatus> shown = new(StringComparer.Ordinal);
    private bool caughtUp;

    /// <summary>The furthest projection position any answer came from.</summary>
    public long Position { get; private set; } = request.MinPosition;

    /// <summary>True once the first stream reached its caught-up marker: from then on a broken stream is resumed.</summary>
    public bool Started => caughtUp;

    /// <summary>The deadlines a status was passed on for.</summary>
    public IReadOnlyCollection<string> Seen => shown.Keys;

    /// <summary>
    /// Every update the caller has not seen, until <paramref name="ct"/> is cancelled: a stream that
    /// breaks after the watch has started is resumed (on another replica when the client balances
    /// over several, or the same once it is back), waiting 0.1 s then doubling up to 1 s between
    /// attempts, for at most <paramref name="patience"/> without an answer, after which the last
    /// failure is thrown. A failure before the first caught-up marker (a refusal, nothing reachable)
    /// is thrown at once; a stream that ends before it ends the watch.
    /// </summary>
    /// <param name="timeline">The client for each (re)connection.</param>
    /// <param name="note">Told when the watch loses its replica and when it watches again.</param>
    public async IAsyncEnumerable<WatchDeadlinesResponse> FollowAsync(
        Func<TimelineClient> timeline, TimeSpan patience, Action<string> note, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var lostAt = (DateTime?)null;
        var delay = FirstReconnectDelay;
        while (true)
        {
            var stream = ReadAsync(timeline(), ct).GetAsyncEnumerator(ct);
            try
            {
                while (true)
                {
                    try
                    {
                        if (!await stream.MoveNextAsync())
                        {
                            break;
                        }
                    }
                    catch (Exception ex) when (!ct.IsCancellationRequested && Started && IsBrokenStream(ex))
                    {
                        if (lostAt is null)
                        {
                            lostAt = DateTime.UtcNow;
                            note($"the watch lost the timeline service ({ex.Message}); reconnecting");
                        }
                        else if (DateTime.UtcNow - lostAt > patience)
                        {
                            throw;
                        }

                        break;
                    }

                    if (lostAt is not null)
                    {
                        note($"watching again (from position {Position})");
                        (lostAt, delay) = (null, FirstReconnectDelay);
                    }

                    yield return stream.Current;
                }
            }
            finally
            {
                await stream.DisposeAsync();
            }

            if (!Started)
            {
                yield break;
            }

            await Task.Delay(delay, ct);
            delay = delay * 2 > MaxReconnectDelay ? MaxReconnectDelay : delay * 2;
        }
    }

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
