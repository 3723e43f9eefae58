namespace Timeline.TimelineServer;

/// <summary>Every log message of the timeline service, source-generated.</summary>
internal static partial class TimelineServiceLog
{
    [LoggerMessage(1, LogLevel.Information, "Subscribing to deadline events at {StorageAddress} after position {Position}")]
    public static partial void Subscribing(ILogger logger, string storageAddress, long position);

    [LoggerMessage(2, LogLevel.Information, "Deadline projection caught up at position {Position} with {DeadlineCount} deadlines")]
    public static partial void CaughtUp(ILogger logger, long position, int deadlineCount);

    [LoggerMessage(3, LogLevel.Warning, "Deadline subscription lost after position {Position}; resubscribing in {Delay}")]
    public static partial void SubscriptionLost(ILogger logger, Exception exception, long position, TimeSpan delay);

    [LoggerMessage(4, LogLevel.Warning, "Event {EventId} revision {Revision} ignored by the deadline projection: {Problem}")]
    public static partial void EventIgnored(ILogger logger, string eventId, long revision, string problem);

    [LoggerMessage(5, LogLevel.Debug, "Deadline watch started for {DeadlineCount} deadline ids (0 = all); {WatcherCount} watching")]
    public static partial void WatchStarted(ILogger logger, int deadlineCount, int watcherCount);

    [LoggerMessage(6, LogLevel.Debug, "Deadline watch ended; {WatcherCount} watching")]
    public static partial void WatchEnded(ILogger logger, int watcherCount);

    [LoggerMessage(7, LogLevel.Debug, "Deadline watch wakes at {Wake} for the next status change")]
    public static partial void WatchTimer(ILogger logger, DateTimeOffset wake);

    [LoggerMessage(8, LogLevel.Warning, "Storage's log ends before position {Position}; rebuilding the deadline projection from the start")]
    public static partial void Rebuilding(ILogger logger, Exception exception, long position);

    [LoggerMessage(9, LogLevel.Debug, "Deadline projection applied event {EventId} revision {Revision} at position {Position}")]
    public static partial void Applied(ILogger logger, string eventId, long revision, long position);

    [LoggerMessage(10, LogLevel.Information, "A page's live feed was ended: it let {MaxQueuedBytes} bytes wait unread (it resumes from its last event id)")]
    public static partial void LiveFeedTooSlow(ILogger logger, long maxQueuedBytes);

    [LoggerMessage(11, LogLevel.Error, "A page's live feed failed")]
    public static partial void LiveFeedFailed(ILogger logger, Exception exception);
}
