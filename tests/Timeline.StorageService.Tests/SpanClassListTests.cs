using Microsoft.Data.Sqlite;
using Timeline.Domain.Dates;
using Timeline.Storage.V1;
using Timeline.Tests.Shared;
using Timeline.V1;
using static Timeline.StorageService.Tests.Assertions;

namespace Timeline.StorageService.Tests;

/// <summary>
/// The current view is listed as a merge of one index range per span class, each keyed at
/// occurred_from minus the class's width (Storage/SpanClasses.cs). A wrong width, a wrong class
/// boundary or a wrong key would drop or repeat an event of some width near occurred_from, or a
/// page token that ends on a wide event would skip narrow ones: these tests put events of every
/// width on both sides of occurred_from and compare with a plain sort of what was appended.
/// </summary>
public abstract class SpanClassListTests(StorageBackend backend) : IAsyncLifetime
{
    private const string From = "2023-08-10";
    private const string To = "2023-09-20";

    /// <summary>
    /// Around <see cref="From"/> (2023-08-10), for each class: an event as wide as the class
    /// allows that ends the day before it (never listed) and one that ends on it (the first its
    /// class must list), one a day wider (the next class), and events after it and after
    /// <see cref="To"/>; plus open ends and the widest range there is.
    /// </summary>
    private static readonly string[] Dates =
    [
        // One day.
        "2023-08-09", "2023-08-10", "2023-08-10", "2023-08-11", "2023-09-20", "2023-09-21",

        // Up to a week: 1 to 7 days wider than one day.
        "2023-08-02/2023-08-09", "2023-08-03/2023-08-10", "2023-08-09/2023-08-10", "2023-08-10/2023-08-17", "2023-09-20/2023-09-27",

        // Up to 26 days: 8 to 26.
        "2023-08-02/2023-08-10", "2023-07-14/2023-08-09", "2023-07-15/2023-08-10",

        // Exactly 27, 28, 29 and 30 days (a calendar month of each length), each ending the day
        // before and on occurred_from, and months of each length on both sides of it.
        "2023-07-13/2023-08-09", "2023-07-14/2023-08-10", "2023-07-12/2023-08-09", "2023-07-13/2023-08-10",
        "2023-07-11/2023-08-09", "2023-07-12/2023-08-10", "2023-07-10/2023-08-09", "2023-07-11/2023-08-10",
        "2023-02", "2024-02", "2023-06", "2023-07", "2023-08", "2023-09", "2023-10",

        // Up to 363 days (31 days, a quarter), then exactly 364 (a year) and 365 (a leap year), each
        // class's widest ending the day before and on occurred_from.
        "2023-07-09/2023-08-09", "2023-07-10/2023-08-10", "2023-07-09/2023-08-10", "2022-08-11/2023-08-09", "2022-08-12/2023-08-10", "2023-33",
        "2022-08-10/2023-08-09", "2022-08-11/2023-08-10", "2022", "2023",
        "2022-08-09/2023-08-09", "2022-08-10/2023-08-10", "2020", "2024",

        // Up to a decade: 366 to 3,660.
        "2022-08-08/2023-08-09", "2022-08-09/2023-08-10", "2022-08-08/2023-08-10", "2013-08-01/2023-08-09", "2013-08-02/2023-08-10", "201X", "202X", "2020/2029",

        // Up to a century: 3,661 to 36,600.
        "2013-08-01/2023-08-10", "1923-05-26/2023-08-09", "1923-05-27/2023-08-10", "19XX", "20XX",

        // Wider, and open ends.
        "1923-05-26/2023-08-10", "1800/2023-08-09", "1800/2023-08-10", "../2023-08-09", "../2023-08-10", "2023-08/..", "2024/..", "0001/9999",
    ];

    private StorageServer server = null!;

    private EventStoreService.EventStoreServiceClient Client => server.Client;

    public async ValueTask InitializeAsync() => server = await StorageServer.StartAsync(backend);

    public async ValueTask DisposeAsync() => await server.DisposeAsync();

