namespace Timeline.StorageService;

/// <summary>The storage service's log messages, source-generated.</summary>
internal static partial class StorageLog
{
    [LoggerMessage(1, LogLevel.Information, "Opened event log {Location} at schema version {Version}, head position {Head}")]
    public static partial void DatabaseOpened(ILogger logger, string location, int version, long head);

    [LoggerMessage(2, LogLevel.Information, "Applied migration {Version}: {Name}")]
    public static partial void MigrationApplied(ILogger logger, int version, string name);

    [LoggerMessage(3, LogLevel.Debug, "Committed {Batches} batches, {Revisions} new revisions, head {Head}")]
    public static partial void GroupCommitted(ILogger logger, int batches, int revisions, long head);

    [LoggerMessage(4, LogLevel.Error, "Group commit of {Batches} batches failed; all were refused")]
    public static partial void GroupCommitFailed(ILogger logger, Exception exception, int batches);

    [LoggerMessage(5, LogLevel.Information, "Subscriber fell behind at position {Position} and was ended")]
    public static partial void SubscriberOverflow(ILogger logger, long position);

    [LoggerMessage(6, LogLevel.Information, "Event log closed cleanly at head position {Head}")]
    public static partial void DatabaseClosed(ILogger logger, long head);

    [LoggerMessage(7, LogLevel.Error, "The event log's database {Location} cannot be reached; appends and reads answer UNAVAILABLE until it answers again")]
    public static partial void DatabaseUnreachable(ILogger logger, Exception exception, string location);

    [LoggerMessage(8, LogLevel.Information, "The event log's database {Location} answers again")]
    public static partial void DatabaseReachable(ILogger logger, string location);

    [LoggerMessage(9, LogLevel.Warning, "Append transaction hit {SqlState} (serialization failure or deadlock) on attempt {Attempt}; running it again")]
    public static partial void TransactionRetried(ILogger logger, string sqlState, int attempt);

    [LoggerMessage(10, LogLevel.Error, "The revision at position {Position} cannot be read: its stored body is damaged. Live subscriptions of this instance end with INTERNAL until the row is restored")]
    public static partial void DamagedRevision(ILogger logger, Exception exception, long position);

    [LoggerMessage(11, LogLevel.Critical, "Appends stopped: {Reason}")]
    public static partial void WritesStopped(ILogger logger, string reason);

    [LoggerMessage(12, LogLevel.Information, "Checked {Location} for damage (quick_check) in {Milliseconds:0} ms")]
    public static partial void IntegrityChecked(ILogger logger, string location, double milliseconds);

    [LoggerMessage(13, LogLevel.Warning, "The damage check of {Location} (quick_check) did not finish within Storage:IntegrityCheckTimeout ({Seconds} s); the file was opened unchecked")]
    public static partial void IntegrityCheckSkipped(ILogger logger, string location, double seconds);

    [LoggerMessage(14, LogLevel.Error, "The event log {Location} could not be closed cleanly; every acknowledged commit is in its WAL file, which the next start recovers")]
    public static partial void CloseFailed(ILogger logger, Exception exception, string location);
}
