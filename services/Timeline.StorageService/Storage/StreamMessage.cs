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
    /// Matching revisions, consecutive in log order, caught up from the database or live: one
    /// message (<c>batch</c>) when the subscriber asked for batches (the bounds of its
    /// <see cref="SubscriptionBatches"/>), else one message (<c>event</c>) each, written together.
    /// <paramref name="MoreFollows"/>: the next message is already at hand (the rest of a catch-up
    /// page), so the writer may hold these back and send them with it; otherwise they are sent at once.
    /// </summary>
    public sealed record Revisions(IReadOnlyList<WireRevision> Items, bool MoreFollows) : StreamMessage;

    /// <summary>Every stored revision up to <paramref name="Position"/> was sent; live ones follow.</summary>
    public sealed record CaughtUp(LogPosition Position) : StreamMessage;

    /// <summary>Nothing matching up to <paramref name="Position"/>: resume from there.</summary>
    public sealed record Checkpoint(LogPosition Position) : StreamMessage;
}

/// <summary>
/// How a subscriber takes its revisions: one per message (<see cref="Batched"/> false), or in
/// batches of at most <see cref="MaxRevisions"/> revisions and <see cref="MaxBytes"/> bytes of
/// entries (a revision larger than that goes alone).
/// </summary>
internal readonly record struct SubscriptionBatches(bool Batched, int MaxRevisions, int MaxBytes)
{
    /// <summary>The most revisions a batch holds, whatever is asked.</summary>
    public const int RevisionLimit = 1_000;

    /// <summary>A batch's byte bound when none is asked (1 MiB).</summary>
    public const int DefaultBytes = 1 << 20;

    /// <summary>The most bytes a batch holds, whatever is asked (4 MiB, gRPC's default receive limit; a single larger revision still goes alone).</summary>
    public const int ByteLimit = 4 << 20;

    /// <summary>One revision per message (revisions are still handed to the writer a page at a time).</summary>
    public static SubscriptionBatches None { get; } = new(false, 500, int.MaxValue);

    /// <summary>What a request asks for: 0 and 0 is one per message; otherwise each bound capped, 0 meaning its default.</summary>
    public static SubscriptionBatches Of(int maxRevisions, int maxBytes) =>
        maxRevisions == 0 && maxBytes == 0
            ? None
            : new(true, maxRevisions == 0 ? RevisionLimit : Math.Min(maxRevisions, RevisionLimit), maxBytes == 0 ? DefaultBytes : Math.Min(maxBytes, ByteLimit));

    /// <summary>Cuts consecutive revisions into batches within the bounds, in order: each batch and whether it is the last.</summary>
    public IEnumerable<(IReadOnlyList<WireRevision> Batch, bool Last)> Cut(IReadOnlyList<WireRevision> revisions)
    {
        if (revisions.Count <= MaxRevisions && MaxBytes == int.MaxValue)
        {
            yield return (revisions, true);
            yield break;
        }

        var start = 0;
        var count = 0;
        long bytes = 0;
        for (var i = 0; i < revisions.Count; i++)
        {
            var size = MaxBytes == int.MaxValue ? 0 : revisions[i].Entry.Length;
            if (count > 0 && (count == MaxRevisions || bytes + size > MaxBytes))
            {
                yield return (Slice(revisions, start, count), false);
                start = i;
                count = 0;
                bytes = 0;
            }

            count++;
            bytes += size;
        }

        if (count > 0)
        {
            yield return (Slice(revisions, start, count), true);
        }
    }

    private static IReadOnlyList<WireRevision> Slice(IReadOnlyList<WireRevision> revisions, int start, int count)
    {
        if (start == 0 && count == revisions.Count)
        {
            return revisions;
        }

        var slice = new WireRevision[count];
        for (var j = 0; j < count; j++)
        {
            slice[j] = revisions[start + j];
        }

        return slice;
    }
}