    [Fact]
    public async Task Events_of_every_width_around_occurred_from_are_listed_exactly_and_in_order_at_every_page_size()
    {
        var appended = await AppendAsync(Dates, "spans");

        foreach (var (from, to) in new[] { (From, ""), (From, To), ("", To), ("", "") })
        {
            var filter = new EventFilter { Tags = { "spans" }, OccurredFrom = from, OccurredTo = to };
            var expected = Expected(appended, from, to);
            Assert.NotEmpty(expected);
            foreach (var pageSize in new[] { 1, 2, 3, 5, 8, 100 })
            {
                var listed = await ListAllAsync(filter, pageSize);
                Assert.True(
                    expected.SequenceEqual(listed),
                    $"from '{from}' to '{to}', pages of {pageSize}:\n expected {string.Join(", ", expected)}\n listed   {string.Join(", ", listed)}");
            }
        }
    }

    [Fact]
    public async Task A_page_that_ends_on_a_wide_event_continues_with_the_narrow_events_after_it()
    {
        // The first page ends on the year 2023 (it starts before every day event of August);
        // the next page must still hold every day of August from occurred_from on.
        var appended = await AppendAsync(["2023", "2023-08-10", "2023-08-11", "2023-08-12", "2022", "2023-01"], "boundary");
        var filter = new EventFilter { Tags = { "boundary" }, OccurredFrom = From };

        var first = await Client.ListEventsAsync(new ListEventsRequest { Filter = filter, PageSize = 1 }, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync.WaitAsync(CallTimeout, cancellationToken: TestContext.Current.CancellationToken);
        var rest = await Client.ListEventsAsync(new ListEventsRequest { Filter = filter, PageSize = 10, PageToken = first.NextPageToken }, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync.WaitAsync(CallTimeout, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("2023", Assert.Single(first.Events).Occurred.Edtf);
        Assert.Equal(["2023-08-10", "2023-08-11", "2023-08-12"], rest.Events.Select(e => e.Occurred.Edtf));
        Assert.Equal(Expected(appended, From, ""), [.. first.Events.Concat(rest.Events).Select(e => e.EventId)]);
    }

    private Task<List<Appended>> AppendAsync(IReadOnlyList<string> dates, string tag) => AppendAsync(Client, dates, tag, "");

    private static async Task<List<Appended>> AppendAsync(EventStoreService.EventStoreServiceClient client, IReadOnlyList<string> dates, string tag, string prefix)
    {
        var request = new AppendEventsRequest();
        for (var i = 0; i < dates.Count; i++)
        {
            request.Events.Add(Events.Dated($"{prefix}{tag}-{i:D2}", dates[i], tags: tag));
        }

        var response = await client.AppendEventsAsync(request).ResponseAsync.WaitAsync(CallTimeout);
        return [.. dates.Select((edtf, i) =>
        {
            var date = Edtf.Parse(edtf);
            return new Appended(response.Results[i].EventId, date.Earliest, date.Latest, response.Results[i].Position);
        })];
    }

    /// <summary>What the list must return: the events overlapping the range, sorted by (earliest, latest, position).</summary>
    private static List<string> Expected(IEnumerable<Appended> appended, string from, string to) =>
        [.. appended
            .Where(e => from.Length == 0 || e.Latest >= FuzzyDateProto.ParseDay(from))
            .Where(e => to.Length == 0 || e.Earliest <= FuzzyDateProto.ParseDay(to))
            .OrderBy(e => e.Earliest).ThenBy(e => e.Latest).ThenBy(e => e.Position)
            .Select(e => e.EventId)];

    private Task<List<string>> ListAllAsync(EventFilter filter, int pageSize) => ListAllAsync(Client, filter, pageSize);

    private static async Task<List<string>> ListAllAsync(EventStoreService.EventStoreServiceClient client, EventFilter filter, int pageSize)
    {
        var listed = new List<string>();
        var token = string.Empty;
        do
        {
            var page = await client.ListEventsAsync(new ListEventsRequest { Filter = filter, PageSize = pageSize, PageToken = token }).ResponseAsync.WaitAsync(CallTimeout);
            Assert.True(page.Events.Count <= pageSize);
            listed.AddRange(page.Events.Select(e => e.EventId));
            token = page.NextPageToken;
            Assert.True(listed.Count <= Dates.Length * 2, "the pages do not end");
        }
        while (token.Length > 0);
        return listed;
    }

    /// <summary>Turns a file this build created back into the schema of version 2 (migrations 3 to 6 undone), rows untouched.</summary>
    private static void DowngradeToVersion2(string path)
    {
        using var connection = Open(path);
        using var command = connection.CreateCommand();
        command.CommandText = """
            CREATE INDEX revisions_by_record_time ON revisions (recorded_at);
            DROP INDEX current_events_span;
            CREATE INDEX current_events_order ON current_events (earliest, latest, position);
            DROP INDEX current_events_kind;
            DROP INDEX current_events_country;
            PRAGMA user_version = 2;
            """;
        command.ExecuteNonQuery();
    }

    /// <summary>An empty file with the released migrations 1 and 2 only, as a version-2 build left it.</summary>
    private string Version2Database()
    {
        var path = Path.Combine(server.Directory, "empty-version2.db");
        using var connection = Open(path);
        foreach (var (version, _, sql) in Timeline.StorageService.Storage.Sqlite.SqliteSchema.Migrations.Where(m => m.Version <= 2))
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql + $"; PRAGMA user_version = {version};";
            command.ExecuteNonQuery();
        }

        return path;
    }

    private static List<string> SchemaOf(string path)
    {
        using var connection = Open(path);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT type || ' ' || name || ': ' || COALESCE(sql, '') FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name";
        using var reader = command.ExecuteReader();
        var rows = new List<string> { "user_version " + Scalar(connection, "PRAGMA user_version") };
        while (reader.Read())
        {
            // Index definitions differ only in the whitespace the migration text had.
            rows.Add(string.Join(' ', reader.GetString(0).Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries)));
        }

        return rows;
    }

    private static long Scalar(string path, string sql)
    {
        using var connection = Open(path);
        return Scalar(connection, sql);
    }

    private static long Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }

