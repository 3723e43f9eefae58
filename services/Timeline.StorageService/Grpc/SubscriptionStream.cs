using System.Globalization;
using Grpc.Core;
using Timeline.Storage.V1;
using Timeline.StorageService.Storage;

namespace Timeline.StorageService.Grpc;

/// <summary>
/// Writes a <see cref="Subscription"/> to a SubscribeEvents stream: the head as a response header,
/// then each <see cref="StreamMessage"/> as its <c>oneof</c> case (<see cref="SubscriptionFrame"/>:
/// each revision goes out as its stored bytes and ids, caught up or live alike), from one loop (a
/// server stream's writer is not thread-safe). Revisions go out as one <c>batch</c> per
/// <see cref="StreamMessage.Revisions"/> when the subscriber asked for batches, else as one
/// <c>event</c> each. What is at hand goes out in one write: each message but the last is written
/// with <see cref="WriteFlags.BufferHint"/> (grpc-dotnet then skips the flush, one HTTP/2 DATA frame
/// and socket write per message; the P3 benchmark measured what that cost).
/// </summary>
internal static class SubscriptionStream
{
    private static readonly WriteOptions Buffered = new(WriteFlags.BufferHint);

    public static async Task WriteAsync(Subscription subscription, IServerStreamWriter<SubscriptionFrame> stream, ServerCallContext context)
    {
        await context.WriteResponseHeadersAsync(new Metadata { { EventStoreHeaders.HeadPosition, subscription.Head.Value.ToString(CultureInfo.InvariantCulture) } });
        var batched = subscription.Batches.Batched;
        await foreach (var message in subscription.ReadAsync(context.CancellationToken))
        {
            if (message is StreamMessage.Revisions revisions)
            {
                if (batched)
                {
                    stream.WriteOptions = revisions.MoreFollows ? Buffered : null;
                    await stream.WriteAsync(SubscriptionFrame.Batch(revisions.Items), context.CancellationToken);
                    continue;
                }

                var items = revisions.Items;
                for (var i = 0; i < items.Count; i++)
                {
                    stream.WriteOptions = revisions.MoreFollows || i < items.Count - 1 ? Buffered : null;
                    await stream.WriteAsync(SubscriptionFrame.Single(items[i]), context.CancellationToken);
                }

                continue;
            }

            stream.WriteOptions = null;
            await stream.WriteAsync(ToFrame(message), context.CancellationToken);
        }
    }

    public static SubscriptionFrame ToFrame(StreamMessage message) => message switch
    {
        StreamMessage.CaughtUp c => SubscriptionFrame.Of(new SubscribeEventsResponse { CaughtUp = new CaughtUp { Position = c.Position.Value } }),
        StreamMessage.Checkpoint c => SubscriptionFrame.Of(new SubscribeEventsResponse { Checkpoint = new Checkpoint { Position = c.Position.Value } }),
        _ => throw new ArgumentOutOfRangeException(nameof(message), message, "not a stream message written alone"),
    };
}
