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
/// <see cref="WireRevision.Entry"/>, made once (the stored body, byte for byte, followed by the
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
    private readonly ReadOnlyMemory<byte> entry;
    private readonly IReadOnlyList<WireRevision>? batch;

    private SubscriptionFrame(SubscribeEventsResponse? message, ReadOnlyMemory<byte> entry, IReadOnlyList<WireRevision>? batch)
    {
        this.message = message;
        this.entry = entry;
        this.batch = batch;
    }

    public static Type Contract => typeof(SubscribeEventsResponse);

    public static Marshaller<SubscriptionFrame> Marshaller { get; } = new(Serialize, Deserialize);

    public static SubscriptionFrame Of(SubscribeEventsResponse message) => new(message, default, null);

    /// <summary>One revision as the response's <c>event</c>.</summary>
    public static SubscriptionFrame Single(WireRevision revision) => new(null, revision.Entry, null);

    /// <summary>Consecutive revisions as the response's <c>batch</c>.</summary>
    public static SubscriptionFrame Batch(IReadOnlyList<WireRevision> revisions) => new(null, default, revisions);

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

        if (frame.batch is not { } revisions)
        {
            context.SetPayloadLength(frame.entry.Length);
            context.GetBufferWriter().Write(frame.entry.Span);
            context.Complete();
            return;
        }

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
            writer.Write(revision.Entry.Span);
        }

        context.Complete();
    }

    private static SubscriptionFrame Deserialize(DeserializationContext context) =>
        throw new NotSupportedException("a SubscriptionFrame is written by the server only; clients read SubscribeEventsResponse");
}
