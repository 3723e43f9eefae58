using System.Globalization;
using Grpc.Core;
using Timeline.Storage.V1;
using Timeline.StorageService.Storage;

namespace Timeline.StorageService.Grpc;

/// <summary>
/// Writes a <see cref="Subscription"/> to a SubscribeEvents stream: the head as a response header,
/// then each <see cref="StreamMessage"/> as its <c>oneof</c> case, from one loop (a server stream's
/// writer is not thread-safe).
/// </summary>
internal static class SubscriptionStream
{
    public static async Task WriteAsync(Subscription subscription, IServerStreamWriter<SubscribeEventsResponse> stream, ServerCallContext context)
    {
        await context.WriteResponseHeadersAsync(new Metadata { { EventStoreHeaders.HeadPosition, subscription.Head.Value.ToString(CultureInfo.InvariantCulture) } });
        await foreach (var message in subscription.ReadAsync(context.CancellationToken))
        {
            await stream.WriteAsync(ToResponse(message), context.CancellationToken);
        }
    }

    public static SubscribeEventsResponse ToResponse(StreamMessage message) => message switch
    {
        StreamMessage.Revision r => new SubscribeEventsResponse { Event = r.Record },
        StreamMessage.CaughtUp c => new SubscribeEventsResponse { CaughtUp = new CaughtUp { Position = c.Position.Value } },
        StreamMessage.Checkpoint c => new SubscribeEventsResponse { Checkpoint = new Checkpoint { Position = c.Position.Value } },
        _ => throw new ArgumentOutOfRangeException(nameof(message), message, "not a stream message"),
    };
}
