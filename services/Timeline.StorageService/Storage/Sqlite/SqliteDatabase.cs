using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Timeline.StorageService.Storage.Sqlite;

/// <summary>
/// The one owner of the SQLite file: opens connections with the right settings and brings the
/// schema up to date at start. WAL lets readers run beside the single writer; the writer runs
/// with <c>synchronous=FULL</c> so an acknowledged commit survives power loss.
/// </summary>
internal sealed class SqliteDatabase(IOptions<StorageOptions> options, ILogger<SqliteDatabase> logger)
{
    /// <summary>The page cache of a connection from <see cref="OpenReader"/>, in KiB.</summary>
    public const int ReaderCacheKiB = 8192;

    private volatile bool ready;

    public string Path { get; } = System.IO.Path.GetFullPath(options.Value.DatabasePath);

    /// <summary>True once the file is open and migrated; the health check reports it.</summary>
    public bool IsReady => ready;

    private string ConnectionString => new SqliteConnectionStringBuilder
    {
        DataSource = Path,
        Mode = SqliteOpenMode.ReadWriteCreate,
        Cache = SqliteCacheMode.Private,
        Pooling = true,
        DefaultTimeout = 30,
    }.ToString();

    public async Task<SqliteConnection> OpenReaderAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    /// <summary>
    /// A reader's connection that its owner keeps open (see <see cref="SqliteListStatement"/>), with a
    /// page cache of 8 MiB instead of SQLite's 2 MiB: one page of a list at a million events
    /// reads 2–3 MiB of index, tag, key and body pages, so with the default cache the same
    /// request read them all again from the file. (A commit by the writer empties a reader's
    /// cache anyway; this helps read-mostly periods, and costs memory only for pages read.)
    /// </summary>
    public SqliteConnection OpenReader()
    {
        var connection = new SqliteConnection(ConnectionString);
        connection.Open();
        connection.Execute($"PRAGMA cache_size = -{ReaderCacheKiB}");
        return connection;
    }

    /// <summary>Opens the writer's connection, creating and migrating the database if needed.</summary>
    public SqliteConnection OpenWriter()
    {
        var directory = System.IO.Path.GetDirectoryName(Path);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        var connection = new SqliteConnection(ConnectionString);
        connection.Open();
        connection.Execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;");

        // The writer's working set (the indexes' upper pages) stays in its cache (the readers'
        // size, not SQLite's 2 MiB default; 32 MiB took the service past its memory budget of
        // 200 MB in the benchmark), and the journal of a group commit's savepoints in memory
        // instead of a temporary file: neither changes what reaches the disk, or when.
        connection.Execute($"PRAGMA cache_size = -{ReaderCacheKiB}; PRAGMA temp_store = MEMORY;");
        var version = Migrate(connection);
        var head = connection.ExecuteScalar<long>(SqliteSql.Head);
        StorageLog.DatabaseOpened(logger, Path, version, head);
        ready = true;
        return connection;
    }

    public void MarkClosed() => ready = false;

    private int Migrate(SqliteConnection connection)
    {
        var version = connection.ExecuteScalar<int>("PRAGMA user_version");
        var latest = SqliteSchema.Migrations[^1].Version;
        if (version > latest)
        {
            throw new InvalidOperationException($"The database {Path} has schema version {version}, newer than this build knows ({latest}). Use a newer build.");
        }

        foreach (var (number, name, sql) in SqliteSchema.Migrations.Where(m => m.Version > version))
        {
            using var transaction = connection.BeginTransaction();
            connection.Execute(sql, transaction: transaction);
            connection.Execute($"PRAGMA user_version = {number}", transaction: transaction);
            transaction.Commit();
            StorageLog.MigrationApplied(logger, number, name);
            version = number;
        }

        return version;
    }
}
