using System.Globalization;
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
    /// <summary>
    /// The server, or null when no PostgreSQL server binaries are on this machine. With
    /// <paramref name="documented"/> it is restarted with the settings of the independent run of
    /// issue 29 (<c>shared_buffers=256MB</c>, <c>max_wal_size=4GB</c>, what PostgreSQL tuning guides
    /// and Marten's users set) in place of the tests' 64MB / 256MB; durability unchanged.
    /// </summary>
    public static async Task<BenchPostgres?> StartAsync(bool documented = false)
    {
        if (PostgresCluster.FindBinaries() is not { } binaries)
        {
            return null;
        }

        var cluster = await PostgresCluster.StartNewAsync();
        if (documented)
        {
            // Command-line settings outrank ALTER SYSTEM, so the server is started again with its own list.
            var pgCtl = Path.Combine(binaries, "pg_ctl");
            var asPostgres = Environment.UserName == "root";
            await PostgresCluster.RunAsync(pgCtl, ["stop", "-D", cluster.DataDirectory, "-m", "fast", "-w", "-t", "60"], asPostgres, TimeSpan.FromSeconds(90));
            string[] settings =
            [
                "-c listen_addresses=127.0.0.1", "-c port=" + cluster.Port.ToString(CultureInfo.InvariantCulture), "-c unix_socket_directories=" + cluster.Directory,
                "-c fsync=on", "-c synchronous_commit=on", "-c full_page_writes=on", "-c max_connections=400",
                "-c shared_buffers=256MB", "-c max_wal_size=4GB", "-c log_min_messages=warning",
            ];
            await PostgresCluster.RunAsync(pgCtl, ["start", "-D", cluster.DataDirectory, "-l", Path.Combine(cluster.Directory, "server.log"), "-w", "-t", "120", "-o", string.Join(' ', settings)], asPostgres, TimeSpan.FromSeconds(150));
        }

        return new BenchPostgres(cluster);
    }

    public Task<string> CreateDatabaseAsync() => cluster.CreateDatabaseAsync();

    /// <summary>The durability and memory settings in force, for the report (as <c>SHOW</c> prints them: 64MB, not 8192 pages).</summary>
    public Task<string> SettingsAsync() => cluster.ExecuteAsync(
        "SELECT split_part(version(), ' on ', 1) || '; ' || string_agg(name || '=' || current_setting(name), ', ' ORDER BY name) FROM pg_settings " +
        "WHERE name IN ('fsync', 'synchronous_commit', 'full_page_writes', 'wal_sync_method', 'shared_buffers', 'max_wal_size')");

    public ValueTask DisposeAsync() => cluster.DisposeAsync();
}
