using Google.Protobuf.WellKnownTypes;
using Microsoft.Data.Sqlite;
using Timeline.Domain.Dates;
using Timeline.Storage.V1;
using Timeline.Tests.Shared;
using Timeline.V1;
using static Timeline.StorageService.Tests.Assertions;

namespace Timeline.StorageService.Tests;

/// <summary>
/// Kinds and countries have an index on the current view (SQLite migration 6, PostgreSQL migration
/// 4), from which a list of a kind or country that few events carry starts (ListPage.Driver), while a
/// common one walks the view in order. Either way the list must be the unfiltered view (the plain
/// walk in order) with the filter applied, page after page: a rare kind, a common one, an absent one,
/// several at once, combined with tags, a period and known_at, across corrections that move an event
/// onto or off a kind or country and a retraction. And a database of the previous version gains the
/// indexes at start and lists what it held.
/// </summary>
public abstract class KindCountryListTests(StorageBackend backend) : IAsyncLifetime
{
    /// <summary>More than <c>ListPage.MostIndexRows</c> events of kind Common in MLI, so that kind and country walk the view in order.</summary>
    private const int Common = 4_200;

    private static readonly string[] RareDates = ["2021", "2021-03", "2021-03-04", "2020-12-31", "2021-03-04", "2022", "2019-07", "2021-03-04/2021-03-09", "2020", "2021-03-04", "2023-05-05", "2021-03"];

    private StorageServer server = null!;

    protected StorageServer Server => server;

    public async ValueTask InitializeAsync() => server = await StorageServer.StartAsync(backend);

    public async ValueTask DisposeAsync() => await server.DisposeAsync();

