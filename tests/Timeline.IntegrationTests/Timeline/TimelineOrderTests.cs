using Grpc.Core;
using Timeline.Tests.Shared;
using Timeline.V1;

namespace Timeline.IntegrationTests.Timeline;

/// <summary>GetTimeline over both real services: §4's order and its order-uncertain marks, across pages.</summary>
public abstract class TimelineOrderTests(StorageBackend backend) : IAsyncLifetime
{
    private TimelineSystem _system = null!;

    public async ValueTask InitializeAsync()
    {
        _system = await TimelineSystem.StartAsync(MaliReport.ReportDay, backend);
        await _system.AppendAsync(MaliReport.Events());
    }

    public async ValueTask DisposeAsync() => await _system.DisposeAsync();

    private async Task<GetTimelineResponse> GetAsync(GetTimelineRequest request) =>
        await _system.Timeline.GetTimelineAsync(request).ResponseAsync.WaitAsync(Calls.Timeout);

    private static GetTimelineRequest Mali() => new() { Filter = new EventFilter { Tags = { "mali" } } };

    [Fact]
    public async Task The_Mali_report_reads_in_order_with_overlapping_dates_marked_uncertain()
    {
        var response = await GetAsync(Mali());

        Assert.Equal(
            [
                ("coup-2020", false),
                ("wagner", false),
                ("unsc-2690", false),
                ("armed-groups-north", true),
                ("tuareg-fighting", true),
                ("gsim-attacks", true),

                // "October 2023" begins on 1 October, so §4's order puts it before the 14 October
                // statements; it overlaps them, so all three are only "maybe" in this order.
                ("tessalit", true),
                ("un-warning", true),
                ("diop-statement", true),
            ],
            response.Entries.Select(e => (e.Event.EventId, e.OrderUncertain)));
        Assert.Empty(response.NextPageToken);
        Assert.All(response.Entries, e => Assert.False(string.IsNullOrEmpty(e.DisplayDate)));
        Assert.Equal(response.Entries.Single(e => e.Event.EventId == "un-warning").Event.Occurred.Display, response.Entries.Single(e => e.Event.EventId == "un-warning").DisplayDate);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task Pages_of_any_size_give_the_same_entries_and_marks_as_one_page(int pageSize)
    {
        var whole = (await GetAsync(Mali())).Entries.Select(e => (e.Event.EventId, e.OrderUncertain)).ToList();

        var paged = new List<(string, bool)>();
        var request = Mali();
        request.PageSize = pageSize;
        for (var pages = 0; ; pages++)
        {
            Assert.True(pages < 20, "too many pages");
            var response = await GetAsync(request);
            Assert.InRange(response.Entries.Count, 1, pageSize);
            paged.AddRange(response.Entries.Select(e => (e.Event.EventId, e.OrderUncertain)));
            if (response.NextPageToken.Length == 0)
            {
                break;
            }

            request.PageToken = response.NextPageToken;
        }

        Assert.Equal(whole, paged);
    }

    [Fact]
    public async Task As_of_keeps_only_what_may_have_happened_by_that_day()
    {
        var request = Mali();
        request.AsOf = "2023-10-13";

        var response = await GetAsync(request);

        Assert.DoesNotContain(response.Entries, e => e.Event.EventId is "un-warning" or "diop-statement");

        // Without the 14 October statements nothing overlaps Tessalit any more.
        Assert.False(response.Entries.Single(e => e.Event.EventId == "tessalit").OrderUncertain);
    }

    [Fact]
    public async Task Known_at_before_anything_was_recorded_gives_an_empty_timeline()
    {
        var request = Mali();
        request.KnownAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(-1));

        Assert.Empty((await GetAsync(request)).Entries);
    }

    [Fact]
    public async Task Bad_requests_are_refused_naming_the_field()
    {
        var negative = Mali();
        negative.PageSize = -1;
        var badDay = Mali();
        badDay.AsOf = "16 October 2023";
        var badToken = Mali();
        badToken.PageToken = "not-a-token";

        Assert.Contains("page_size", (await Calls.FailsWith(StatusCode.InvalidArgument, () => GetAsync(negative))).ViolatedFields());
        Assert.Contains("as_of", (await Calls.FailsWith(StatusCode.InvalidArgument, () => GetAsync(badDay))).ViolatedFields());
        Assert.Contains("page_token", (await Calls.FailsWith(StatusCode.InvalidArgument, () => GetAsync(badToken))).ViolatedFields());
    }

    [Fact]
    public async Task Storage_refusals_reach_the_caller_with_their_field()
    {
        var request = Mali();
        request.Filter.OccurredFrom = "late August";

        var status = await Calls.FailsWith(StatusCode.InvalidArgument, () => GetAsync(request));

        Assert.Contains("filter.occurred_from", status.ViolatedFields());
    }

    [Fact]
    public async Task A_page_token_cannot_be_reused_with_another_filter()
    {
        var first = Mali();
        first.PageSize = 2;
        var token = (await GetAsync(first)).NextPageToken;
        var other = new GetTimelineRequest { Filter = new EventFilter { Tags = { "minusma" } }, PageSize = 2, PageToken = token };

        Assert.Contains("page_token", (await Calls.FailsWith(StatusCode.InvalidArgument, () => GetAsync(other))).ViolatedFields());
    }

    public sealed class Sqlite() : TimelineOrderTests(StorageBackend.Sqlite);

    public sealed class Postgres() : TimelineOrderTests(StorageBackend.Postgres);
}
