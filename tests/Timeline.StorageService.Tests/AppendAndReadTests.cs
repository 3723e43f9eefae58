using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Timeline.Storage.V1;
using Timeline.Tests.Shared;
using Timeline.V1;
using static Timeline.StorageService.Tests.Assertions;

namespace Timeline.StorageService.Tests;

public abstract class AppendAndReadTests(StorageBackend backend) : IAsyncLifetime
{
    private StorageServer server = null!;

    private EventStoreService.EventStoreServiceClient Client => server.Client;

    public async ValueTask InitializeAsync() => server = await StorageServer.StartAsync(backend);

    public async ValueTask DisposeAsync() => await server.DisposeAsync();

    [Fact]
    public async Task Appended_event_reads_back_with_resolved_date_and_normalized_fields()
    {
        var e = Events.Written("un-warning", "on Saturday (14 October)", "2023-10-16", "UN warns fighting may impede MINUSMA's departure");
        e.Tags.AddRange(["MINUSMA", "mali", "mali"]);
        e.Actors.Add("United Nations");
        e.Location = new Location { Name = "Bamako", Country = "mli", Latitude = 12.64, Longitude = -8.0 };
        e.Source = new Source { Name = "News report", Url = "https://example.org/report", Published = "2023-10-16" };

        var appended = await Client.AppendEventsAsync(new AppendEventsRequest { Events = { e } }, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync.WaitAsync(CallTimeout, cancellationToken: TestContext.Current.CancellationToken);
        var result = Assert.Single(appended.Results);
        Assert.Equal(1, result.Revision);
        Assert.False(result.NoOp);

        var read = (await Client.GetEventAsync(new GetEventRequest { EventId = "un-warning" }, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync.WaitAsync(CallTimeout, cancellationToken: TestContext.Current.CancellationToken)).Event;
        Assert.Equal(result.Position, read.Position);
        Assert.Equal("UN warns fighting may impede MINUSMA's departure", read.Title);
        Assert.Equal("2023-10-14", read.Occurred.Earliest);
        Assert.Equal("2023-10-14", read.Occurred.Latest);
        Assert.Equal("on Saturday (14 October)", read.Occurred.Text);
        Assert.Equal(["mali", "minusma"], read.Tags);
        Assert.Equal("MLI", read.Location.Country);
        Assert.NotNull(read.RecordedAt);
    }

    [Fact]
    public async Task Event_without_id_gets_a_generated_ulid()
    {
        var e = Events.Dated(string.Empty, "2020");
        var result = Assert.Single((await Client.AppendEventsAsync(new AppendEventsRequest { Events = { e } }, cancellationToken: TestContext.Current.CancellationToken)).Results);
        Assert.Equal(26, result.EventId.Length);
        Assert.Equal("2020", (await Client.GetEventAsync(new GetEventRequest { EventId = result.EventId }, cancellationToken: TestContext.Current.CancellationToken)).Event.Occurred.Edtf);
    }

    [Fact]
    public async Task Identical_reappend_is_a_no_op_returning_the_existing_position()
    {
        var first = (await Client.AppendEventsAsync(new AppendEventsRequest { Events = { Events.Dated("coup", "2020", "Junta seizes power", "mali") } }, cancellationToken: TestContext.Current.CancellationToken)).Results[0];
        var again = (await Client.AppendEventsAsync(new AppendEventsRequest { Events = { Events.Dated("coup", "2020", "Junta seizes power", "mali") } }, cancellationToken: TestContext.Current.CancellationToken)).Results[0];

        Assert.True(again.NoOp);
        Assert.Equal(first.Position, again.Position);
        Assert.Equal(1, again.Revision);
        var history = await Client.GetEventHistoryAsync(new GetEventHistoryRequest { EventId = "coup" }, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Single(history.Revisions);
    }

    [Fact]
    public async Task Changed_event_becomes_revision_2_and_history_shows_both()
    {
        await Client.AppendEventsAsync(new AppendEventsRequest { Events = { Events.Dated("MLI3169", "2019-05-09", "Clash") } }, cancellationToken: TestContext.Current.CancellationToken);
        var second = (await Client.AppendEventsAsync(new AppendEventsRequest { Events = { Events.Dated("MLI3169", "2019-09-05", "Clash") } }, cancellationToken: TestContext.Current.CancellationToken)).Results[0];

        Assert.Equal(2, second.Revision);
        Assert.False(second.NoOp);
        var history = (await Client.GetEventHistoryAsync(new GetEventHistoryRequest { EventId = "MLI3169" }, cancellationToken: TestContext.Current.CancellationToken)).Revisions;
        Assert.Equal([1L, 2L], history.Select(r => r.Revision));
        Assert.Equal(["2019-05-09", "2019-09-05"], history.Select(r => r.Occurred.Earliest));
        Assert.True(history[0].Position < history[1].Position);
        var current = (await Client.GetEventAsync(new GetEventRequest { EventId = "MLI3169" }, cancellationToken: TestContext.Current.CancellationToken)).Event;
        Assert.Equal("2019-09-05", current.Occurred.Earliest);
        var first = (await Client.GetEventAsync(new GetEventRequest { EventId = "MLI3169", Revision = 1 }, cancellationToken: TestContext.Current.CancellationToken)).Event;
        Assert.Equal("2019-05-09", first.Occurred.Earliest);
    }

    [Fact]
    public async Task Retraction_hides_the_event_from_the_current_view_but_not_from_history_or_earlier_views()
    {
        await Client.AppendEventsAsync(new AppendEventsRequest { Events = { Events.Dated("rumour", "2023-10-14", "Unconfirmed report", "mali") } }, cancellationToken: TestContext.Current.CancellationToken);
        var beforeRetraction = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow);
        await Task.Delay(20, cancellationToken: TestContext.Current.CancellationToken);
        var tombstone = (await Client.AppendEventsAsync(new AppendEventsRequest { Events = { new NewEvent { EventId = "rumour", Retracted = true } } }, cancellationToken: TestContext.Current.CancellationToken)).Results[0];
        Assert.Equal(2, tombstone.Revision);

        var current = await Client.ListEventsAsync(new ListEventsRequest { Filter = new EventFilter { Tags = { "mali" } } }, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Empty(current.Events);
        var status = await FailsWith(StatusCode.NotFound, () => Client.GetEventAsync(new GetEventRequest { EventId = "rumour" }).ResponseAsync);
        Assert.Equal("EVENT_RETRACTED", Reason(status));

        var history = (await Client.GetEventHistoryAsync(new GetEventHistoryRequest { EventId = "rumour" }, cancellationToken: TestContext.Current.CancellationToken)).Revisions;
        Assert.Equal([false, true], history.Select(r => r.Retracted));
        Assert.Equal("Unconfirmed report", history[1].Title);

        var known = await Client.ListEventsAsync(new ListEventsRequest { Filter = new EventFilter { Tags = { "mali" } }, KnownAt = beforeRetraction }, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal("rumour", Assert.Single(known.Events).EventId);
        var knownEvent = (await Client.GetEventAsync(new GetEventRequest { EventId = "rumour", KnownAt = beforeRetraction }, cancellationToken: TestContext.Current.CancellationToken)).Event;
        Assert.False(knownEvent.Retracted);
    }

    [Fact]
    public async Task Expected_revision_conflict_rejects_the_whole_batch_and_stores_nothing()
    {
        await Client.AppendEventsAsync(new AppendEventsRequest { Events = { Events.Dated("a", "2023-01-01") } }, cancellationToken: TestContext.Current.CancellationToken);
        var before = await ListAll();

        var fresh = Events.Dated("b", "2023-02-01");
        var stale = Events.Dated("a", "2023-03-01");
        stale.ExpectedRevision = 0;
        var status = await FailsWith(StatusCode.FailedPrecondition, () => Client.AppendEventsAsync(new AppendEventsRequest { Events = { fresh, stale } }).ResponseAsync);

        Assert.Equal("REVISION_MISMATCH", Reason(status));
        Assert.Equal("events[1].expected_revision", Assert.Single(Violations(status)).Field);
        Assert.Equal(before, await ListAll());

        stale.ExpectedRevision = 1;
        var ok = await Client.AppendEventsAsync(new AppendEventsRequest { Events = { fresh, stale } }, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal([1L, 2L], ok.Results.Select(r => r.Revision));
    }

    [Fact]
    public async Task A_retried_conditional_append_whose_answer_was_lost_is_a_no_op_returning_the_existing_position()
    {
        async Task<AppendResult> Append(params NewEvent[] events) =>
            (await Client.AppendEventsAsync(new AppendEventsRequest { Events = { events } }).ResponseAsync.WaitAsync(CallTimeout)).Results[0];

        // Each request sent twice, as a writer does when the first acknowledgement never reached it.
        var create = Events.Dated("conditional", "2023-10-14", "First report");
        create.ExpectedRevision = 0;
        var created = await Append(create);
        var createdAgain = await Append(create);
        Assert.Equal((1L, created.Position, false, true), (createdAgain.Revision, createdAgain.Position, created.NoOp, createdAgain.NoOp));

        var correct = Events.Dated("conditional", "2023-10-15", "Corrected report");
        correct.ExpectedRevision = 1;
        var corrected = await Append(correct);
        var correctedAgain = await Append(correct, Events.Dated("beside-it", "2023"));
        Assert.Equal((2L, corrected.Position, true), (correctedAgain.Revision, correctedAgain.Position, correctedAgain.NoOp));

        var retract = new NewEvent { EventId = "conditional", Retracted = true, ExpectedRevision = 2 };
        var retracted = await Append(retract);
        var retractedAgain = await Append(retract);
        Assert.Equal((3L, retracted.Position, true), (retractedAgain.Revision, retractedAgain.Position, retractedAgain.NoOp));

        // Still a conflict: other content on a stale revision, the same content further back, or the revision before.
        var other = Events.Dated("conditional", "2023-10-16", "Someone else's report");
        other.ExpectedRevision = 2;
        Assert.Equal("REVISION_MISMATCH", Reason(await FailsWith(StatusCode.FailedPrecondition, () => Append(other))));
        Assert.Equal("REVISION_MISMATCH", Reason(await FailsWith(StatusCode.FailedPrecondition, () => Append(correct))));
        Assert.Equal("REVISION_MISMATCH", Reason(await FailsWith(StatusCode.FailedPrecondition, () => Append(create))));

        var history = (await Client.GetEventHistoryAsync(new GetEventHistoryRequest { EventId = "conditional" }, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync.WaitAsync(CallTimeout, cancellationToken: TestContext.Current.CancellationToken)).Revisions;
        Assert.Equal([1L, 2L, 3L], history.Select(r => r.Revision));
        Assert.Single((await Client.GetEventHistoryAsync(new GetEventHistoryRequest { EventId = "beside-it" }, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync.WaitAsync(CallTimeout, cancellationToken: TestContext.Current.CancellationToken)).Revisions);
    }

    [Fact]
    public async Task Unresolvable_date_in_one_event_rejects_the_whole_batch_naming_the_field()
    {
        var before = await ListAll();
        var good = Events.Dated("good", "2023-10-14");
        var bad = Events.Written("bad", "on Friday (14 October)", "2023-10-16");

        var status = await FailsWith(StatusCode.InvalidArgument, () => Client.AppendEventsAsync(new AppendEventsRequest { Events = { good, bad } }).ResponseAsync);

        var violation = Assert.Single(Violations(status));
        Assert.Equal("events[1].occurred.text", violation.Field);
        Assert.Contains("Friday (14 October)", violation.Description, StringComparison.Ordinal);
        Assert.Equal("UNRESOLVABLE_DATE", Reason(status));
        Assert.Equal(before, await ListAll());
        await FailsWith(StatusCode.NotFound, () => Client.GetEventAsync(new GetEventRequest { EventId = "good" }).ResponseAsync);
    }

    [Fact]
    public async Task Bad_fields_are_each_named()
    {
        var e = Events.Dated("x", "2023-10-14");
        e.Title = "";
        e.Tags.Add("Not A Tag!");
        e.Location = new Location { Country = "ZZZ", Latitude = 91 };
        var status = await FailsWith(StatusCode.InvalidArgument, () => Client.AppendEventsAsync(new AppendEventsRequest { Events = { e } }).ResponseAsync);
        var fields = Violations(status).Select(v => v.Field).ToHashSet();
        Assert.Superset(new HashSet<string> { "events[0].title", "events[0].tags[0]", "events[0].location.country", "events[0].location.latitude", "events[0].location.longitude" }, fields);
        Assert.Empty(await ListAll());
    }

    [Fact]
    public async Task Empty_batch_is_refused()
    {
        var status = await FailsWith(StatusCode.InvalidArgument, () => Client.AppendEventsAsync(new AppendEventsRequest()).ResponseAsync);
        Assert.Equal("events", Assert.Single(Violations(status)).Field);
    }

    [Fact]
    public async Task Health_reports_serving_once_the_database_is_open()
    {
        var health = await server.Health.CheckAsync(new global::Grpc.Health.V1.HealthCheckRequest(), cancellationToken: TestContext.Current.CancellationToken).ResponseAsync.WaitAsync(CallTimeout, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(global::Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
        if (server.Backend == StorageBackend.Sqlite)
        {
            Assert.True(File.Exists(server.DatabasePath));
        }
        else
        {
            var latest = Timeline.StorageService.Storage.Postgres.PostgresSchema.Migrations[^1].Version;
            Assert.Equal(latest.ToString(System.Globalization.CultureInfo.InvariantCulture), await server.Database.ExecuteAsync("SELECT MAX(version) FROM schema_migrations").WaitAsync(CallTimeout, cancellationToken: TestContext.Current.CancellationToken));
        }
    }

    [Fact]
    public async Task Restart_on_the_same_file_keeps_everything()
    {
        for (var i = 0; i < 10; i++)
        {
            await Client.AppendEventsAsync(new AppendEventsRequest { Events = { Events.Dated($"e{i}", $"2023-10-{i + 10}") } }, cancellationToken: TestContext.Current.CancellationToken);
        }

        await Client.AppendEventsAsync(new AppendEventsRequest { Events = { Events.Dated("e3", "2023-11-01") } }, cancellationToken: TestContext.Current.CancellationToken);
        var before = await ListAll();

        await server.RestartAsync();

        Assert.Equal(before, await ListAll());
        Assert.Equal(2, (await server.Client.GetEventHistoryAsync(new GetEventHistoryRequest { EventId = "e3" }, cancellationToken: TestContext.Current.CancellationToken)).Revisions.Count);
        var next = (await server.Client.AppendEventsAsync(new AppendEventsRequest { Events = { Events.Dated("after", "2024") } }, cancellationToken: TestContext.Current.CancellationToken)).Results[0];
        Assert.Equal(12, next.Position);
    }

    private async Task<List<string>> ListAll()
    {
        var all = new List<string>();
        var token = string.Empty;
        do
        {
            var page = await server.Client.ListEventsAsync(new ListEventsRequest { PageSize = 1000, PageToken = token }).ResponseAsync.WaitAsync(CallTimeout);
            all.AddRange(page.Events.Select(e => $"{e.EventId}#{e.Revision}@{e.Position}"));
            token = page.NextPageToken;
        }
        while (token.Length > 0);
        return all;
    }

    public sealed class Sqlite() : AppendAndReadTests(StorageBackend.Sqlite);

    public sealed class Postgres() : AppendAndReadTests(StorageBackend.Postgres);
}
