using Google.Protobuf.Collections;

namespace Timeline
{
    /// <summary>A list request that pages the AIP-158 way: a size and the token of the page before.</summary>
    public interface IPagedRequest
    {
        int PageSize { get; set; }

        string PageToken { get; set; }
    }

    /// <summary>One page of an AIP-158 list: its items and the token of the next page (empty on the last).</summary>
    public interface IPage<TItem>
    {
        RepeatedField<TItem> Items { get; }

        string NextPageToken { get; }
    }
}

// The contract's list messages, marked as what they are, so one paging loop serves every caller.
namespace Timeline.V1
{
    public sealed partial class GetTimelineRequest : IPagedRequest;

    public sealed partial class GetTimelineResponse : IPage<TimelineEntry>
    {
        RepeatedField<TimelineEntry> IPage<TimelineEntry>.Items => Entries;
    }

    public sealed partial class ListDeadlinesRequest : IPagedRequest;

    public sealed partial class ListDeadlinesResponse : IPage<DeadlineStatus>
    {
        RepeatedField<DeadlineStatus> IPage<DeadlineStatus>.Items => Deadlines;
    }
}

namespace Timeline.Storage.V1
{
    public sealed partial class ListEventsRequest : IPagedRequest;

    public sealed partial class ListEventsResponse : IPage<global::Timeline.V1.EventRecord>
    {
        RepeatedField<global::Timeline.V1.EventRecord> IPage<global::Timeline.V1.EventRecord>.Items => Events;
    }
}
