using Dapper;
using Npgsql;
using Timeline.Domain.Events;
using Timeline.Domain.Validation;
using Timeline.StorageService.Storage.Postgres;
using Timeline.Tests.Shared;
using static Timeline.StorageService.Tests.Assertions;

namespace Timeline.StorageService.Tests;

/// <summary>
/// A subscription's catch-up page on PostgreSQL is a walk of <c>revisions</c>' primary key from the
/// page's start, stopped at the page: never a read of every row up to the head and a sort of them,
/// which the planner chose for a table filled since it was last analyzed (a log just imported),
/// so that each page cost the whole rest of the log.
/// </summary>
public sealed class PostgresCatchUpPlanTests
{
    [Fact]
    public async Task A_catch_up_page_of_a_table_never_analyzed_reads_the_page_in_key_order_and_sorts_nothing()
    {
        await using var server = await StorageServer.StartAsync(StorageBackend.Postgres);
        await server.Database.ExecuteAsync("""
            INSERT INTO revisions (position, event_id, revision, recorded_at, recorded_by, earliest, latest, kind, country, deadline_id, retracted, body)
            SELECT g, 'e' || g, 1, g, 'test', 738000, 738000, '', '', NULL, false, '\x'::bytea
            FROM generate_series(1, 30000) AS g;
            UPDATE log_head SET position = 30000, recorded_at = 30000;
            """).WaitAsync(CallTimeout, cancellationToken: TestContext.Current.CancellationToken);

        var parameters = PostgresFilter.Bind(EventCriteria.Check(null, new EventLimits()));
        parameters.Add("After", 1000L);
        parameters.Add("UpTo", 30000L);
        parameters.Add("Limit", 500);
        await using var data = NpgsqlDataSource.Create(server.Database.ConnectionString!);
        await using var connection = await data.OpenConnectionAsync(cancellationToken: TestContext.Current.CancellationToken);
        await connection.ExecuteAsync(PostgresSql.InPositionOrder);
        var plan = (await connection.QueryAsync<string>("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) " + PostgresSql.ReadAfter, parameters)).ToList();
        var text = string.Join('\n', plan);

        Assert.Contains(plan, line => line.Contains("Index Scan using revisions_pkey on revisions e", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, line => line.TrimStart(' ', '-', '>').StartsWith("Sort", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, line => line.Contains("Bitmap Heap Scan on revisions e", StringComparison.Ordinal) || line.Contains("Seq Scan on revisions e", StringComparison.Ordinal));

        // The scan stops at the page: 500 rows read, not the 29,000 up to the head.
        var scan = plan.Single(line => line.Contains("Index Scan using revisions_pkey on revisions e", StringComparison.Ordinal));
        Assert.True(scan.Contains("rows=500 ", StringComparison.Ordinal), text);
    }
}
