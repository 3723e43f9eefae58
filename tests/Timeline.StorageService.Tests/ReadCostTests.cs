using Dapper;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Health.V1;
using Microsoft.Data.Sqlite;
using Npgsql;
using Timeline.Domain.Events;
using Timeline.Domain.Validation;
using Timeline.Storage.V1;
using Timeline.StorageService.Storage;
using Timeline.StorageService.Storage.Postgres;
using Timeline.StorageService.Storage.Sqlite;
using Timeline.Tests.Shared;
using Timeline.V1;
using static Timeline.StorageService.Tests.Assertions;

namespace Timeline.StorageService.Tests;

/// <summary>
/// Every list has a cost bound (docs/CONTRACT.md, "Reads cost what they return"): a filter whose
/// ids, tags, actors, deadline ids, kinds or countries name few events starts from their index, on both backends
/// (the statements' plans read back from a real database of 30,000 events, and the pages compared
/// with the unfiltered view across page boundaries, corrections, retractions and known_at), and a
/// list that would still read past <c>Storage:ReadTimeLimit</c> is stopped with RESOURCE_EXHAUSTED
/// naming what to narrow, without counting as an outage.
/// </summary>
public abstract class ReadCostTests(StorageBackend backend)
{
    private const int Filled = 30_000;

    [Fact]
    public async Task A_list_past_the_read_time_limit_is_resource_exhausted_naming_what_to_narrow_and_the_service_stays_serving()
    {
        await using var server = await StorageServer.StartAsync(backend, new Dictionary<string, string?> { ["Storage:ReadTimeLimit"] = "00:00:00.001" });
        await FillAsync(server);

        // A kind and countries that each many events carry, but no event both: every field has too many
        // index rows to start from, so the view is walked in order, all of it.
        var walked = await FailsWith(StatusCode.ResourceExhausted, () => ListAsync(server, new ListEventsRequest { Filter = DisjointFilter() }));
        Assert.Equal("READ_TOO_COSTLY", Reason(walked));
        Assert.Contains("Storage:ReadTimeLimit (0.001 s)", walked.Message, StringComparison.Ordinal);
        Assert.Contains("filter.occurred_from", walked.Message, StringComparison.Ordinal);

        // As known at a time without ids, tags or actors: every revision up to that time.
        var history = await FailsWith(StatusCode.ResourceExhausted, () => ListAsync(server, new ListEventsRequest { KnownAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow) }));
        Assert.Equal("READ_TOO_COSTLY", Reason(history));
        Assert.Contains("known_at", history.Message, StringComparison.Ordinal);
        Assert.Contains("filter.event_ids", history.Message, StringComparison.Ordinal);

