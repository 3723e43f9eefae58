using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Timeline.Domain.Validation;
using Timeline.Storage.V1;
using Timeline.StorageService.Grpc;
using Timeline.StorageService.Storage;
using Timeline.Tests.Shared;
using Timeline.V1;
using static Timeline.StorageService.Tests.Assertions;

namespace Timeline.StorageService.Tests;

/// <summary>
/// Every EventStoreService request is checked in one place (<see cref="StorageRequests"/>): each
/// refusal names its field and says why, and a request that passes comes out as what the log is asked.
/// </summary>
public sealed class StorageRequestsTests
{
    private static readonly StorageRequests Requests = new(new EventLimits { MaxBatchSize = 3, MaxEventIdLength = 16 });

    public static TheoryData<string, Action, string> Refusals => new()
    {
        { "an empty batch", () => Requests.Check(new AppendEventsRequest()), "events" },
        { "a batch over the limit", () => Requests.Check(new AppendEventsRequest { Events = { Enumerable.Range(0, 4).Select(_ => new NewEvent()) } }), "events" },
        { "an event without a title", () => Requests.Check(new AppendEventsRequest { Events = { Event("a", title: "") } }), "events[0].title" },
        { "a read without an id", () => Requests.Check(new GetEventRequest()), "event_id" },
        { "a read with an id over the limit", () => Requests.Check(new GetEventRequest { EventId = new string('x', 17) }), "event_id" },
        { "a negative revision", () => Requests.Check(new GetEventRequest { EventId = "a", Revision = -1 }), "revision" },
        { "a revision and a time", () => Requests.Check(new GetEventRequest { EventId = "a", Revision = 2, KnownAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UnixEpoch) }), "known_at" },
        { "a history without an id", () => Requests.Check(new GetEventHistoryRequest()), "event_id" },
        { "a list with a negative page size", () => Requests.Check(new ListEventsRequest { PageSize = -1 }), "page_size" },
        { "a list with an unreadable date", () => Requests.Check(new ListEventsRequest { Filter = new EventFilter { OccurredFrom = "late August" } }), "filter.occurred_from" },
        { "a list with a token not issued", () => Requests.Check(new ListEventsRequest { PageToken = "not-a-token" }), "page_token" },
        { "a subscription from a negative position", () => Requests.Check(new SubscribeEventsRequest { FromPosition = -1 }), "from_position" },
        { "a subscription with an unreadable date", () => Requests.Check(new SubscribeEventsRequest { Filter = new EventFilter { OccurredTo = "2020-13-01" } }), "filter.occurred_to" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void Each_refusal_names_its_field_and_says_why(string request, Action check, string field)
    {
        var problem = Assert.Throws<ProblemException>(check);

        Assert.Equal(ProblemKind.InvalidArgument, problem.Kind);
        var violation = Assert.Single(problem.Violations, v => v.Field == field);
        Assert.False(string.IsNullOrWhiteSpace(violation.Description), $"{request}: no reason given for {field}");
    }

    [Fact]
    public void A_batch_that_passes_comes_out_normalized_in_its_order_with_the_callers_ids_kept()
    {
        var normalized = Requests.Check(new AppendEventsRequest { Events = { Event("b", tags: ["Mali", "mali"]), Event("", tags: []) } });

        Assert.Equal(["b", ""], normalized.Select(e => e.EventId));
        Assert.Equal(["mali"], normalized[0].Tags);
    }

    [Fact]
    public void A_read_asks_for_the_version_the_request_names()
    {
        Assert.IsType<EventVersion.Current>(Requests.Check(new GetEventRequest { EventId = "a" }));
        Assert.Equal(new EventRevision(3), Assert.IsType<EventVersion.AtRevision>(Requests.Check(new GetEventRequest { EventId = "a", Revision = 3 })).Revision);
        var knownAt = DateTimeOffset.Parse("2023-10-16T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(knownAt, Assert.IsType<EventVersion.KnownAt>(Requests.Check(new GetEventRequest { EventId = "a", KnownAt = Timestamp.FromDateTimeOffset(knownAt) })).Time);
    }

    [Fact]
    public void A_page_token_is_bound_to_the_filter_it_was_issued_for()
    {
        var first = Requests.Check(new ListEventsRequest { Filter = new EventFilter { Tags = { "mali" } } });
        var token = PageToken.Encode(new ChronologicalKey(1, 2, 3), first.Fingerprint);

        var next = Requests.Check(new ListEventsRequest { Filter = new EventFilter { Tags = { "mali" } }, PageToken = token });
        Assert.Equal(new ChronologicalKey(1, 2, 3), next.After);
        var other = Assert.Throws<ProblemException>(() => Requests.Check(new ListEventsRequest { Filter = new EventFilter { Tags = { "niger" } }, PageToken = token }));
        Assert.Equal("page_token", Assert.Single(other.Violations).Field);
    }

    [Fact]
    public async Task An_id_with_control_characters_is_refused_naming_it_and_not_echoed_raw()
    {
        await using var server = await StorageServer.StartAsync(StorageBackend.Sqlite);
        const string id = "x\u001b[2J\u001b[31mred\nline\u202Eevil";

        var read = await FailsWith(StatusCode.InvalidArgument, () => server.Client.GetEventAsync(new GetEventRequest { EventId = id }, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync);
        var history = await FailsWith(StatusCode.InvalidArgument, () => server.Client.GetEventHistoryAsync(new GetEventHistoryRequest { EventId = id }, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync);

        foreach (var status in new[] { read, history })
        {
            Assert.Equal("event_id", Assert.Single(Violations(status)).Field);
            Assert.DoesNotContain(status.Message, c => char.IsControl(c) || c == '\u202E');
            Assert.Contains(@"x\u001B[2J\u001B[31mred\u000Aline\u202Eevil", status.Message, StringComparison.Ordinal);
        }
    }

    private static NewEvent Event(string id, string title = "Something happened", string[]? tags = null) => new()
    {
        EventId = id,
        Title = title,
        Occurred = new FuzzyDate { Edtf = "2023-10-14" },
        Tags = { tags ?? [] },
    };
}
