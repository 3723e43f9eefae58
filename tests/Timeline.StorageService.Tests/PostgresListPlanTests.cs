using Dapper;
using Npgsql;
using Timeline.Domain.Events;
using Timeline.Domain.Validation;
using Timeline.StorageService.Storage;
using Timeline.StorageService.Storage.Postgres;
using Timeline.Tests.Shared;
using Timeline.V1;
using static Timeline.StorageService.Tests.Assertions;

namespace Timeline.StorageService.Tests;

/// <summary>
/// On PostgreSQL the span class is a stored column (docs/STORAGE.md), and the current view's list
/// must be served by it as on SQLite (SpanClassProperties' plan test): at 20,000 events of every
/// width, each arm is an index scan of <c>current_events_span</c> seeking its class and key, in
/// order and limited to a page, the arms are merged in order under the page's limit, nothing but
/// the page is sorted, and a tag filter probes each row instead of reading the whole tag.
/// </summary>
public sealed class PostgresListPlanTests
{
    [Fact]
    public async Task Every_arm_scans_the_span_index_from_its_key_in_order_and_the_arms_are_merged_under_the_limit()
    {
        await using var server = await StorageServer.StartAsync(StorageBackend.Postgres);
        await server.Database.ExecuteAsync("""
            INSERT INTO revisions (position, event_id, revision, recorded_at, recorded_by, earliest, latest, kind, country, deadline_id, retracted, body)
            SELECT g, 'e' || g, 1, g, 'test', 738000 + g % 3000, 738000 + g % 3000 + (ARRAY[0, 3, 20, 200, 2000, 20000, 50000])[1 + g % 7], '', '', NULL, false, '\x'::bytea
            FROM generate_series(1, 20000) AS g;
            INSERT INTO current_events (event_id, position, revision, span_class, earliest, latest, kind, country, deadline_id, retracted)
            SELECT event_id, position, 1, position % 7, earliest, latest, '', '', NULL, false FROM revisions;
            INSERT INTO revision_tags (tag, position) SELECT CASE WHEN position % 2 = 0 THEN 'even' ELSE 'odd' END, position FROM revisions;
            UPDATE log_head SET position = 20000, recorded_at = 20000;
            ANALYZE;
            """).WaitAsync(CallTimeout, cancellationToken: TestContext.Current.CancellationToken);

        var criteria = EventCriteria.Check(new EventFilter { Tags = { "even" }, OccurredFrom = "2022-06-01" }, new EventLimits());
        var (sql, parameters) = PostgresEventLog.ListStatement(criteria, ListDriver.Order, null, new ChronologicalKey(739000, 739010, 5000), 100);
        await using var data = NpgsqlDataSource.Create(server.Database.ConnectionString!);
        await using var connection = await data.OpenConnectionAsync(cancellationToken: TestContext.Current.CancellationToken);
        var plan = (await connection.QueryAsync<string>("EXPLAIN " + sql, parameters)).ToList();
        var text = string.Join('\n', plan);

        Assert.Contains(plan, line => line.Contains("Merge Append", StringComparison.Ordinal));
        Assert.Equal(SpanClasses.Count, plan.Count(line => line.Contains("Index Scan using current_events_span on current_events e", StringComparison.Ordinal)));
        Assert.Equal(SpanClasses.Count, plan.Count(line => line.Contains("Index Cond: ((span_class = ", StringComparison.Ordinal) && line.Contains("ROW(earliest, latest, \"position\") > ROW(", StringComparison.Ordinal)));
        Assert.DoesNotContain(plan, line => line.Contains("Seq Scan on current_events", StringComparison.Ordinal));

        // Only the page itself is sorted again, after its bodies are joined: the outer ORDER BY of at most 101 rows.
        Assert.True(plan.Count(line => line.TrimStart(' ', '-', '>').StartsWith("Sort  (", StringComparison.Ordinal)) <= 1, text);
        Assert.True(plan.Count(line => line.TrimStart(' ', '-', '>').StartsWith("Limit  (", StringComparison.Ordinal)) == SpanClasses.Count + 1, text);

        // A tag is probed for the row at hand (the primary key of revision_tags), not read whole for every page.
        Assert.Equal(SpanClasses.Count, plan.Count(line => line.Contains("Index Only Scan using revision_tags_pkey", StringComparison.Ordinal)));
        Assert.DoesNotContain(plan, line => line.Contains("hashed SubPlan", StringComparison.Ordinal) || line.Contains("Seq Scan on revision_tags", StringComparison.Ordinal));
    }
}
