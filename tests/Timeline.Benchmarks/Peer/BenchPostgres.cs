using Timeline.Tests.Shared;

namespace Timeline.Benchmarks.Peer;

/// <summary>
/// The run's own PostgreSQL server: a throwaway cluster started by the tests' helper
/// (tests/Shared/PostgresCluster.cs, one home: <c>fsync</c>, <c>synchronous_commit</c> and
/// <c>full_page_writes</c> on), stopped and deleted when the run ends. Every side of a scenario
/// gets a database of its own on it, so Timeline, Marten and the minimal table share one server.
/// </summary>
internal sealed class BenchPostgres(PostgresCluster cluster) : IAsyncDisposable
{
    /// <summary>The server, or null when no PostgreSQL server binaries are on this machine.</summary>
    public static async Task<BenchPostgres?> StartAsync() =>
        PostgresCluster.FindBinaries() is null ? null : new BenchPostgres(await PostgresCluster.StartNewAsync());

    public Task<string> CreateDatabaseAsync() => cluster.CreateDatabaseAsync();

    /// <summary>The durability settings in force, for the report.</summary>
    public Task<string> SettingsAsync() => cluster.ExecuteAsync(
        "SELECT split_part(version(), ' on ', 1) || '; ' || string_agg(name || '=' || setting || COALESCE(unit, ''), ', ' ORDER BY name) FROM pg_settings " +
        "WHERE name IN ('fsync', 'synchronous_commit', 'full_page_writes', 'wal_sync_method', 'shared_buffers', 'max_wal_size')");

    public ValueTask DisposeAsync() => cluster.DisposeAsync();
}
