using Timeline.V1;

namespace Timeline.StorageService.Storage;

/// <summary>
/// What a subscription to the log sends, a closed set (mirrored by the <c>oneof</c> of
/// <c>SubscribeEventsResponse</c>; written to the gRPC stream in <c>Grpc/SubscriptionStream</c>).
/// </summary>
internal abstract record StreamMessage
{
    private StreamMessage()
    {
    }

    /// <summary>A matching revision, in position order.</summary>
    public sealed record Revision(EventRecord Record) : StreamMessage;

    /// <summary>Every stored revision up to <paramref name="Position"/> was sent; live ones follow.</summary>
    public sealed record CaughtUp(LogPosition Position) : StreamMessage;

    /// <summary>Nothing matching up to <paramref name="Position"/>: resume from there.</summary>
    public sealed record Checkpoint(LogPosition Position) : StreamMessage;
}
