using System.Runtime.InteropServices;
using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Timeline.Domain.Validation;

namespace Timeline.StorageService.Storage.Sqlite;

/// <summary>
/// The one owner of the SQLite file: opens connections with the right settings and brings the
/// schema up to date at start. WAL lets readers run beside the single writer; the writer runs
/// with <c>synchronous=FULL</c> so an acknowledged commit survives power loss.
/// </summary>
/// <remarks>
/// It also keeps the file safe from what nobody planned for (docs/STORAGE.md, "Faults of the
/// file"): the file is this process's alone (an exclusive lock on <c>&lt;file&gt;.lock</c>, held
/// while it is open), readable by its user only (a new directory 0700, a new file 0600, which
/// SQLite gives its WAL and SHM files too), checked for damage at start (<c>PRAGMA quick_check</c>,
/// at most <see cref="SqliteStorageOptions.IntegrityCheckTimeout"/>), and watched while open: a damaged
/// page met by any statement, or the file unlinked or replaced under the process, stops writes
/// for good (until a restart), and a commit that fails (a full disk) makes the instance not
/// SERVING until one succeeds.
/// </remarks>
internal sealed class SqliteDatabase(IOptions<SqliteStorageOptions> options, ILogger<SqliteDatabase> logger)
{
    /// <summary>The page cache of a connection from <see cref="OpenReader"/>, in KiB.</summary>
    public const int ReaderCacheKiB = 8192;

    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    // SQLite's result codes (the primary code, the low byte) and file control this class tells apart.
    private const int SqliteCorrupt = 11;
    private const int SqliteFull = 13;
    private const int SqliteNotADatabase = 26;
    private const int SqliteInterrupt = 9;
    private const int FileControlHasMoved = 20;

    private static readonly byte[] MainSchema = "main\0"u8.ToArray();

    private readonly Lock fileGate = new();
    private volatile bool ready;
    private volatile string? writesStopped;
    private volatile string? commitFailure;
    private FileStream? exclusive;
    private SqliteConnection? watch;

    public string Path { get; } = System.IO.Path.GetFullPath(options.Value.DatabasePath);

    /// <summary>The file whose exclusive lock says this process has the database open.</summary>
    public string LockPath => Path + ".lock";

    /// <summary>True once the file is open and migrated; the health check reports it.</summary>
    public bool IsReady => ready;

    /// <summary>
    /// SERVING while the file is open, undamaged and still at its path, and the last commit (if
    /// any failed since) succeeded; otherwise why not.
    /// </summary>
    public (bool Healthy, string Description) Health
    {
        get
        {
            if (!ready)
            {
                return (false, "event log not open");
            }

            CheckFileIsThere();
            return writesStopped is { } stopped ? (false, stopped)
                : commitFailure is { } failure ? (false, $"commits to {Path} fail: {failure}; appends are refused until one succeeds")
                : (true, $"event log open at {Path}");
        }
    }

    /// <summary>Why writes are stopped for good (a damaged file, a file no longer at its path), or null.</summary>
    public string? WritesStopped => writesStopped;

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

    /// <summary>
    /// Opens the writer's connection: takes the file's exclusive lock, creates the file (owner
    /// only) and checks it for damage, then migrates it. Throws, with one sentence saying what to
    /// do, when another process has the file or the file is damaged.
    /// </summary>
    public SqliteConnection OpenWriter()
    {
        SqliteConnection? connection = null;
        try
        {
            CreateOwnerOnly();
            connection = new SqliteConnection(ConnectionString);
            connection.Open();
            connection.Execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;");
            CheckIntegrity(connection);

            // The writer's working set (the indexes' upper pages) stays in its cache (the readers'
            // size, not SQLite's 2 MiB default; 32 MiB took the service past its memory budget of
            // 200 MB in the benchmark), and the journal of a group commit's savepoints in memory
            // instead of a temporary file: neither changes what reaches the disk, or when.
            connection.Execute($"PRAGMA cache_size = -{ReaderCacheKiB}; PRAGMA temp_store = MEMORY;");
            var version = Migrate(connection);
            var head = connection.ExecuteScalar<long>(SqliteSql.Head);
            watch = new SqliteConnection(ConnectionString);
            watch.Open();
            StorageLog.DatabaseOpened(logger, Path, version, head);
            ready = true;
            return connection;
        }
        catch
        {
            connection?.Dispose();
            Close();
            throw;
        }
    }

    /// <summary>The writer has closed the file: not SERVING, and the lock is released for the next process.</summary>
    public void Close()
    {
        ready = false;
        lock (fileGate)
        {
            watch?.Dispose();
            watch = null;
        }

        exclusive?.Dispose();
        exclusive = null;
    }

    /// <summary>
    /// Before a commit: null when the file may be written, else the refusal. Stat-checks that the
    /// file is still the one opened (an unlinked or replaced file would take every later commit
    /// with it at the next start).
    /// </summary>
    public ProblemException? RefuseWrites()
    {
        CheckFileIsThere();
        return writesStopped is { } reason ? new ProblemException(ProblemKind.Unavailable, "STORAGE_WRITES_STOPPED", reason) : null;
    }

    /// <summary>A commit succeeded: health no longer reports a failing disk.</summary>
    public void CommitSucceeded() => commitFailure = null;

