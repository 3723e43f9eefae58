namespace Timeline.Storage.V1;

/// <summary>
/// The metadata of the event store's contract that protobuf cannot declare, beside the .proto that
/// documents it, so the storage service that writes a header and the clients that read it use one
/// name.
/// </summary>
public static class EventStoreHeaders
{
    /// <summary>The log's head when a <c>SubscribeEvents</c> stream starts (response header, decimal).</summary>
    public const string HeadPosition = "timeline-head-position";
}
