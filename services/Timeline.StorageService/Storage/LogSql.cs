namespace Timeline.StorageService.Storage;

/// <summary>
/// The statements (and pieces of statements) both backends run word for word: plain SQL over the
/// same tables and columns. Each backend adds its own filter (SQLite: JSON lists through
/// <c>json_each</c>; PostgreSQL: array parameters) and its own current-view list.
/// </summary>
internal static class LogSql
{
    public const string RevisionColumns =
        "e.position AS Position, e.event_id AS EventId, e.revision AS Revision, e.recorded_at AS RecordedAt, e.recorded_by AS RecordedBy, e.body AS Body";

    /// <summary>Keyset continuation in chronological order (never OFFSET).</summary>
    public const string After = "(e.earliest, e.latest, e.position) > (@AfterEarliest, @AfterLatest, @AfterPosition)";

    public const string ChronologicalPage = " ORDER BY e.earliest, e.latest, e.position LIMIT @Limit";

    /// <summary>
    /// The view as known at a time: the latest revision recorded at or before it, tombstones left
    /// out; the backend's filter follows. A simple statement over <c>revisions</c>, which has no
    /// chronological index: it picks each event's revision, filters and sorts (a rare, historical
    /// query; the span-class merge serves the current view only).
    /// </summary>
    public const string KnownAtFrom =
        "SELECT " + RevisionColumns + ", e.earliest AS Earliest, e.latest AS Latest" +
        " FROM revisions e" +
        " WHERE e.position IN (SELECT MAX(position) FROM revisions WHERE recorded_at <= @KnownAt GROUP BY event_id)" +
        " AND e.retracted = false AND ";

    /// <summary>Revisions in log order after a position, up to a head, for subscriptions; the backend's filter follows, then <see cref="InLogOrder"/>.</summary>
    public const string ReadAfterFrom =
        "SELECT " + RevisionColumns + ", e.earliest AS Earliest, e.latest AS Latest" +
        " FROM revisions e WHERE e.position > @After AND e.position <= @UpTo AND ";

    public const string InLogOrder = " ORDER BY e.position LIMIT @Limit";

    public const string GetCurrent =
        "SELECT " + RevisionColumns + ", e.retracted AS Retracted FROM current_events c JOIN revisions e ON e.position = c.position WHERE c.event_id = @EventId";

    public const string GetKnownAt =
        "SELECT " + RevisionColumns + ", e.retracted AS Retracted FROM revisions e WHERE e.event_id = @EventId AND e.recorded_at <= @KnownAt ORDER BY e.revision DESC LIMIT 1";

    public const string GetRevision =
        "SELECT " + RevisionColumns + ", e.retracted AS Retracted FROM revisions e WHERE e.event_id = @EventId AND e.revision = @Revision";

    public const string History =
        "SELECT " + RevisionColumns + " FROM revisions e WHERE e.event_id = @EventId ORDER BY e.revision";
}
