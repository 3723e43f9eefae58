using System.Buffers;
using Google.Protobuf;
using Grpc.Core;
using Timeline.ServiceDefaults.Wire;
using Timeline.Storage.V1;
using Timeline.StorageService.Storage;

namespace Timeline.StorageService.Grpc;

/// <summary>
/// One SubscribeEvents response as the server writes it: its bytes are a
/// <see cref="SubscribeEventsResponse"/> (the generated client parses them as one), but a revision
/// is not parsed and serialized again for it: each revision goes out as its
/// <see cref="StoredRevision.Entry"/>, made once (the stored body, byte for byte, followed by the
/// revision's ids: <see cref="RevisionEntry"/>). An entry is an <c>EventRecord</c> field numbered 1,
/// which is both the response's <c>event</c> (one revision per message) and an element of a
/// <see cref="RevisionBatch"/>'s <c>events</c>: a batch is the <c>batch</c> field's tag and length
/// followed by its entries. The same path for catch-up and live revisions. caught_up and
/// checkpoint are contract messages, serialized as such.
/// </summary>
internal sealed class SubscriptionFrame : IWireResponse<SubscriptionFrame>
{
    private static readonly byte BatchTag = (byte)WireFormat.MakeTag(SubscribeEventsResponse.BatchFieldNumber, WireFormat.WireType.LengthDelimited);

    private readonly SubscribeEventsResponse? message;
    private readonly byte[]? entry;
    private readonly IReadOnlyList<StoredRevision>? batch;

    private SubscriptionFrame(SubscribeEventsResponse? message, byte[]? entry, IReadOnlyList<StoredRevision>? batch)
    {
        this.message = message;
        this.entry = entry;
        this.batch = batch;
    }

    public static Type Contract => typeof(SubscribeEventsResponse);

    public static Marshaller<SubscriptionFrame> Marshaller { get; } = new(Serialize, Deserialize);

    public static SubscriptionFrame Of(SubscribeEventsResponse message) => new(message, null, null);

    /// <summary>One revision as the response's <c>event</c> (its entry made now, if no subscriber made it before).</summary>
    public static SubscriptionFrame Single(StoredRevision revision) => new(null, revision.Entry, null);

    /// <summary>Consecutive revisions as the response's <c>batch</c>.</summary>
    public static SubscriptionFrame Batch(IReadOnlyList<StoredRevision> revisions)
    {
        foreach (var revision in revisions)
        {
            _ = revision.Entry;
        }

        return new(null, null, revisions);
    }

    /// <summary>As the generated marshallers do: the payload's length first, so grpc-dotnet writes straight into the response.</summary>
    private static void Serialize(SubscriptionFrame frame, SerializationContext context)
    {
        if (frame.message is { } message)
        {
            context.SetPayloadLength(message.CalculateSize());
            message.WriteTo(context.GetBufferWriter());
            context.Complete();
            return;
        }

        if (frame.entry is { } entry)
        {
            context.SetPayloadLength(entry.Length);
            context.GetBufferWriter().Write(entry);
            context.Complete();
            return;
        }

        var revisions = frame.batch!;
        var size = 0;
        foreach (var revision in revisions)
        {
            size += revision.Entry.Length;
        }

        var headSize = 1 + CodedOutputStream.ComputeLengthSize(size);
        context.SetPayloadLength(headSize + size);
        var writer = context.GetBufferWriter();
        var head = writer.GetSpan(headSize);
        head[0] = BatchTag;
        RevisionEntry.WriteVarint(head[1..], (uint)size);
        writer.Advance(headSize);
        foreach (var revision in revisions)
        {
            writer.Write(revision.Entry);
        }

        context.Complete();
    }

    private static SubscriptionFrame Deserialize(DeserializationContext context) =>
        throw new NotSupportedException("a SubscriptionFrame is written by the server only; clients read SubscribeEventsResponse");
}
