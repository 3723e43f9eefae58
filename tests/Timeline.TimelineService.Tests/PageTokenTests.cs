using Timeline.Domain.Validation;
using Timeline.TimelineServer.Chronologies;
using Timeline.V1;

namespace Timeline.TimelineServer.Tests;

public sealed class PageTokenTests
{
    [Theory]
    [InlineData(0, 100)]
    [InlineData(1, 1)]
    [InlineData(1000, 1000)]
    [InlineData(5000, 1000)]
    public void Page_sizes_follow_AIP_158(int requested, int resolved) => Assert.Equal(resolved, PageSizePolicy.Standard.Resolve(requested));

    [Fact]
    public void A_negative_page_size_is_refused_naming_the_field()
    {
        var problem = Assert.Throws<ProblemException>(() => PageSizePolicy.Standard.Resolve(-1));
        Assert.Equal("page_size", Assert.Single(problem.Violations).Field);
    }

    [Fact]
    public void A_token_round_trips_and_is_refused_for_another_request()
    {
        var fingerprint = PageTokens.Fingerprint(new EventFilter { Tags = { "mali" } }, null);
        var token = new PageToken(fingerprint, Storage: "abc", MaxLatest: "2023-10-31").Encode();

        Assert.Equal("2023-10-31", PageToken.Decode(token, fingerprint)!.MaxLatest);
        var other = PageTokens.Fingerprint(new EventFilter { Tags = { "niger" } }, null);
        Assert.Equal("INVALID_PAGE_TOKEN", Assert.Throws<ProblemException>(() => PageToken.Decode(token, other)).Reason);
        Assert.Equal("page_token", Assert.Single(Assert.Throws<ProblemException>(() => PageToken.Decode("%%%", fingerprint)).Violations).Field);
        Assert.Null(PageToken.Decode("", fingerprint));
    }

    [Fact]
    public void As_of_narrows_the_storage_filter_to_events_that_may_have_begun_by_then()
    {
        var query = TimelineQuery.From(new GetTimelineRequest { AsOf = "2023-10-13", Filter = new EventFilter { OccurredTo = "2024-01-01" } });
        Assert.Equal("2023-10-13", query.StorageFilter.OccurredTo);

        var earlier = TimelineQuery.From(new GetTimelineRequest { AsOf = "2023-10-13", Filter = new EventFilter { OccurredTo = "2023-01-01" } });
        Assert.Equal("2023-01-01", earlier.StorageFilter.OccurredTo);
        Assert.NotEqual(query.Fingerprint, earlier.Fingerprint);
    }
}
