using Google.Rpc;
using Grpc.Core;
using Timeline.Storage.V1;
using Timeline.V1;

namespace Timeline.IntegrationTests.Timeline;

/// <summary>Bounded awaits for calls and streams, so a hang fails fast.</summary>
internal static class Calls
{
    public static readonly TimeSpan Timeout = TimelineSystem.Timeout;

    /// <summary>
    /// Appends through storage, then waits until the timeline service's deadline projection has read
    /// past it (the event itself or, when it does not bear on a deadline, a checkpoint): the
    /// projection follows the log asynchronously, and a deadline call right after an append would
    /// otherwise race the live delivery (more so under load, and on a backend whose commits take longer).
    /// </summary>
    public static async Task<AppendEventsResponse> AppendAsync(this TimelineSystem system, params NewEvent[] events)
    {
        var response = await system.Storage.AppendEventsAsync(new AppendEventsRequest { Events = { events } }).ResponseAsync.WaitAsync(Timeout);
        var appended = response.Results.Max(r => r.Position);
        await EventuallyAsync(() => system.Projection.Current.Position >= appended, $"the deadline projection read past position {appended}");
        return response;
    }

    public static async Task<T> NextAsync<T>(this IAsyncStreamReader<T> stream, TimeSpan? timeout = null)
    {
        Assert.True(await stream.MoveNext(CancellationToken.None).WaitAsync(timeout ?? Timeout), "the stream ended");
        return stream.Current;
    }

    /// <summary>Every change a ReplayDeadlines stream sends, to its end.</summary>
    public static async Task<List<ReplayDeadlinesResponse>> ReplayAsync(this TimelineSystem system, string from, string to)
    {
        using var call = system.Timeline.ReplayDeadlines(new ReplayDeadlinesRequest { From = from, To = to });
        var changes = new List<ReplayDeadlinesResponse>();
        while (await call.ResponseStream.MoveNext(CancellationToken.None).WaitAsync(Timeout))
        {
            changes.Add(call.ResponseStream.Current);
        }

        return changes;
    }

    /// <summary>Reads the initial statuses of a watch up to its caught-up marker.</summary>
    public static async Task<(List<DeadlineStatus> Statuses, WatchCaughtUp CaughtUp)> InitialAsync(this IAsyncStreamReader<WatchDeadlinesResponse> stream)
    {
        var statuses = new List<DeadlineStatus>();
        while (true)
        {
            var message = await stream.NextAsync();
            if (message.CaughtUp is { } caughtUp)
            {
                return (statuses, caughtUp);
            }

            statuses.Add(message.Status);
        }
    }

    public static async Task<Google.Rpc.Status> FailsWith(StatusCode code, Func<Task> call)
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => call().WaitAsync(Timeout));
        Assert.Equal(code, ex.StatusCode);
        return ex.GetRpcStatus() ?? new Google.Rpc.Status { Code = (int)code, Message = ex.Status.Detail };
    }

    public static IEnumerable<string> ViolatedFields(this Google.Rpc.Status status) =>
        status.GetDetail<BadRequest>()?.FieldViolations.Select(v => v.Field) ?? [];

    public static Task EventuallyAsync(Func<bool> condition, string what) => EventuallyAsync(() => Task.FromResult(condition()), what);

    /// <summary>Polls <paramref name="condition"/> (a call, say) every 20 ms until it holds, for at most <see cref="Timeout"/>.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        while (!await condition())
        {
            Assert.False(timeout.IsCancellationRequested, $"timed out waiting until {what}");
            await Task.Delay(TimeSpan.FromMilliseconds(20), CancellationToken.None);
        }
    }
}
