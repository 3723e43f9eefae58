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

    /// <summary>
    /// A matching revision read from the database while catching up, as stored (the body not parsed:
    /// <c>Grpc/SubscriptionFrame</c> writes it as it is). <paramref name="MoreFollows"/>: the next
    /// message is already at hand (the rest of a catch-up page), so the writer may hold this one back
    /// and send both in one write; the last revision of a page is sent at once.
    /// </summary>
    public sealed record Stored(StoredRevision Row, bool MoreFollows) : StreamMessage;

    /// <summary>A matching live revision, as the writer committed it, sent at once.</summary>
    public sealed record Revision(EventRecord Record) : StreamMessage;

    /// <summary>Every stored revision up to <paramref name="Position"/> was sent; live ones follow.</summary>
    public sealed record CaughtUp(LogPosition Position) : StreamMessage;

    /// <summary>Nothing matching up to <paramref name="Position"/>: resume from there.</summary>
    public sealed record Checkpoint(LogPosition Position) : StreamMessage;
}