        // The caller's cost, not an outage: health stays SERVING and other calls are answered.
        var health = await server.Health.CheckAsync(new HealthCheckRequest(), cancellationToken: TestContext.Current.CancellationToken).ResponseAsync.WaitAsync(CallTimeout, TestContext.Current.CancellationToken);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
        var one = await server.Client.GetEventAsync(new GetEventRequest { EventId = "e7" }, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync.WaitAsync(CallTimeout, TestContext.Current.CancellationToken);
        Assert.Equal("e7", one.Event.EventId);

        // The same lists under the default limit are answered: it was the limit that stopped them.
        await server.StopAsync();
        await using var roomy = await StorageServer.StartOnAsync(server.Database);
        Assert.Empty((await ListAsync(roomy, new ListEventsRequest { Filter = DisjointFilter() })).Events);
        Assert.Equal(100, (await ListAsync(roomy, new ListEventsRequest { KnownAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow) })).Events.Count);
    }

    /// <summary>Kind k1 (6,000 of the <see cref="Filled"/> events) and the ten countries of k2's events (6,000): each field too common to start from, together nothing.</summary>
    private static EventFilter DisjointFilter()
    {
        var filter = new EventFilter { Kinds = { "k1" } };
        filter.Countries.AddRange(Enumerable.Range(0, 10).Select(i => $"C{(5 * i) + 2}"));
        return filter;
    }

    [Fact]
    public async Task Ids_tags_actors_deadline_ids_kinds_and_countries_that_name_few_events_are_read_from_their_index_not_by_walking_the_view()
    {
        await using var server = await StorageServer.StartAsync(backend);
        await FillAsync(server);
        var filters = new (ListDriver Driver, EventFilter Filter)[]
        {
            (ListDriver.EventIds, new EventFilter { EventIds = { "e500" } }),
            (ListDriver.Tags, new EventFilter { Tags = { "no-such-tag" } }),
            (ListDriver.Actors, new EventFilter { Actors = { "no such actor" } }),
            (ListDriver.DeadlineIds, new EventFilter { DeadlineIds = { "no-such-deadline" } }),
            (ListDriver.Kinds, new EventFilter { Kinds = { "no-such-kind" } }),
            (ListDriver.Countries, new EventFilter { Countries = { "ZZZ", "C7" } }),
        };

        foreach (var (driver, filter) in filters)
        {
            var criteria = EventCriteria.Check(filter, new EventLimits());
            foreach (var knownAt in new DateTimeOffset?[] { null, DateTimeOffset.UtcNow })
            {
                if (knownAt is not null && driver is ListDriver.DeadlineIds or ListDriver.Kinds or ListDriver.Countries)
                {
                    continue; // these indexes are of the current view; known_at names the events by ids, tags or actors
                }

                var plan = await PlanAsync(server, criteria, driver, knownAt);
                var text = $"{driver}, known_at {knownAt is not null}:\n{string.Join('\n', plan)}";
                if (backend == StorageBackend.Postgres)
                {
                    Assert.DoesNotContain(plan, line => line.Contains("Seq Scan on current_events", StringComparison.Ordinal) || line.Contains("Seq Scan on revisions", StringComparison.Ordinal));
                }
                else
                {
                    // SQLite names a read of a whole table or index "SCAN <table>" and an index seek "SEARCH … USING …".
                    Assert.DoesNotContain(plan, line => System.Text.RegularExpressions.Regex.IsMatch(line, @"\bSCAN (e|i|r|k|t|a|revisions|current_events|revision_tags|revision_actors)\b"));
                }

                Assert.True(plan.Any(line => line.Contains("SEARCH", StringComparison.Ordinal) || line.Contains("Index", StringComparison.Ordinal)), text);
            }
        }

        // The choice itself: the count of index rows decides, and many rows walk the view in order.
        Assert.Equal(ListDriver.Tags, await DriverAsync(server, new EventFilter { Tags = { "no-such-tag" } }));
        Assert.Equal(ListDriver.Order, await DriverAsync(server, new EventFilter { Tags = { "t1" } }));
        Assert.Equal(ListDriver.Actors, await DriverAsync(server, new EventFilter { Tags = { "t1" }, Actors = { "no such actor" } }));
        Assert.Equal(ListDriver.Kinds, await DriverAsync(server, new EventFilter { Kinds = { "no-such-kind" } }));
        Assert.Equal(ListDriver.Order, await DriverAsync(server, new EventFilter { Kinds = { "k1" } }));
        Assert.Equal(ListDriver.Countries, await DriverAsync(server, new EventFilter { Kinds = { "k1" }, Tags = { "t1" }, Countries = { "C1" } }));
        Assert.Equal(ListDriver.Actors, await DriverAsync(server, new EventFilter { Countries = { "C1" }, Actors = { "a1" } }));

        // Several values of a field are counted together: six countries of 600 events each are 3,600 rows (below
        // the bound), the ten of DisjointFilter 6,000 (above it).
        Assert.Equal(ListDriver.Countries, await DriverAsync(server, new EventFilter { Countries = { "C1", "C2", "C3", "C4", "C5", "C6" } }));
        Assert.Equal(ListDriver.Order, await DriverAsync(server, DisjointFilter()));
    }

    [Fact]
    public async Task Lists_started_from_an_index_page_in_the_same_order_as_the_view_with_corrections_retractions_and_known_at()
    {
        await using var server = await StorageServer.StartAsync(backend);
        var client = server.Client;
        var dates = new[] { "2021", "2021-03", "2021-03-04", "2020-12-31", "2021-03-04", "2022", "2019-07", "2021-03-04/2021-03-09", "2020", "2021-03-04", "2023-05-05", "2021-03" };
        var batch = new AppendEventsRequest();
        for (var i = 0; i < dates.Length; i++)
        {
            var e = Events.Dated($"r{i:D2}", dates[i], tags: i % 3 == 0 ? ["rare", "other"] : ["rare"]);
            e.Actors.Add(i % 2 == 0 ? "Alpha" : "Beta");
            if (i % 4 == 0)
            {
                e.Deadline = new DeadlineEffect { DeadlineId = "d1", Effect = DeadlineEffectType.Progress };
            }

            batch.Events.Add(e);
        }

        for (var i = 0; i < 20; i++)
        {
            batch.Events.Add(Events.Dated($"filler{i:D2}", "2021-03-04", tags: "common"));
        }

        batch.Events.Add(Events.Dated("moved", "2021-03-04", tags: "rare"));
        batch.Events.Add(Events.Dated("gone", "2021-03-05", tags: "rare"));
        await client.AppendEventsAsync(batch, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync.WaitAsync(CallTimeout, TestContext.Current.CancellationToken);
        await Task.Delay(5, TestContext.Current.CancellationToken);
        var before = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow);
        await Task.Delay(5, TestContext.Current.CancellationToken);

        // A correction takes "moved" off the tag; "gone" is retracted.
        await client.AppendEventsAsync(new AppendEventsRequest { Events = { Events.Dated("moved", "2021-03-04", tags: "common"), new NewEvent { EventId = "gone", Retracted = true } } }, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync.WaitAsync(CallTimeout, TestContext.Current.CancellationToken);

        // The view in order (no filter walks it) is the reference each filtered list must follow.
        var view = await AllAsync(client, new ListEventsRequest { PageSize = 1000 });
        var rare = Enumerable.Range(0, dates.Length).Select(i => $"r{i:D2}").ToHashSet();
        Assert.Equal([.. view.Where(rare.Contains)], await AllAsync(client, new ListEventsRequest { Filter = new EventFilter { Tags = { "RARE" } } }));
        Assert.Equal([.. view.Where(id => rare.Contains(id) && int.Parse(id[1..], System.Globalization.CultureInfo.InvariantCulture) % 2 == 0)], await AllAsync(client, new ListEventsRequest { Filter = new EventFilter { Actors = { "Alpha" } } }));
        Assert.Equal([.. view.Where(id => rare.Contains(id) && int.Parse(id[1..], System.Globalization.CultureInfo.InvariantCulture) % 4 == 0)], await AllAsync(client, new ListEventsRequest { Filter = new EventFilter { DeadlineIds = { "d1" } } }));
        Assert.Equal([.. view.Where(id => id is "r03" or "moved" or "r10")], await AllAsync(client, new ListEventsRequest { Filter = new EventFilter { EventIds = { "r10", "gone", "moved", "r03" } } }));
        Assert.Equal([.. view.Where(id => id is "r00" or "r03" or "r06" or "r09")], await AllAsync(client, new ListEventsRequest { Filter = new EventFilter { Tags = { "other" }, OccurredTo = "2021-12-31" } }));

        // As known before the correction and the retraction: both still carried the tag.
        var then = await AllAsync(client, new ListEventsRequest { KnownAt = before, PageSize = 1000 });
        Assert.Equal([.. then.Where(id => rare.Contains(id) || id is "moved" or "gone")], await AllAsync(client, new ListEventsRequest { KnownAt = before, Filter = new EventFilter { Tags = { "rare" } } }));
        Assert.Equal([.. then.Where(id => id is "moved" or "gone" or "r01")], await AllAsync(client, new ListEventsRequest { KnownAt = before, Filter = new EventFilter { EventIds = { "gone", "moved", "r01" } } }));
        Assert.Equal([.. then.Where(id => rare.Contains(id) && int.Parse(id[1..], System.Globalization.CultureInfo.InvariantCulture) % 2 == 1)], await AllAsync(client, new ListEventsRequest { KnownAt = before, Filter = new EventFilter { Actors = { "Beta" } } }));
    }

    /// <summary>Every page of a list, three events a page, as ids in order.</summary>
    private static async Task<List<string>> AllAsync(EventStoreService.EventStoreServiceClient client, ListEventsRequest request)
    {
        var ids = new List<string>();
        request.PageSize = request.PageSize == 0 ? 3 : request.PageSize;
        do
        {
            var page = await client.ListEventsAsync(request, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync.WaitAsync(CallTimeout, TestContext.Current.CancellationToken);
            ids.AddRange(page.Events.Select(e => e.EventId));
            request.PageToken = page.NextPageToken;
        }
        while (request.PageToken.Length > 0);
        return ids;
    }

    private static Task<ListEventsResponse> ListAsync(StorageServer server, ListEventsRequest request) =>
        server.Client.ListEventsAsync(request, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync.WaitAsync(CallTimeout, TestContext.Current.CancellationToken);

    /// <summary>The plan of a list statement as the service would run it, from the database behind <paramref name="server"/>.</summary>
    private async Task<List<string>> PlanAsync(StorageServer server, EventCriteria criteria, ListDriver driver, DateTimeOffset? knownAt)
    {
        if (backend == StorageBackend.Postgres)
        {
            var (sql, parameters) = PostgresEventLog.ListStatement(criteria, driver, knownAt, null, 100);
            await using var data = NpgsqlDataSource.Create(server.Database.ConnectionString!);
            await using var connection = await data.OpenConnectionAsync(TestContext.Current.CancellationToken);
            return [.. await connection.QueryAsync<string>("EXPLAIN " + sql, parameters)];
        }

        var filter = SqliteFilter.Bind(criteria);
        var p = filter.ToDynamic();
        p.Add("AfterEarliest", null);
        p.Add("AfterLatest", null);
        p.Add("AfterPosition", null);
        p.Add("Limit", 101);
        p.Add("KnownAt", 0L);
        await using var sqlite = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = server.DatabasePath, Pooling = false }.ToString());
        await sqlite.OpenAsync(TestContext.Current.CancellationToken);
        var statement = knownAt is null ? SqliteSql.ListDriven(driver, next: false) : SqliteSql.ListKnownAt(driver, next: false);
        return [.. (await sqlite.QueryAsync("EXPLAIN QUERY PLAN " + statement, p)).Select(row => (string)((IDictionary<string, object>)row)["detail"])];
    }

    /// <summary>The driver the backend's count chooses for a current-view list.</summary>
    private async Task<ListDriver> DriverAsync(StorageServer server, EventFilter filter)
    {
        var criteria = EventCriteria.Check(filter, new EventLimits());
        if (backend == StorageBackend.Postgres)
        {
            var p = PostgresFilter.Bind(criteria);
            p.Add("Most", ListPage.MostIndexRows);
            await using var data = NpgsqlDataSource.Create(server.Database.ConnectionString!);
            await using var connection = await data.OpenConnectionAsync(TestContext.Current.CancellationToken);
            var (tags, actors, deadlines, kinds, countries) = await connection.QuerySingleAsync<(long, long, long, long, long)>(PostgresSql.CountIndexRows, p);
            return ListPage.Driver(criteria, new IndexRows(tags, actors, deadlines, kinds, countries));
        }

        var q = SqliteFilter.Bind(criteria).ToDynamic();
        q.Add("Most", ListPage.MostIndexRows);
        await using var sqlite = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = server.DatabasePath, Pooling = false }.ToString());
        await sqlite.OpenAsync(TestContext.Current.CancellationToken);
        var (t, a, d, k, c) = await sqlite.QuerySingleAsync<(long, long, long, long, long)>(SqliteSql.CountIndexRows, q);
        return ListPage.Driver(criteria, new IndexRows(t, a, d, k, c));
    }

    /// <summary>
    /// <see cref="Filled"/> one-revision events e1…, written as rows (the service stopped around it
    /// on SQLite), each with one of 3 tags, one of 100 actors, one of 5 kinds, over 27 years of days,
    /// and empty bodies (an empty EventRecord is a valid one).
    /// </summary>
    private async Task FillAsync(StorageServer server)
    {
        if (backend == StorageBackend.Postgres)
        {
            await server.Database.ExecuteAsync($"""
                INSERT INTO revisions (position, event_id, revision, recorded_at, recorded_by, earliest, latest, kind, country, deadline_id, retracted, body)
                SELECT g, 'e' || g, 1, g, 'test', 730000 + g % 10000, 730000 + g % 10000, 'k' || (g % 5), 'C' || (g % 50), NULL, false, '\x'::bytea
                FROM generate_series(1, {Filled}) AS g;
                INSERT INTO current_events (event_id, position, revision, span_class, earliest, latest, kind, country, deadline_id, retracted)
                SELECT event_id, position, 1, 0, earliest, latest, kind, country, NULL, false FROM revisions;
                INSERT INTO revision_tags (tag, position) SELECT 't' || (position % 3), position FROM revisions;
                INSERT INTO revision_actors (actor, position) SELECT 'a' || (position % 100), position FROM revisions;
                UPDATE log_head SET position = {Filled}, recorded_at = {Filled};
                ANALYZE;
                """).WaitAsync(CallTimeout, TestContext.Current.CancellationToken);
            await server.RestartAsync();
            return;
        }

        await server.StopAsync();
        await using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = server.DatabasePath, Pooling = false }.ToString()))
        {
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            await connection.ExecuteAsync($"""
                BEGIN;
                WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s WHERE g < {Filled})
                INSERT INTO revisions (position, event_id, revision, recorded_at, recorded_by, earliest, latest, kind, country, deadline_id, retracted, body)
                SELECT g, 'e' || g, 1, g, 'test', 730000 + g % 10000, 730000 + g % 10000, 'k' || (g % 5), 'C' || (g % 50), NULL, 0, X'' FROM s;
                INSERT INTO current_events (event_id, position, revision, earliest, latest, kind, country, deadline_id, retracted)
                SELECT event_id, position, 1, earliest, latest, kind, country, NULL, 0 FROM revisions;
                INSERT INTO revision_tags (tag, position) SELECT 't' || (position % 3), position FROM revisions;
                INSERT INTO revision_actors (actor, position) SELECT 'a' || (position % 100), position FROM revisions;
                COMMIT;
                """);
        }

        await server.RestartAsync();
    }

    public sealed class Sqlite() : ReadCostTests(StorageBackend.Sqlite);

    public sealed class Postgres() : ReadCostTests(StorageBackend.Postgres);
}
