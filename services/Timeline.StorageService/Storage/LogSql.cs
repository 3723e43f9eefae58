namespace Timeline.StorageService.Storage;

/// <summary>
/// The statements (and pieces of statements) both backends run word for word: plain SQL over the
/// same tables and columns. Each backend adds its own filter (SQLite: JSON lists through
/// <c>json_each</c>; PostgreSQL: array parameters) and its own current-view list.
/// </summary>
internal static class LogSql
{
    /// <summary>A revision's columns, in the order <see cref="WirePage.ReadAllAsync"/> (and SQLite's catch-up) reads them by ordinal.</summary>
    public const string RevisionColumns =
        "e.position AS Position, e.event_id AS EventId, e.revision AS Revision, e.recorded_at AS RecordedAt, e.recorded_by AS RecordedBy, e.body AS Body";

    /// <summary>Keyset continuation in chronological order (never OFFSET).</summary>
    public const string After = "(e.earliest, e.latest, e.position) > (@AfterEarliest, @AfterLatest, @AfterPosition)";

    public const string ChronologicalPage = " ORDER BY e.earliest, e.latest, e.position LIMIT @Limit";

    /// <summary>
    /// The current view from the events a condition on <c>current_events e</c> picks through an
    /// index (<paramref name="driver"/>: its ids, or its positions in the tag or actor index),
    /// then the rest of the filter, sorted: what <see cref="ListDriver"/> chooses when that set is
    /// small, so a filter matching little costs what it matches, not a walk of the view in order.
    /// The backend's filter follows; then <see cref="DrivenPage"/>.
    /// </summary>
    public static string DrivenFrom(string driver, bool next) =>
        "SELECT p.position AS Position, r.event_id AS EventId, r.revision AS Revision, r.recorded_at AS RecordedAt, r.recorded_by AS RecordedBy, r.body AS Body, p.earliest AS Earliest, p.latest AS Latest FROM (" +
        "SELECT e.position AS position, e.earliest AS earliest, e.latest AS latest FROM current_events e WHERE " + driver +
        (next ? " AND " + After : "") + " AND e.retracted = false AND ";

    public const string DrivenPage = " ORDER BY e.earliest, e.latest, e.position LIMIT @Limit) p JOIN revisions r ON r.position = p.position ORDER BY p.earliest, p.latest, p.position";

    /// <summary>
    /// One backend's list statements for each <see cref="ListDriver"/>, first page and next, built
    /// once from its filter (over <c>e</c>, the deadline filter included), its index condition of
    /// each driver on <c>current_events e</c> (<see cref="DrivenFrom"/>) and its subquery of each
    /// driver's event ids for known-at lists (<see cref="KnownAtFromEvents"/>; null reads every event).
    /// </summary>
    public sealed class DrivenLists(string filter, Func<ListDriver, string> driver, Func<ListDriver, string?> knownAtEvents)
    {
        private readonly string[] knownAtFirst = Build(d => KnownAtStart(knownAtEvents(d)) + filter + ChronologicalPage);
        private readonly string[] knownAtNext = Build(d => KnownAtStart(knownAtEvents(d)) + After + " AND " + filter + ChronologicalPage);
        private readonly string[] drivenFirst = Build(d => d == ListDriver.Order ? "" : DrivenFrom(driver(d), next: false) + filter + DrivenPage);
        private readonly string[] drivenNext = Build(d => d == ListDriver.Order ? "" : DrivenFrom(driver(d), next: true) + filter + DrivenPage);

        public string KnownAt(ListDriver driver, bool next) => (next ? knownAtNext : knownAtFirst)[(int)driver];

        public string Driven(ListDriver driver, bool next) => (next ? drivenNext : drivenFirst)[(int)driver];

        private static string KnownAtStart(string? events) => events is null ? KnownAtFrom : KnownAtFromEvents(events);

        private static string[] Build(Func<ListDriver, string> statement) => [.. Enum.GetValues<ListDriver>().Select(statement)];
    }

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
    /// Without ids, tags or actors to pick the events (<see cref="KnownAtFromEvents"/>) it reads
    /// every revision up to the bound, so it runs under <c>Storage:ReadTimeLimit</c>.
    /// </summary>
    public const string KnownAtFrom = KnownAtSelect + " GROUP BY event_id) AND e.retracted = false AND ";

    private const string KnownAtSelect =
        KnownAtBound +
        "SELECT " + RevisionColumns + ", e.earliest AS Earliest, e.latest AS Latest" +
        " FROM revisions e" +
        " WHERE e.position IN (SELECT MAX(position) FROM revisions WHERE position <= (SELECT MAX(lo) FROM bound)";

    /// <summary>
    /// <see cref="KnownAtFrom"/> for the events a subquery names (<paramref name="events"/>: their
    /// ids, from the filter's ids or the tag or actor index): each one's revisions are found by
    /// <c>(event_id, revision)</c>, so the read costs what those events cost, not the log.
    /// </summary>
    public static string KnownAtFromEvents(string events) =>
        KnownAtSelect + " AND event_id IN (" + events + ") GROUP BY event_id) AND e.retracted = false AND ";

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