    [Fact]
    public async Task Kind_and_country_lists_are_the_view_in_order_with_the_filter_applied_whatever_they_start_from()
    {
        var client = server.Client;
        for (var first = 0; first < Common; first += 1_000)
        {
            var batch = new AppendEventsRequest();
            for (var i = first; i < Math.Min(first + 1_000, Common); i++)
            {
                var day = DateOnly.FromDayNumber(new DateOnly(2015, 1, 1).DayNumber + i).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
                batch.Events.Add(Event($"c{i:D4}", day, "Common", "MLI", i % 2 == 0 ? "even" : "odd"));
            }

            await client.AppendEventsAsync(batch, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync.WaitAsync(CallTimeout, TestContext.Current.CancellationToken);
        }

        var rare = new AppendEventsRequest();
        for (var i = 0; i < RareDates.Length; i++)
        {
            rare.Events.Add(Event($"r{i:D2}", RareDates[i], i % 2 == 0 ? "Rare" : "Common", i % 3 == 0 ? "NER" : "MLI", i % 4 == 0 ? "rare-tag" : "odd"));
        }

        await client.AppendEventsAsync(rare, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync.WaitAsync(CallTimeout, TestContext.Current.CancellationToken);
        await Task.Delay(5, TestContext.Current.CancellationToken);
        var before = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow);
        await Task.Delay(5, TestContext.Current.CancellationToken);

        // Corrections: r01 onto kind Rare, r02 off it, r05 into NER, r03 out of it; r04 retracted.
        await client.AppendEventsAsync(
            new AppendEventsRequest
            {
                Events =
                {
                    Event("r01", RareDates[1], "Rare", "MLI", "odd"),
                    Event("r02", RareDates[2], "Common", "MLI", "odd"),
                    Event("r05", RareDates[5], "Common", "NER", "odd"),
                    Event("r03", RareDates[3], "Common", "MLI", "odd"),
                    new NewEvent { EventId = "r04", Retracted = true },
                },
            },
            cancellationToken: TestContext.Current.CancellationToken).ResponseAsync.WaitAsync(CallTimeout, TestContext.Current.CancellationToken);

        var view = await AllAsync(new ListEventsRequest { PageSize = 1_000 });
        var then = await AllAsync(new ListEventsRequest { PageSize = 1_000, KnownAt = before });
        Assert.Equal(Common + RareDates.Length - 1, view.Count);
        Assert.Equal(Common + RareDates.Length, then.Count);
        Assert.Equal(["r00", "r01", "r06", "r08", "r10"], view.Where(e => e.Kind == "Rare").Select(e => e.EventId).Order());
        Assert.Equal(["r00", "r05", "r06", "r09"], view.Where(e => e.Location.Country == "NER").Select(e => e.EventId).Order());

        var cases = new (EventFilter Filter, int PageSize)[]
        {
            (new EventFilter { Kinds = { "Rare" } }, 2),
            (new EventFilter { Countries = { "ner" } }, 3),
            (new EventFilter { Kinds = { "No such kind" } }, 3),
            (new EventFilter { Countries = { "ZZZ" } }, 3),
            (new EventFilter { Kinds = { "Rare", "No such kind" } }, 2),
            (new EventFilter { Countries = { "NER", "ZZZ" }, Kinds = { "Rare" } }, 1),
            (new EventFilter { Kinds = { "Rare" }, Countries = { "MLI" } }, 2),
            (new EventFilter { Kinds = { "Rare" }, Tags = { "rare-tag" } }, 1),
            (new EventFilter { Kinds = { "Rare" }, OccurredFrom = "2021-01-01", OccurredTo = "2021-12-31" }, 2),
            (new EventFilter { Countries = { "NER" }, OccurredTo = "2021-12-31" }, 2),
            (new EventFilter { Kinds = { "Common" }, OccurredFrom = "2020-12-01", OccurredTo = "2021-03-31" }, 25),
            (new EventFilter { Countries = { "MLI" }, Tags = { "even" }, OccurredFrom = "2021-02-01", OccurredTo = "2021-04-30" }, 10),
            (new EventFilter { Kinds = { "Common", "Rare" }, Countries = { "NER" } }, 2),
        };

        foreach (var (filter, pageSize) in cases)
        {
            var expected = view.Where(e => Matches(e, filter)).Select(e => e.EventId).ToList();
            Assert.Equal(expected, (await AllAsync(new ListEventsRequest { Filter = filter, PageSize = pageSize })).Select(e => e.EventId));

            // As known before the corrections and the retraction (every revision up to then is read).
            var known = then.Where(e => Matches(e, filter)).Select(e => e.EventId).ToList();
            Assert.Equal(known, (await AllAsync(new ListEventsRequest { Filter = filter, PageSize = pageSize, KnownAt = before })).Select(e => e.EventId));
        }

        // The view changed where the corrections said, so the cases above saw both sides of them.
        Assert.Equal(["r00", "r02", "r04", "r06", "r08", "r10"], then.Where(e => e.Kind == "Rare").Select(e => e.EventId).Order());
    }

    [Fact]
    public async Task A_database_of_the_previous_version_gains_the_kind_and_country_indexes_and_lists_what_it_held()
    {
        var batch = new AppendEventsRequest();
        for (var i = 0; i < RareDates.Length; i++)
        {
            batch.Events.Add(Event($"old{i:D2}", RareDates[i], i % 3 == 0 ? "Rare" : "Common", i % 4 == 0 ? "NER" : "MLI", "old"));
        }

        await server.Client.AppendEventsAsync(batch, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync.WaitAsync(CallTimeout, TestContext.Current.CancellationToken);
        await using var upgraded = await DowngradeAndRestartAsync();
        Assert.Equal(2, await KindAndCountryIndexesAsync(upgraded));

        var view = await AllAsync(upgraded.Client, new ListEventsRequest { PageSize = 1_000 });
        foreach (var filter in new[] { new EventFilter { Kinds = { "Rare" } }, new EventFilter { Countries = { "NER" } }, new EventFilter { Kinds = { "Common" }, Countries = { "MLI" } }, new EventFilter { Kinds = { "none" } } })
        {
            Assert.Equal(view.Where(e => Matches(e, filter)).Select(e => e.EventId), (await AllAsync(upgraded.Client, new ListEventsRequest { Filter = filter, PageSize = 2 })).Select(e => e.EventId));
        }

        Assert.Equal(4, view.Count(e => e.Kind == "Rare"));

        // And the upgraded database keeps its indexes true: an event appended now is listed by its kind and country.
        await upgraded.Client.AppendEventsAsync(new AppendEventsRequest { Events = { Event("new", "2021-03-04", "Rare", "NER", "old") } }, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync.WaitAsync(CallTimeout, TestContext.Current.CancellationToken);
        Assert.Contains("new", (await AllAsync(upgraded.Client, new ListEventsRequest { Filter = new EventFilter { Kinds = { "Rare" }, Countries = { "NER" } }, PageSize = 10 })).Select(e => e.EventId));
    }

    /// <summary>The database behind <see cref="Server"/> as the previous version left it (without the two indexes), opened by a new server, which migrates it.</summary>
    protected abstract Task<StorageServer> DowngradeAndRestartAsync();

    /// <summary>How many of current_events_kind and current_events_country the database behind <paramref name="upgraded"/> has.</summary>
    protected abstract Task<int> KindAndCountryIndexesAsync(StorageServer upgraded);

    private static NewEvent Event(string id, string edtf, string kind, string country, string tag)
    {
        var e = Events.Dated(id, edtf, tags: tag);
        e.Kind = kind;
        e.Location = new Location { Name = "somewhere", Country = country };
        return e;
    }

    /// <summary>The filter applied to one event of the unfiltered view, in memory.</summary>
    private static bool Matches(EventRecord e, EventFilter filter)
    {
        var occurred = Edtf.Parse(e.Occurred.Edtf);
        return (filter.Kinds.Count == 0 || filter.Kinds.Contains(e.Kind))
            && (filter.Countries.Count == 0 || filter.Countries.Any(c => c.Equals(e.Location.Country, StringComparison.OrdinalIgnoreCase)))
            && (filter.Tags.Count == 0 || filter.Tags.Any(e.Tags.Contains))
            && (filter.OccurredFrom.Length == 0 || occurred.Latest >= FuzzyDateProto.ParseDay(filter.OccurredFrom))
            && (filter.OccurredTo.Length == 0 || occurred.Earliest <= FuzzyDateProto.ParseDay(filter.OccurredTo));
    }

    private Task<List<EventRecord>> AllAsync(ListEventsRequest request) => AllAsync(server.Client, request);

    /// <summary>Every page of a list, in order; a page larger than asked or a list that does not end fails.</summary>
    private static async Task<List<EventRecord>> AllAsync(EventStoreService.EventStoreServiceClient client, ListEventsRequest request)
    {
        var events = new List<EventRecord>();
        do
        {
            var page = await client.ListEventsAsync(request, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync.WaitAsync(CallTimeout, TestContext.Current.CancellationToken);
            Assert.True(page.Events.Count <= request.PageSize);
            events.AddRange(page.Events);
            request.PageToken = page.NextPageToken;
            Assert.True(events.Count <= Common + 100, "the pages do not end");
        }
        while (request.PageToken.Length > 0);
        return events;
    }

    public sealed class Sqlite() : KindCountryListTests(StorageBackend.Sqlite)
    {
        private string path = "";

        protected override async Task<StorageServer> DowngradeAndRestartAsync()
        {
            await Server.StopAsync();

            // A copy under another name, so no pooled connection remembers the schema of the original.
            path = Path.Combine(Server.Directory, "version5.db");
            File.Copy(Server.DatabasePath, path);
            using (var connection = Open(path))
            using (var command = connection.CreateCommand())
            {
                command.CommandText = "DROP INDEX current_events_kind; DROP INDEX current_events_country; PRAGMA user_version = 5;";
                command.ExecuteNonQuery();
            }

            Assert.Equal(0, await KindAndCountryIndexesAsync(Server));
            var upgraded = await StorageServer.StartAsync(StorageBackend.Sqlite, new Dictionary<string, string?> { ["Storage:DatabasePath"] = path });
            using (var connection = Open(path))
            using (var command = connection.CreateCommand())
            {
                command.CommandText = "PRAGMA user_version";
                Assert.Equal(Timeline.StorageService.Storage.Sqlite.SqliteSchema.Migrations[^1].Version, (long)command.ExecuteScalar()!);
            }

            return upgraded;
        }

        protected override Task<int> KindAndCountryIndexesAsync(StorageServer upgraded)
        {
            using var connection = Open(path);
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name IN ('current_events_kind', 'current_events_country')";
            return Task.FromResult((int)(long)command.ExecuteScalar()!);
        }

        private static SqliteConnection Open(string file)
        {
            var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Pooling = false }.ToString());
            connection.Open();
            return connection;
        }
    }

    public sealed class Postgres() : KindCountryListTests(StorageBackend.Postgres)
    {
        protected override async Task<StorageServer> DowngradeAndRestartAsync()
        {
            await Server.StopAsync();
            await Server.Database.ExecuteAsync("DROP INDEX current_events_kind; DROP INDEX current_events_country; DELETE FROM schema_migrations WHERE version >= 4").WaitAsync(CallTimeout);
            Assert.Equal(0, await KindAndCountryIndexesAsync(Server));
            var upgraded = await StorageServer.StartOnAsync(Server.Database);
            Assert.Equal(
                Timeline.StorageService.Storage.Postgres.PostgresSchema.Migrations[^1].Version.ToString(System.Globalization.CultureInfo.InvariantCulture),
                await upgraded.Database.ExecuteAsync("SELECT MAX(version) FROM schema_migrations").WaitAsync(CallTimeout));
            return upgraded;
        }

        protected override async Task<int> KindAndCountryIndexesAsync(StorageServer upgraded) =>
            int.Parse(
                await upgraded.Database.ExecuteAsync("SELECT COUNT(*) FROM pg_indexes WHERE tablename = 'current_events' AND indexname IN ('current_events_kind', 'current_events_country')").WaitAsync(CallTimeout),
                System.Globalization.CultureInfo.InvariantCulture);
    }
}
