using System.Diagnostics;
using Microsoft.Data.Sqlite;

namespace Timeline.StorageService.Storage.Sqlite;

/// <summary>
/// <c>Storage:ReadTimeLimit</c> on a reader connection: SQLite's progress handler looks at the
/// clock every few thousand virtual-machine instructions of the running statement and interrupts
/// it past the limit (<c>SQLITE_INTERRUPT</c>), which <see cref="IsExceeded"/> then recognizes.
/// Armed for one read and disarmed after it, so a pooled connection carries no handler to its next user.
/// </summary>
internal sealed class SqliteReadLimit : IDisposable
{
    /// <summary>Instructions between looks at the clock: a few microseconds of work each.</summary>
    private const int Instructions = 4_096;

    private const int SqliteInterrupt = 9;

    private readonly SqliteConnection connection;
    private readonly long deadline;
    private bool exceeded;

    private SqliteReadLimit(SqliteConnection connection, TimeSpan limit)
    {
        this.connection = connection;
        deadline = Stopwatch.GetTimestamp() + (long)(limit.TotalSeconds * Stopwatch.Frequency);
        SQLitePCL.raw.sqlite3_progress_handler(connection.Handle, Instructions, Check, null);
    }

    /// <summary>Arms the limit on <paramref name="connection"/> until the result is disposed.</summary>
    public static SqliteReadLimit Arm(SqliteConnection connection, TimeSpan limit) => new(connection, limit);

    /// <summary>Whether <paramref name="error"/> is this limit's interrupt (not a cancellation or another interrupt).</summary>
    public bool IsExceeded(Exception error) => exceeded && error is SqliteException { SqliteErrorCode: SqliteInterrupt };

    private int Check(object user)
    {
        exceeded = Stopwatch.GetTimestamp() > deadline;
        return exceeded ? 1 : 0;
    }

    public void Dispose() => SQLitePCL.raw.sqlite3_progress_handler(connection.Handle, 0, null, null);
}
