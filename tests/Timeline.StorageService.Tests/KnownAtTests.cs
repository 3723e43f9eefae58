using Google.Protobuf.WellKnownTypes;
using Microsoft.Data.Sqlite;
using Timeline.Storage.V1;
using Timeline.Tests.Shared;
using Timeline.V1;
using static Timeline.StorageService.Tests.Assertions;

namespace Timeline.StorageService.Tests;

/// <summary>
/// The view as known at a time, at every boundary: since no index on <c>recorded_at</c> serves it
/// (SQLite migration 4, PostgreSQL migration 2), a list finds its position bound by a binary search
/// over positions. Each case compares the list with what the revisions' own history says, at each
/// recorded time, a microsecond before it, before the first and after the last; and a database of
/// the schema before the migration, with its rows, is upgraded and answers the same.
/// </summary>
public abstract class KnownAtTests(StorageBackend backend) : IAsyncLifetime
{
    private const string Tag = "known";

    private StorageServer server = null!;

    public async ValueTask InitializeAsync() => server = await StorageServer.StartAsync(backend);

    public async ValueTask DisposeAsync() => await server.DisposeAsync();

    [Fact]
    public async Task A_known_at_list_at_each_recorded_time_holds_the_revisions_recorded_until_then()
    {
        var revisions = await AppendHistoryAsync(server.Client);

        foreach (var time in Probes(revisions))
        {
            Assert.Equal(Expected(revisions, time), await ListKnownAtAsync(server.Client, time, pageSize: 3));
        }
    }

    [Fact]
    public async Task A_database_of_the_schema_before_the_recorded_at_index_was_dropped_is_upgraded_and_answers_the_same()
    {
        var revisions = await AppendHistoryAsync(server.Client);
        var before = new List<List<string>>();
        foreach (var time in Probes(revisions))
        {
            before.Add(await ListKnownAtAsync(server.Client, time, pageSize: 4));
        }

        await server.StopAsync();
        await using var upgraded = await DowngradeAndRestartAsync();

        Assert.False(await HasRecordedAtIndexAsync(), "the migration drops revisions_by_record_time");
        var after = new List<List<string>>();
        foreach (var time in Probes(revisions))
        {
            after.Add(await ListKnownAtAsync(upgraded.Client, time, pageSize: 4));
        }

        Assert.Equal(before, after);
        Assert.Equal([.. Probes(revisions).Select(t => Expected(revisions, t))], after);

        // And the upgraded database keeps its order: a revision appended now is known from its own time on.
        var late = await upgraded.Client.AppendEventsAsync(new AppendEventsRequest { Events = { Events.Dated("late", "2019-05-05", tags: Tag) } }, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync.WaitAsync(CallTimeout, cancellationToken: TestContext.Current.CancellationToken);
        var recorded = (await upgraded.Client.GetEventAsync(new GetEventRequest { EventId = "late" }, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync.WaitAsync(CallTimeout, cancellationToken: TestContext.Current.CancellationToken)).Event;
        Assert.Equal(late.Results[0].Position, recorded.Position);
        Assert.Contains("late@1", await ListKnownAtAsync(upgraded.Client, recorded.RecordedAt, pageSize: 4));
        Assert.DoesNotContain("late@1", await ListKnownAtAsync(upgraded.Client, Shift(recorded.RecordedAt, -1), pageSize: 4));
    }

    /// <summary>Puts the database back to the schema before the migration (rows untouched) and starts a service on it.</summary>
    protected abstract Task<StorageServer> DowngradeAndRestartAsync();

    /// <summary>Whether the upgraded database still has the index the migration drops.</summary>
    protected abstract Task<bool> HasRecordedAtIndexAsync();

    protected StorageServer Server => server;

    /// <summary>
    /// Revisions in several commits, some apart in time, with corrections and a retraction, so the
    /// known-at view differs from one recorded time to the next; every revision, as the history has it.
    /// </summary>
    private static async Task<List<EventRecord>> AppendHistoryAsync(EventStoreService.EventStoreServiceClient client)
    {
        async Task Append(params NewEvent[] events) =>
            await client.AppendEventsAsync(new AppendEventsRequest { Events = { events } }).ResponseAsync.WaitAsync(CallTimeout);

        await Append(Events.Dated("a", "2020-01-01", tags: Tag), Events.Dated("b", "2020-02", tags: Tag), Events.Dated("c", "2021", tags: Tag));
        await Task.Delay(5);
        await Append(Events.Dated("a", "2019-06-01", "corrected", Tag));
        await Append(Events.Dated("d", "2020-01-01", tags: Tag));
        await Task.Delay(5);
        var retraction = Events.Dated("b", "2020-02", tags: Tag);
        retraction.Retracted = true;
        await Append(retraction, Events.Dated("e", "2018", tags: Tag));
        await Append(Events.Dated("c", "2017-03-03", "moved", Tag));
        await Task.Delay(5);
        await Append(Events.Dated("b", "2022-12-31", "back again", Tag));

        var revisions = new List<EventRecord>();
        foreach (var id in new[] { "a", "b", "c", "d", "e" })
        {
            var history = await client.GetEventHistoryAsync(new GetEventHistoryRequest { EventId = id }).ResponseAsync.WaitAsync(CallTimeout);
            revisions.AddRange(history.Revisions);
        }

        return revisions;
    }

    /// <summary>Each recorded time, a microsecond before each, before everything and after everything.</summary>
    private static List<Timestamp> Probes(List<EventRecord> revisions)
    {
        var times = revisions.Select(r => r.RecordedAt).DistinctBy(t => (t.Seconds, t.Nanos)).OrderBy(t => t.ToDateTimeOffset()).ToList();
        return [Shift(times[0], -1_000_000), .. times.SelectMany(t => new[] { Shift(t, -1), t }), Shift(times[^1], 1_000_000)];
    }

    private static Timestamp Shift(Timestamp time, long micros) => Timestamp.FromDateTimeOffset(time.ToDateTimeOffset().AddTicks(micros * 10));

    /// <summary>From the histories alone: each event's latest revision recorded at or before the time, tombstones left out, in chronological order.</summary>
    private static List<string> Expected(List<EventRecord> revisions, Timestamp time) =>
        [.. revisions
            .Where(r => r.RecordedAt.ToDateTimeOffset() <= time.ToDateTimeOffset())
            .GroupBy(r => r.EventId)
            .Select(g => g.MaxBy(r => r.Revision)!)
            .Where(r => !r.Retracted)
            .OrderBy(r => r.Occurred.Earliest, StringComparer.Ordinal).ThenBy(r => r.Occurred.Latest, StringComparer.Ordinal).ThenBy(r => r.Position)
            .Select(r => $"{r.EventId}@{r.Revision}")];

    private static async Task<List<string>> ListKnownAtAsync(EventStoreService.EventStoreServiceClient client, Timestamp time, int pageSize)
    {
        var listed = new List<string>();
        var token = string.Empty;
        do
        {
            var page = await client.ListEventsAsync(new ListEventsRequest { Filter = new EventFilter { Tags = { Tag } }, KnownAt = time, PageSize = pageSize, PageToken = token }).ResponseAsync.WaitAsync(CallTimeout);
            listed.AddRange(page.Events.Select(e => $"{e.EventId}@{e.Revision}"));
            token = page.NextPageToken;
            Assert.True(listed.Count <= 100, "the pages do not end");
        }
        while (token.Length > 0);
        return listed;
    }

    public sealed class Sqlite() : KnownAtTests(StorageBackend.Sqlite)
    {
        private string path = "";

        protected override async Task<StorageServer> DowngradeAndRestartAsync()
        {
            // A copy under another name, so no pooled connection remembers the schema of the original.
            path = Path.Combine(Server.Directory, "version3.db");
            File.Copy(Server.DatabasePath, path);
            using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString()))
            {
                connection.Open();
                using var command = connection.CreateCommand();
                command.CommandText = "CREATE INDEX revisions_by_record_time ON revisions (recorded_at); DROP INDEX current_events_kind; DROP INDEX current_events_country; PRAGMA user_version = 3;";
                command.ExecuteNonQuery();
            }

            var upgraded = await StorageServer.StartAsync(StorageBackend.Sqlite, new Dictionary<string, string?> { ["Storage:DatabasePath"] = path });
            using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString()))
            {
                connection.Open();
                using var command = connection.CreateCommand();
                command.CommandText = "PRAGMA user_version";
                Assert.Equal(Timeline.StorageService.Storage.Sqlite.SqliteSchema.Migrations[^1].Version, (long)command.ExecuteScalar()!);
            }

