using Timeline.Domain.Validation;
using Timeline.V1;

namespace Timeline.Domain.Tests.Validation;

public sealed class PagingTests
{
    private static readonly PageTokens.Mismatch Other = new("belongs to another query", "PAGE_TOKEN_MISMATCH");

    [Theory]
    [InlineData(100, 1_000, 0, 100)]
    [InlineData(100, 1_000, 7, 7)]
    [InlineData(100, 1_000, 5_000, 1_000)]
    [InlineData(100, 50, 0, 50)]
    [InlineData(100, 50, 70, 50)]
    public void A_page_size_is_the_default_for_0_and_never_above_the_maximum(int @default, int maximum, int requested, int resolved) =>
        Assert.Equal(resolved, new PageSizePolicy(@default, maximum).Resolve(requested));

    [Fact]
    public void A_negative_page_size_is_refused_on_its_field()
    {
        var problem = Assert.Throws<ProblemException>(() => PageSizePolicy.Standard.Resolve(-1, "deadline_page_size"));

        Assert.Equal("deadline_page_size", Assert.Single(problem.Violations).Field);
    }

    [Fact]
    public void A_token_gives_back_its_payload_for_the_same_query_only()
    {
        var query = PageTokens.Fingerprint(new EventFilter { Tags = { "mali" } }, null);
        var token = PageTokens.Encode(query, [1, 2, 3]);

        Assert.Equal([1, 2, 3], PageTokens.Decode(token, query, 16, Other));
        Assert.Null(PageTokens.Decode("", query, 16, Other));
        var otherQuery = PageTokens.Fingerprint(new EventFilter { Tags = { "niger" } }, null);
        Assert.Equal("PAGE_TOKEN_MISMATCH", Assert.Throws<ProblemException>(() => PageTokens.Decode(token, otherQuery, 16, Other)).Reason);
    }

    [Fact]
    public void A_query_with_an_absent_part_is_another_query_than_one_with_an_empty_part() =>
        Assert.NotEqual(
            PageTokens.Fingerprint(new EventFilter(), null),
            PageTokens.Fingerprint(new EventFilter(), new Google.Protobuf.WellKnownTypes.Timestamp()));

    [Theory]
    [InlineData("%%%")]
    [InlineData("AQ")]
    [InlineData("not-a-token-at-all")]
    public void A_token_no_service_issued_is_refused_on_its_field(string token)
    {
        var problem = Assert.Throws<ProblemException>(() => PageTokens.Decode(token, 42, 16, Other, "next_page"));

        Assert.Equal("INVALID_PAGE_TOKEN", problem.Reason);
        Assert.Equal("next_page", Assert.Single(problem.Violations).Field);
    }

    [Fact]
    public void A_token_longer_than_its_payload_allows_is_refused_before_it_is_decoded()
    {
        var token = PageTokens.Encode(42, new byte[64]);

        Assert.Equal("INVALID_PAGE_TOKEN", Assert.Throws<ProblemException>(() => PageTokens.Decode(token, 42, 16, Other)).Reason);
    }
}
