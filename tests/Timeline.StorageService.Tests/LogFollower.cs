using Grpc.Core;
using Timeline.Storage.V1;
using static Timeline.StorageService.Tests.Assertions;

namespace Timeline.StorageService.Tests;

/// <summary>A SubscribeEvents subscriber of the database failover tests, as a watcher would be: it follows the log and resumes from its last position after every break.</summary>
internal static class LogFollower
{
    /// <summary>Follows the log from the start, resuming from the last position after every break, until stopped.</summary>
    public static async Task<(List<long> Positions, int Resumes)> FollowAsync(EventStoreService.EventStoreServiceClient client, CancellationToken stop)
    {
        var positions = new List<long>();
        var resumes = 0;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using var call = client.SubscribeEvents(new SubscribeEventsRequest { FromPosition = positions.Count > 0 ? positions[^1] : 0 }, cancellationToken: stop);
                while (await call.ResponseStream.MoveNext(stop))
                {
                    if (call.ResponseStream.Current.Event is { } e)
                    {
                        positions.Add(e.Position);
                    }
                }
            }
            catch (RpcException) when (!stop.IsCancellationRequested)
            {
                resumes++;
                await Task.Delay(100, CancellationToken.None);
            }
            catch (Exception ex) when (ex is RpcException or OperationCanceledException && stop.IsCancellationRequested)
            {
            }
        }

        return (positions, resumes);
    }

    /// <summary>The rest of the log after <paramref name="after"/> up to <paramref name="head"/>, as a subscriber resuming there reads it.</summary>
    public static async Task<List<long>> ReadLogAsync(EventStoreService.EventStoreServiceClient client, long after, long head)
    {
        var positions = new List<long>();
        if (after >= head)
        {
            return positions;
        }

        using var timeout = new CancellationTokenSource(CallTimeout);
        using var call = client.SubscribeEvents(new SubscribeEventsRequest { FromPosition = after }, cancellationToken: timeout.Token);
        while (await call.ResponseStream.MoveNext(timeout.Token))
        {
            if (call.ResponseStream.Current.Event is { } e)
            {
                positions.Add(e.Position);
                if (e.Position >= head)
                {
                    break;
                }
            }
        }

        return positions;
    }
}
