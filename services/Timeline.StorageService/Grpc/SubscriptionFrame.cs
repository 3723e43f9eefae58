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
/// read from the database is not parsed and serialized again: the <c>event</c> field is written
/// as the stored body, byte for byte, followed by the revision's ids and provenance (an
/// <see cref="Timeline.V1.EventRecord"/> holding only those fields, serialized by Google.Protobuf).
/// Concatenated protobuf messages parse as their merge, and a body that passes
/// <see cref="StoredBody.PassesThrough"/> has no id field, so the client reads the very record
/// <see cref="RevisionRecord.From"/> builds. A body that does not pass, a live revision (already a
/// record in memory), caught_up and checkpoint are contract messages, serialized as such.
/// </summary>
internal sealed class SubscriptionFrame : IWireResponse<SubscriptionFrame>
{
    private static readonly byte EventTag = (byte)WireFormat.MakeTag(SubscribeEventsResponse.EventFieldNumber, WireFormat.WireType.LengthDelimited);

    private readonly SubscribeEventsResponse? message;
    private readonly byte[]? body;
    private readonly Timeline.V1.EventRecord? ids;

    private SubscriptionFrame(SubscribeEventsResponse message) => this.message = message;

    private SubscriptionFrame(byte[] body, Timeline.V1.EventRecord ids)
    {
        this.body = body;
        this.ids = ids;
    }

    public static Type Contract => typeof(SubscribeEventsResponse);

    public static Marshaller<SubscriptionFrame> Marshaller { get; } = new(Serialize, Deserialize);

    /// <summary>Whether the frame holds a stored body as it is (false: a contract message).</summary>
    public bool PassedThrough => body is not null;

    public static SubscriptionFrame Of(SubscribeEventsResponse message) => new(message);

    /// <summary>A stored revision: passed through when its body may be (<see cref="StoredBody"/>), parsed otherwise.</summary>
    public static SubscriptionFrame Of(StoredRevision revision) =>
        StoredBody.PassesThrough(revision.Body) ? new(revision.Body, revision.Ids()) : new(new SubscribeEventsResponse { Event = revision.ToRecord() });

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

        var body = frame.body!;
        var ids = frame.ids!;
        var eventSize = body.Length + ids.CalculateSize();
        var headSize = 1 + CodedOutputStream.ComputeLengthSize(eventSize);
        context.SetPayloadLength(headSize + eventSize);
        var writer = context.GetBufferWriter();
        var head = writer.GetSpan(headSize);
        head[0] = EventTag;
        WriteVarint(head[1..], (uint)eventSize);
        writer.Advance(headSize);
        writer.Write(body);
        ids.WriteTo(writer);
        context.Complete();
    }

    private static SubscriptionFrame Deserialize(DeserializationContext context) =>
        throw new NotSupportedException("a SubscriptionFrame is written by the server only; clients read SubscribeEventsResponse");

    private static void WriteVarint(Span<byte> span, uint value)
    {
        var i = 0;
        while (value >= 0x80)
        {
            span[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[i] = (byte)value;
    }
}