    /// <summary>A commit failed: a damaged page stops writes for good, anything else (a full disk) until a commit succeeds.</summary>
    public void CommitFailed(Exception exception)
    {
        if (!NoteDamage(exception))
        {
            commitFailure = exception is SqliteException { SqliteErrorCode: SqliteFull } ? "the disk is full" : exception.Message;
        }
    }

    /// <summary>
    /// True when <paramref name="exception"/> says the file is damaged (SQLITE_CORRUPT, SQLITE_NOTADB);
    /// then writes stop for good. Meant for an exception filter around any statement.
    /// </summary>
    public bool NoteDamage(Exception exception)
    {
        if (exception is not SqliteException { SqliteErrorCode: SqliteCorrupt or SqliteNotADatabase } damage)
        {
            return false;
        }

        StopWrites($"the event log {Path} is damaged ({damage.Message.TrimEnd('.')}); appends are refused so nothing more goes into a damaged file: stop the service and restore the file from a backup");
        return true;
    }

    private void StopWrites(string reason)
    {
        if (Interlocked.CompareExchange(ref writesStopped, reason, null) is null)
        {
            StorageLog.WritesStopped(logger, reason);
        }
    }

    /// <summary>Stops writes when the path no longer names the file this process opened (unlinked, renamed, replaced).</summary>
    private void CheckFileIsThere()
    {
        lock (fileGate)
        {
            if (watch?.Handle is not { } handle || writesStopped is not null)
            {
                return;
            }

            var moved = 0;
            if (FileControl(handle.DangerousGetHandle(), MainSchema, FileControlHasMoved, ref moved) == 0 && moved != 0)
            {
                StopWrites($"the event log {Path} was deleted or replaced while open; appends are refused, since whatever they stored would be lost at the next start: restore the file and restart the service");
            }
        }
    }

    /// <summary>The directory (0700) and the file (0600) created for the owner only; existing ones are left as they are. Then the lock.</summary>
    private void CreateOwnerOnly()
    {
        var directory = System.IO.Path.GetDirectoryName(Path);
        if (!string.IsNullOrEmpty(directory) && !Directory.Exists(directory))
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(directory);
            }
            else
            {
                Directory.CreateDirectory(directory, OwnerOnlyDirectory);
            }
        }

        try
        {
            exclusive = new FileStream(LockPath, OwnerOnly(FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException e) when (File.Exists(LockPath))
        {
            throw new InvalidOperationException(
                $"the SQLite database {Path} is in use by another storage process (it holds {LockPath}): one process per file; stop the other one or give this one another Storage:DatabasePath ({e.Message.TrimEnd('.')})");
        }

        if (!File.Exists(Path))
        {
            try
            {
                // SQLite takes an empty file for a new database, and gives its -wal and -shm files this file's mode.
                new FileStream(Path, OwnerOnly(FileMode.CreateNew, FileAccess.Write, FileShare.ReadWrite)).Dispose();
            }
            catch (IOException) when (File.Exists(Path))
            {
            }
        }
    }

    private static FileStreamOptions OwnerOnly(FileMode mode, FileAccess access, FileShare share)
    {
        var options = new FileStreamOptions { Mode = mode, Access = access, Share = share };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnlyFile;
        }

        return options;
    }

    /// <summary>
    /// <c>PRAGMA quick_check</c> (every page and b-tree well formed; not the cross-checks of
    /// indexes against tables that integrity_check adds), interrupted after the configured time:
    /// a file too large to check in time starts unchecked, with a warning.
    /// </summary>
    private void CheckIntegrity(SqliteConnection connection)
    {
        var timeout = options.Value.IntegrityCheckTimeout;
        if (timeout <= TimeSpan.Zero)
        {
            return;
        }

        var started = System.Diagnostics.Stopwatch.StartNew();
        using var timer = new Timer(_ => SQLitePCL.raw.sqlite3_interrupt(connection.Handle), null, timeout, Timeout.InfiniteTimeSpan);
        List<string> problems;
        try
        {
            problems = connection.Query<string>("PRAGMA quick_check(20)").ToList();
        }
        catch (SqliteException e) when (e.SqliteErrorCode == SqliteInterrupt)
        {
            StorageLog.IntegrityCheckSkipped(logger, Path, timeout.TotalSeconds);
            return;
        }
        catch (SqliteException e) when (e.SqliteErrorCode is SqliteCorrupt or SqliteNotADatabase)
        {
            problems = [e.Message];
        }
        finally
        {
            timer.Change(Timeout.Infinite, Timeout.Infinite);
        }

        if (problems is not ["ok"])
        {
            throw new InvalidOperationException(
                $"the SQLite database {Path} is damaged (quick_check: {string.Join("; ", problems.Take(3)).ReplaceLineEndings(" ")}); the service does not write to a damaged file: restore it from a backup");
        }

        StorageLog.IntegrityChecked(logger, Path, started.Elapsed.TotalMilliseconds);
    }

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

    /// <summary>SQLite's own check that a path still names the open file (SQLITE_FCNTL_HAS_MOVED: a stat of the path against the open inode).</summary>
    [DllImport("e_sqlite3", EntryPoint = "sqlite3_file_control")]
    private static extern int FileControl(IntPtr db, byte[] name, int op, ref int arg);
}
