using Microsoft.Data.Sqlite;
using Timeline.Storage.V1;
using Timeline.StorageService.Storage.Sqlite;
using Timeline.Tests.Shared;
using Timeline.V1;
using static Timeline.StorageService.Tests.Assertions;

namespace Timeline.StorageService.Tests;

/// <summary>
/// The SQLite writer writes a group's revisions at the positions it handed out and its tag, actor
/// and view rows with one statement per table, the rows as a JSON array (<see cref="SqliteSql.InsertTags"/>).
/// JSON has its own idea of types, so
/// this checks the file it writes is, value and type of every column of every table, the file
/// the row-at-a-time statements write for the same revisions (what the writer ran before, and
/// what the benchmark's raw baseline and its derived rows still run).
/// </summary>
public sealed class SqliteSetStatementTests
{
    private static readonly string[] Tables = ["revisions", "revision_tags", "revision_actors", "current_events"];

    [Fact]
    public async Task The_set_statements_store_what_the_row_statements_store()
    {
        await using var server = await StorageServer.StartAsync(StorageBackend.Sqlite);
        var ct = TestContext.Current.CancellationToken;

        var rich = Events.Dated("rich", "2023-10-14", "Ménaka: ‘quote’ \"double\" \\ back 😀", "zeta", "alpha", "acled:battles");
        rich.Actors.AddRange(["JNIM", "Forces armées maliennes", "ISSP 😀"]);
        rich.Kind = "Battles";
        rich.Location = new Location { Country = "mli", Name = "Ménaka" };
        rich.Summary = "two\nlines, \"quoted\", tab\t" + new string('x', 3_000);
        rich.Deadline = new DeadlineEffect { DeadlineId = "dl-1", Effect = DeadlineEffectType.Set, Title = "leave", Due = new FuzzyDate { Edtf = "2023-12-31" } };
        var first = new AppendEventsRequest { Events = { rich, Events.Dated("plain", "1990/2024"), Events.Dated("bc", "-0044-03-15", "Ides") } };
        first.Events.Add(Events.Dated("twice", "2023-01", "first"));
        first.Events.Add(Events.Dated("twice", "2023-02", "second in the same batch"));
        await server.Client.AppendEventsAsync(first, cancellationToken: ct).ResponseAsync.WaitAsync(CallTimeout, ct);

        // A second group: revisions of events the view holds, a retraction, a move off the deadline.
        var moved = Events.Dated("rich", "2023-10-15", "moved");
        var second = new AppendEventsRequest { Events = { moved, new NewEvent { EventId = "plain", Retracted = true }, Events.Dated("new", "2024") } };
        await server.Client.AppendEventsAsync(second, cancellationToken: ct).ResponseAsync.WaitAsync(CallTimeout, ct);
        await server.StopAsync();

        using var written = Open(server.DatabasePath, SqliteOpenMode.ReadOnly);
        using var expected = Open(":memory:", SqliteOpenMode.Memory);
        foreach (var (_, _, sql) in SqliteSchema.Migrations)
        {
            SqliteStatements.Execute(expected, sql);
        }

        // The same revisions, one statement per row, as the writer ran them before.
        using (var read = written.CreateCommand())
        {
            read.CommandText = "SELECT position, event_id, revision, recorded_at, recorded_by, earliest, latest, kind, country, deadline_id, retracted, body FROM revisions ORDER BY position";
            using var reader = read.ExecuteReader();
            while (reader.Read())
            {
                var values = new Dictionary<string, object?>
                {
                    ["EventId"] = reader.GetString(1),
                    ["Revision"] = reader.GetInt64(2),
                    ["RecordedAt"] = reader.GetInt64(3),
                    ["RecordedBy"] = reader.GetString(4),
                    ["Earliest"] = reader.GetInt64(5),
                    ["Latest"] = reader.GetInt64(6),
                    ["Kind"] = reader.GetString(7),
                    ["Country"] = reader.GetString(8),
                    ["DeadlineId"] = reader.IsDBNull(9) ? null : reader.GetString(9),
                    ["Retracted"] = reader.GetBoolean(10),
                    ["Body"] = (byte[])reader.GetValue(11),
                };
                var position = (long)SqliteStatements.Execute(expected, SqliteSql.InsertRevision, values)!;
                Assert.Equal(reader.GetInt64(0), position);
                values["Position"] = position;
                var content = EventRecord.Parser.ParseFrom((byte[])values["Body"]!);
                foreach (var tag in content.Tags)
                {
                    SqliteStatements.Execute(expected, SqliteSql.InsertTag, new Dictionary<string, object?> { ["Tag"] = tag, ["Position"] = position });
                }

                foreach (var actor in content.Actors)
                {
                    SqliteStatements.Execute(expected, SqliteSql.InsertActor, new Dictionary<string, object?> { ["Actor"] = actor, ["Position"] = position });
                }

                SqliteStatements.Execute(expected, SqliteSql.UpsertCurrent, values);
            }
        }

        Assert.Equal(8, Dump(written, "revisions").Count);
        foreach (var table in Tables)
        {
            Assert.Equal(Dump(expected, table), Dump(written, table));
        }

        // And the bodies are the very bytes the service answers with.
        Assert.Contains("'dl-1'", Dump(written, "revisions")[0], StringComparison.Ordinal);
        var body = (byte[])SqliteStatements.Execute(written, "SELECT body FROM revisions WHERE event_id = 'rich' AND revision = 1")!;
        Assert.Equal(rich.Title, EventRecord.Parser.ParseFrom(body).Title);
    }

    /// <summary>Every row of a table, each column as SQLite's <c>quote()</c> gives it: its value and its type (integer, text, blob, null).</summary>
    private static List<string> Dump(SqliteConnection connection, string table)
    {
        var columns = new List<string>();
        using (var info = connection.CreateCommand())
        {
            info.CommandText = $"SELECT name FROM pragma_table_info('{table}')";
            using var reader = info.ExecuteReader();
            while (reader.Read())
            {
                columns.Add(reader.GetString(0));
            }
        }

        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {string.Join(" || '|' || ", columns.Select(c => $"quote({c})"))} FROM {table} ORDER BY 1";
        using var rows = command.ExecuteReader();
        var dump = new List<string>();
        while (rows.Read())
        {
            dump.Add(rows.GetString(0));
        }

        return dump;
    }

    private static SqliteConnection Open(string path, SqliteOpenMode mode)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = mode, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }
}