    private static SqliteConnection Open(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    private sealed record Appended(string EventId, Timeline.Domain.Dates.CalendarDay Earliest, Timeline.Domain.Dates.CalendarDay Latest, long Position);

    /// <summary>The span classes of migration 3 (SQLite) and 1 (PostgreSQL), before a calendar month's four widths and a year's two had classes of their own.</summary>
    private const string PreviousSpanClass =
        "(CASE WHEN latest - earliest <= 0 THEN 0 WHEN latest - earliest <= 7 THEN 1 WHEN latest - earliest <= 31 THEN 2" +
        " WHEN latest - earliest <= 366 THEN 3 WHEN latest - earliest <= 3660 THEN 4 WHEN latest - earliest <= 36600 THEN 5 ELSE 6 END)";

    /// <summary>A database whose current view was classed by the previous span classes: the upgrade reclasses it, and every list is exact.</summary>
    protected async Task AssertUpgradeFromPreviousSpanClassesAsync(Func<Task<StorageServer>> downgradeAndRestart)
    {
        var appended = await AppendAsync(Dates, "reclassed");
        await using var upgraded = await downgradeAndRestart();
        foreach (var (from, to) in new[] { (From, ""), (From, To), ("", "") })
        {
            var filter = new EventFilter { Tags = { "reclassed" }, OccurredFrom = from, OccurredTo = to };
            Assert.Equal(Expected(appended, from, to), await ListAllAsync(upgraded.Client, filter, 3));
        }
    }

    /// <summary>On SQLite, also: a file of an earlier schema version opens and is migrated forward.</summary>
    public sealed class Sqlite() : SpanClassListTests(StorageBackend.Sqlite)
    {
        [Fact]
        public async Task A_version_2_database_is_upgraded_and_lists_the_events_it_held()
        {
            var appended = await AppendAsync(Dates, "old");
            await server.StopAsync();

            // A copy under another name, so the service that opens it has no pooled connection
            // that remembers the schema of the file it was copied from.
            var path = Path.Combine(server.Directory, "version2.db");
            File.Copy(server.DatabasePath, path);
            DowngradeToVersion2(path);
            Assert.Equal(SchemaOf(Version2Database()), SchemaOf(path));

            await using var upgraded = await StorageServer.StartAsync(StorageBackend.Sqlite, new Dictionary<string, string?> { ["Storage:DatabasePath"] = path });

            Assert.Equal(Timeline.StorageService.Storage.Sqlite.SqliteSchema.Migrations[^1].Version, Scalar(path, "PRAGMA user_version"));
            Assert.Equal(0L, Scalar(path, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'current_events_order'"));
            Assert.Equal(1L, Scalar(path, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'current_events_span'"));
            var filter = new EventFilter { Tags = { "old" }, OccurredFrom = From };
            Assert.Equal(Expected(appended, From, ""), await ListAllAsync(upgraded.Client, filter, 4));

            // And the upgraded file keeps working: an event appended now takes its place in the order.
            var later = await AppendAsync(upgraded.Client, ["2023-08-10/2023-08-12"], "old", "new-");
            Assert.Equal(Expected([.. appended, .. later], From, ""), await ListAllAsync(upgraded.Client, filter, 3));
        }

        [Fact]
        public Task A_version_4_database_gets_the_span_index_of_migration_5() =>
            AssertUpgradeFromPreviousSpanClassesAsync(async () =>
            {
                await server.StopAsync();
                var path = Path.Combine(server.Directory, "version4.db");
                File.Copy(server.DatabasePath, path);
                using (var connection = Open(path))
                using (var command = connection.CreateCommand())
                {
                    command.CommandText = $"DROP INDEX current_events_span; CREATE INDEX current_events_span ON current_events ({PreviousSpanClass}, earliest, latest, position); DROP INDEX current_events_kind; DROP INDEX current_events_country; PRAGMA user_version = 4;";
                    command.ExecuteNonQuery();
                }

                var upgraded = await StorageServer.StartAsync(StorageBackend.Sqlite, new Dictionary<string, string?> { ["Storage:DatabasePath"] = path });
                Assert.Equal(Timeline.StorageService.Storage.Sqlite.SqliteSchema.Migrations[^1].Version, Scalar(path, "PRAGMA user_version"));
                Assert.Equal(1L, Scalar(path, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'current_events_span' AND sql LIKE '%<= 27 THEN 3%'"));
                return upgraded;
            });
    }

    public sealed class Postgres() : SpanClassListTests(StorageBackend.Postgres)
    {
        [Fact]
        public Task A_database_of_the_previous_span_classes_is_reclassed_by_migration_3() =>
            AssertUpgradeFromPreviousSpanClassesAsync(async () =>
            {
                // Version 2: the rows carry the classes the writer gave them then.
                var old = PreviousSpanClass.Replace("latest - earliest", "(latest::bigint - earliest)", StringComparison.Ordinal);
                await server.Database.ExecuteAsync($"UPDATE current_events SET span_class = {old}; DROP INDEX current_events_kind; DROP INDEX current_events_country; DELETE FROM schema_migrations WHERE version >= 3").WaitAsync(CallTimeout);
                // Every row wider than 26 days is in another class than this build's (months, years, decades and wider ones all are among Dates).
                Assert.NotEqual("0", await server.Database.ExecuteAsync("SELECT COUNT(*) FROM current_events WHERE latest::bigint - earliest > 26").WaitAsync(CallTimeout));
                var upgraded = await StorageServer.StartOnAsync(server.Database);
                Assert.Equal(Timeline.StorageService.Storage.Postgres.PostgresSchema.Migrations[^1].Version.ToString(System.Globalization.CultureInfo.InvariantCulture), await upgraded.Database.ExecuteAsync("SELECT MAX(version) FROM schema_migrations").WaitAsync(CallTimeout));
                return upgraded;
            });
    }
}