            return upgraded;
        }

        protected override Task<bool> HasRecordedAtIndexAsync()
        {
            using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE name = 'revisions_by_record_time'";
            return Task.FromResult((long)command.ExecuteScalar()! > 0);
        }
    }

    public sealed class Postgres() : KnownAtTests(StorageBackend.Postgres)
    {
        protected override async Task<StorageServer> DowngradeAndRestartAsync()
        {
            await Server.Database.ExecuteAsync("CREATE INDEX revisions_by_record_time ON revisions (recorded_at); DROP INDEX current_events_kind; DROP INDEX current_events_country; DELETE FROM schema_migrations WHERE version >= 2").WaitAsync(CallTimeout);
            Assert.Equal("1", await Server.Database.ExecuteAsync("SELECT MAX(version) FROM schema_migrations").WaitAsync(CallTimeout));
            var upgraded = await StorageServer.StartOnAsync(Server.Database);
            Assert.Equal(
                Timeline.StorageService.Storage.Postgres.PostgresSchema.Migrations[^1].Version.ToString(System.Globalization.CultureInfo.InvariantCulture),
                await upgraded.Database.ExecuteAsync("SELECT MAX(version) FROM schema_migrations").WaitAsync(CallTimeout));
            return upgraded;
        }

        protected override async Task<bool> HasRecordedAtIndexAsync() =>
            await Server.Database.ExecuteAsync("SELECT COUNT(*) FROM pg_indexes WHERE indexname = 'revisions_by_record_time'").WaitAsync(CallTimeout) != "0";
    }
}
