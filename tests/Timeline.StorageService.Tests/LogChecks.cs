using Microsoft.Data.Sqlite;
using Timeline.Tests.Shared;

namespace Timeline.StorageService.Tests;

/// <summary>
/// What must hold of a stored log whatever happened to it (crashes, faults, several writers),
/// checked in the database itself with the same SQL on both backends: positions 1..N without a
/// gap, recorded_at never decreasing with position, each event's current row its latest revision,
/// and on PostgreSQL the counter row at the last position. Each check counts its violations.
/// </summary>
internal static class LogChecks
{
    private static readonly (string Name, string Sql)[] Checks =
    [
        ("gaps", "SELECT COUNT(*) FROM revisions r WHERE r.position > 1 AND NOT EXISTS (SELECT 1 FROM revisions p WHERE p.position = r.position - 1)"),
        ("first position not 1", "SELECT COUNT(*) FROM (SELECT MIN(position) AS first FROM revisions) m WHERE m.first <> 1"),
        ("recorded_at decreasing", "SELECT COUNT(*) FROM revisions r JOIN revisions p ON p.position = r.position - 1 WHERE r.recorded_at < p.recorded_at"),
        ("stale current rows", "SELECT COUNT(*) FROM current_events c WHERE c.position <> (SELECT MAX(r.position) FROM revisions r WHERE r.event_id = c.event_id)"),
        ("events without a current row", "SELECT COUNT(DISTINCT r.event_id) FROM revisions r WHERE NOT EXISTS (SELECT 1 FROM current_events c WHERE c.event_id = r.event_id)"),
        ("revision numbers out of order", "SELECT COUNT(*) FROM revisions r WHERE r.revision > 1 AND NOT EXISTS (SELECT 1 FROM revisions p WHERE p.event_id = r.event_id AND p.revision = r.revision - 1 AND p.position < r.position)"),
    ];

    private const string CounterBehind = "SELECT COUNT(*) FROM log_head h WHERE h.position <> (SELECT COALESCE(MAX(position), 0) FROM revisions)";

    /// <summary>Every check with its count of violations; all zero for a sound log.</summary>
    public static async Task<IReadOnlyDictionary<string, long>> RunAsync(StorageDatabase database)
    {
        var results = new Dictionary<string, long>();
        if (database.Backend == StorageBackend.Postgres)
        {
            foreach (var (name, sql) in Checks.Append(("counter row not at the last position", CounterBehind)))
            {
                results[name] = long.Parse(await database.ExecuteAsync(sql).WaitAsync(Assertions.CallTimeout), System.Globalization.CultureInfo.InvariantCulture);
            }

            return results;
        }

        await using var connection = new SqliteConnection($"Data Source={database.SqlitePath};Pooling=False");
        await connection.OpenAsync();
        foreach (var (name, sql) in Checks.Append(("integrity_check not ok", "SELECT COUNT(*) FROM pragma_integrity_check WHERE integrity_check <> 'ok'")))
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            results[name] = (long)(await command.ExecuteScalarAsync())!;
        }

        return results;
    }

    /// <summary>Asserts that every check finds nothing, naming the ones that do.</summary>
    public static async Task AssertSoundAsync(StorageDatabase database)
    {
        var results = await RunAsync(database);
        var broken = results.Where(r => r.Value != 0).Select(r => $"{r.Key}: {r.Value}").ToList();
        Assert.True(broken.Count == 0, $"the stored log is not sound: {string.Join(", ", broken)}");
    }
}
