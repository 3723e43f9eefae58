namespace Timeline.Tests.Shared;

/// <summary>The storage backends every storage test runs on: one fixture parameter, the same test bodies.</summary>
public enum StorageBackend
{
    Sqlite,
    Postgres,
}

/// <summary>
/// One test's own database on a backend: a SQLite file in the test's folder, or a fresh database
/// on the shared PostgreSQL cluster (the test skips when PostgreSQL is not installed, see
/// <see cref="PostgresCluster"/>). <see cref="Settings"/> is the storage service's configuration for it.
/// </summary>
public sealed class StorageDatabase : IAsyncDisposable
{
    private readonly PostgresCluster? cluster;

    private StorageDatabase(StorageBackend backend, string sqlitePath, PostgresCluster? cluster, string? connectionString)
    {
        Backend = backend;
        SqlitePath = sqlitePath;
        this.cluster = cluster;
        ConnectionString = connectionString;
    }

    public StorageBackend Backend { get; }

    /// <summary>The SQLite file (SQLite only).</summary>
    public string SqlitePath { get; }

    /// <summary>The PostgreSQL connection string (PostgreSQL only).</summary>
    public string? ConnectionString { get; }

    /// <summary>The storage service's settings for this database, as configuration keys and values.</summary>
    public IReadOnlyDictionary<string, string> Settings => Backend == StorageBackend.Postgres
        ? new Dictionary<string, string> { ["Storage:Provider"] = "postgres", ["Storage:ConnectionString"] = ConnectionString!, ["Storage:TailInterval"] = "00:00:00.050" }
        : new Dictionary<string, string> { ["Storage:DatabasePath"] = SqlitePath };

    /// <summary>The same settings as command-line arguments (<c>--Storage:DatabasePath=…</c>).</summary>
    public string[] Args => [.. Settings.Select(s => $"--{s.Key}={s.Value}")];

    /// <param name="directory">The test's folder, where a SQLite file goes.</param>
    /// <param name="cluster">A PostgreSQL cluster of the test's own; the shared one when null.</param>
    public static async Task<StorageDatabase> CreateAsync(StorageBackend backend, string directory, PostgresCluster? cluster = null)
    {
        var path = Path.Combine(directory, "timeline.db");
        if (backend == StorageBackend.Sqlite)
        {
            return new StorageDatabase(backend, path, null, null);
        }

        cluster ??= await PostgresCluster.SharedAsync();
        return new StorageDatabase(backend, path, cluster, await cluster.CreateDatabaseAsync());
    }

    /// <summary>The PostgreSQL database's name (PostgreSQL only).</summary>
    public string? DatabaseName => ConnectionString?.Split(';').Select(p => p.Split('=', 2)).FirstOrDefault(p => p[0] == "Database")?[1];

    /// <summary>The same PostgreSQL database on another server of the cluster (a standby, or the promoted one).</summary>
    public StorageDatabase On(PostgresCluster server) =>
        Backend == StorageBackend.Postgres ? new StorageDatabase(Backend, SqlitePath, server, server.ConnectionString(DatabaseName!)) : throw new InvalidOperationException("not a PostgreSQL database");

    /// <summary>Runs SQL on the PostgreSQL database with psql and returns what it printed (PostgreSQL only).</summary>
    public Task<string> ExecuteAsync(string sql) =>
        cluster is not null ? cluster.ExecuteAsync(sql, DatabaseName!) : throw new InvalidOperationException("not a PostgreSQL database");

    /// <summary>
    /// Nothing to do: a PostgreSQL test database is left on the cluster, which is deleted whole when
    /// the test process ends (DROP DATABASE forces a checkpoint: about a second a test).
    /// </summary>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
