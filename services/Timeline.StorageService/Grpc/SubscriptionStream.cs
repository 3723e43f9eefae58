using System.Globalization;
using Grpc.Core;
using Timeline.Storage.V1;
using Timeline.StorageService.Storage;

namespace Timeline.StorageService.Grpc;

/// <summary>
/// Writes a <see cref="Subscription"/> to a SubscribeEvents stream: the head as a response header,
/// then each <see cref="StreamMessage"/> as its <c>oneof</c> case (<see cref="SubscriptionFrame"/>:
/// a revision read from the database goes out as its stored bytes), from one loop (a server
/// stream's writer is not thread-safe). A catch-up page goes out in one write: each of its
/// revisions but the last is written with <see cref="WriteFlags.BufferHint"/> (grpc-dotnet then
/// skips the flush, one HTTP/2 DATA frame and socket write per message; the P3 benchmark measured
/// what that cost).
/// </summary>
internal static class SubscriptionStream
{
    private static readonly WriteOptions Buffered = new(WriteFlags.BufferHint);

    public static async Task WriteAsync(Subscription subscription, IServerStreamWriter<SubscriptionFrame> stream, ServerCallContext context)
    {
        await context.WriteResponseHeadersAsync(new Metadata { { EventStoreHeaders.HeadPosition, subscription.Head.Value.ToString(CultureInfo.InvariantCulture) } });
        await foreach (var message in subscription.ReadAsync(context.CancellationToken))
        {
            stream.WriteOptions = message is StreamMessage.Stored { MoreFollows: true } ? Buffered : null;
            await stream.WriteAsync(ToFrame(message), context.CancellationToken);
        }
    }

    public static SubscriptionFrame ToFrame(StreamMessage message) => message switch
    {
        StreamMessage.Stored s => SubscriptionFrame.Of(s.Row),
        StreamMessage.Revision r => SubscriptionFrame.Of(new SubscribeEventsResponse { Event = r.Record }),
        StreamMessage.CaughtUp c => SubscriptionFrame.Of(new SubscribeEventsResponse { CaughtUp = new CaughtUp { Position = c.Position.Value } }),
        StreamMessage.Checkpoint c => SubscriptionFrame.Of(new SubscribeEventsResponse { Checkpoint = new Checkpoint { Position = c.Position.Value } }),
        _ => throw new ArgumentOutOfRangeException(nameof(message), message, "not a stream message"),
    };
}
