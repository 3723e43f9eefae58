using Grpc.Core;
using Timeline.Storage.V1;

namespace Timeline.Benchmarks.Infrastructure;

/// <summary>How the benchmark reads the whole log as a client does.</summary>
internal static class LogReads
{
    /// <summary>
    /// <c>SubscribeEvents</c> from position 0 until <c>caught_up</c>, in batches (as the timeline
    /// service's projection reads the log): how many stored revisions came, each parsed by the client.
    /// </summary>
    public static async Task<long> CountToCaughtUpAsync(EventStoreService.EventStoreServiceClient client)
    {
        using var call = client.SubscribeEvents(new SubscribeEventsRequest { FromPosition = 0, MaxBatchRevisions = 1_000 });
        long events = 0;
        await foreach (var message in call.ResponseStream.ReadAllAsync())
        {
            if (message.MessageCase == SubscribeEventsResponse.MessageOneofCase.Batch)
            {
                events += message.Batch.Events.Count;
            }
            else if (message.MessageCase == SubscribeEventsResponse.MessageOneofCase.Event)
            {
                events++;
            }
            else if (message.MessageCase == SubscribeEventsResponse.MessageOneofCase.CaughtUp)
            {
                break;
            }
        }

        return events;
    }
}
