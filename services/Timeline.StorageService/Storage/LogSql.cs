namespace Timeline.StorageService.Storage;

/// <summary>
/// The statements (and pieces of statements) both backends run word for word: plain SQL over the
/// same tables and columns. Each backend adds its own filter (SQLite: JSON lists through
/// <c>json_each</c>; PostgreSQL: array parameters) and its own current-view list.
/// </summary>
internal static class LogSql
{
    /// <summary>A revision's columns, in the order <see cref="StoredRevision.ReadAllAsync"/> reads them by ordinal.</summary>
    public const string RevisionColumns =
        "e.position AS Position, e.event_id AS EventId, e.revision AS Revision, e.recorded_at AS RecordedAt, e.recorded_by AS RecordedBy, e.body AS Body";

    /// <summary>Keyset continuation in chronological order (never OFFSET).</summary>
    public const string After = "(e.earliest, e.latest, e.position) > (@AfterEarliest, @AfterLatest, @AfterPosition)";

    public const string ChronologicalPage = " ORDER BY e.earliest, e.latest, e.position LIMIT @Limit";

    /// <summary>
    /// The last position recorded at or before <c>@KnownAt</c> (0 if none), as <c>MAX(lo)</c> of the
    /// CTE <c>bound</c>: a binary search over positions, about 2·log2(head) primary-key seeks.
    /// <c>recorded_at</c> never decreases with position (both writers keep it so), so "recorded at
    /// or before t" is "position at or before this bound", and no index on <c>recorded_at</c> is
    /// needed: it cost every append a B-tree write for this rare query (SQLite migration 4,
    /// PostgreSQL migration 2 dropped it). The invariant: the answer lies in [lo, hi]; the probe
    /// is the first row at or after the midpoint, so gaps in positions do no harm.
    /// </summary>
    private const string KnownAtBound = """
        WITH RECURSIVE bound (lo, hi) AS (
            SELECT CAST(0 AS bigint), (SELECT COALESCE(MAX(position), 0) FROM revisions)
            UNION ALL
            SELECT
                CASE WHEN (SELECT r.recorded_at FROM revisions r WHERE r.position >= (b.lo + b.hi + 1) / 2 ORDER BY r.position LIMIT 1) <= @KnownAt
                    THEN (b.lo + b.hi + 1) / 2 ELSE b.lo END,
                CASE WHEN (SELECT r.recorded_at FROM revisions r WHERE r.position >= (b.lo + b.hi + 1) / 2 ORDER BY r.position LIMIT 1) <= @KnownAt
                    THEN b.hi ELSE (b.lo + b.hi + 1) / 2 - 1 END
            FROM bound b WHERE b.lo < b.hi)

        """;

    /// <summary>
    /// The view as known at a time: the latest revision recorded at or before it, tombstones left
    /// out; the backend's filter follows. A simple statement over <c>revisions</c>, which has no
    /// chronological index: it picks each event's revision up to <see cref="KnownAtBound"/>,
    /// filters and sorts (a rare, historical query; the span-class merge serves the current view only).
    /// </summary>
    public const string KnownAtFrom =
        KnownAtBound +
        "SELECT " + RevisionColumns + ", e.earliest AS Earliest, e.latest AS Latest" +
        " FROM revisions e" +
        " WHERE e.position IN (SELECT MAX(position) FROM revisions WHERE position <= (SELECT MAX(lo) FROM bound) GROUP BY event_id)" +
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
