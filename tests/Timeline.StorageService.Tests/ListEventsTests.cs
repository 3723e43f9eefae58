using Grpc.Core;
using Timeline.Storage.V1;
using Timeline.Tests.Shared;
using Timeline.V1;
using static Timeline.StorageService.Tests.Assertions;

namespace Timeline.StorageService.Tests;

public abstract class ListEventsTests(StorageBackend backend) : IAsyncLifetime
{
    private StorageServer server = null!;

    private EventStoreService.EventStoreServiceClient Client => server.Client;

    public async ValueTask InitializeAsync() => server = await StorageServer.StartAsync(backend);

    public async ValueTask DisposeAsync() => await server.DisposeAsync();

    [Fact]
    public async Task Paging_1000_events_in_pages_of_37_returns_each_exactly_once_in_chronological_order()
    {
        var random = new Random(20231014);
        var precisions = new[] { "yyyy", "yyyy-MM", "yyyy-MM-dd" };
        for (var batch = 0; batch < 10; batch++)
        {
            var request = new AppendEventsRequest();
            for (var i = 0; i < 100; i++)
            {
                var day = new DateOnly(2015, 1, 1).AddDays(random.Next(0, 3650));
                var format = precisions[random.Next(precisions.Length)];
                request.Events.Add(Events.Dated($"ev-{batch:D2}-{i:D3}", day.ToString(format, System.Globalization.CultureInfo.InvariantCulture), tags: "bulk"));
            }

            await Client.AppendEventsAsync(request, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync.WaitAsync(CallTimeout, cancellationToken: TestContext.Current.CancellationToken);
        }

        var seen = new List<EventRecord>();
        var token = string.Empty;
        var pages = 0;
        string? announced = null;
        do
        {
            var page = await Client.ListEventsAsync(new ListEventsRequest { Filter = new EventFilter { Tags = { "bulk" } }, PageSize = 37, PageToken = token }, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync.WaitAsync(CallTimeout, cancellationToken: TestContext.Current.CancellationToken);
            Assert.True(page.Events.Count <= 37);

            // Each page says where the next one starts: the first day of its first event.
            if (announced is not null)
            {
                Assert.Equal(announced, page.Events[0].Occurred.Earliest);
            }

            announced = page.NextEarliest;
            Assert.Equal(page.NextPageToken.Length == 0, page.NextEarliest.Length == 0);
            seen.AddRange(page.Events);
            token = page.NextPageToken;
            pages++;
        }
        while (token.Length > 0);

        Assert.Equal(28, pages);
        Assert.Equal(1000, seen.Count);
        Assert.Equal(1000, seen.Select(e => e.EventId).Distinct().Count());
        var expected = seen
            .OrderBy(e => e.Occurred.Earliest, StringComparer.Ordinal)
            .ThenBy(e => e.Occurred.Latest, StringComparer.Ordinal)
            .ThenBy(e => e.Position)
            .Select(e => e.EventId);
        Assert.Equal(expected, seen.Select(e => e.EventId));
    }

    [Fact]
    public async Task Filters_combine_tags_kinds_countries_and_an_overlapping_occurred_range()
    {
        var inRange = Events.Dated("in-range", "2023-08", tags: "mali");
        inRange.Kind = "Battles";
        inRange.Location = new Location { Country = "MLI" };
        var wide = Events.Dated("wide", "2023", tags: "mali");
        wide.Kind = "Battles";
        wide.Location = new Location { Country = "MLI" };
        var otherCountry = Events.Dated("other-country", "2023-08-15", tags: "mali");
        otherCountry.Kind = "Battles";
        otherCountry.Location = new Location { Country = "NER" };
        var otherKind = Events.Dated("other-kind", "2023-08-15", tags: "mali");
        otherKind.Kind = "Protests";
        otherKind.Location = new Location { Country = "MLI" };
        var before = Events.Dated("before", "2023-07-31", tags: "mali");
        before.Kind = "Battles";
        before.Location = new Location { Country = "MLI" };
        await Client.AppendEventsAsync(new AppendEventsRequest { Events = { inRange, wide, otherCountry, otherKind, before } }, cancellationToken: TestContext.Current.CancellationToken);

        var page = await Client.ListEventsAsync(new ListEventsRequest
        {
            Filter = new EventFilter { Tags = { "MALI" }, Kinds = { "Battles" }, Countries = { "mli" }, OccurredFrom = "2023-08-10", OccurredTo = "2023-08-20" },
        }, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(["wide", "in-range"], page.Events.Select(e => e.EventId));
    }

    [Fact]
    public async Task Page_token_reused_with_another_filter_is_refused()
    {
        for (var i = 0; i < 5; i++)
        {
            await Client.AppendEventsAsync(new AppendEventsRequest { Events = { Events.Dated($"e{i}", $"202{i}", tags: "t") } }, cancellationToken: TestContext.Current.CancellationToken);
        }

        var first = await Client.ListEventsAsync(new ListEventsRequest { Filter = new EventFilter { Tags = { "t" } }, PageSize = 2 }, cancellationToken: TestContext.Current.CancellationToken);
        Assert.NotEmpty(first.NextPageToken);

        var status = await FailsWith(StatusCode.InvalidArgument, () => Client.ListEventsAsync(new ListEventsRequest { Filter = new EventFilter { Tags = { "other" } }, PageSize = 2, PageToken = first.NextPageToken }).ResponseAsync);
        Assert.Equal("page_token", Assert.Single(Violations(status)).Field);
        var forged = await FailsWith(StatusCode.InvalidArgument, () => Client.ListEventsAsync(new ListEventsRequest { PageToken = "not-a-token" }).ResponseAsync);
        Assert.Equal("INVALID_PAGE_TOKEN", Reason(forged));
        var negative = await FailsWith(StatusCode.InvalidArgument, () => Client.ListEventsAsync(new ListEventsRequest { PageSize = -1 }).ResponseAsync);
        Assert.Equal("page_size", Assert.Single(Violations(negative)).Field);
    }

    public sealed class Sqlite() : ListEventsTests(StorageBackend.Sqlite);

    public sealed class Postgres() : ListEventsTests(StorageBackend.Postgres);
}
