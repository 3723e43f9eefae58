namespace Timeline.StorageService.Storage.Postgres;

/// <summary>
/// Every statement the PostgreSQL event log runs, as constants: parameters only, nothing built per
/// request. Lists travel as array parameters (<c>= ANY(@Tags)</c>, <c>unnest(...)</c>), never as
/// JSON. Portable to YugabyteDB's YSQL (docs/STORAGE.md).
/// </summary>
internal static class PostgresSql
{
    /// <summary>The filter of an <see cref="Timeline.Domain.Events.EventCriteria"/> over a row source aliased <c>e</c> (<see cref="PostgresFilter"/>).</summary>
    private const string Filter = """
        (cardinality(@Tags) = 0 OR EXISTS (SELECT 1 FROM revision_tags t WHERE t.tag = ANY(@Tags) AND t.position = e.position OFFSET 0))
        AND (cardinality(@Actors) = 0 OR EXISTS (SELECT 1 FROM revision_actors a WHERE a.actor = ANY(@Actors) AND a.position = e.position OFFSET 0))
        AND (cardinality(@Kinds) = 0 OR e.kind = ANY(@Kinds))
        AND (cardinality(@Countries) = 0 OR e.country = ANY(@Countries))
        AND (CAST(@OccurredFrom AS integer) IS NULL OR e.latest >= @OccurredFrom)
        AND (CAST(@OccurredTo AS integer) IS NULL OR e.earliest <= @OccurredTo)
        AND (cardinality(@EventIds) = 0 OR e.event_id = ANY(@EventIds))
        """;

    /// <summary>For lists: the event as it now stands bears on a deadline (one of the ids, if given).</summary>
    private const string DeadlineFilter = """
        (@DeadlinesOnly = false OR e.deadline_id IS NOT NULL)
        AND (cardinality(@DeadlineIds) = 0 OR e.deadline_id = ANY(@DeadlineIds))
        """;

    /// <summary>
    /// For streams: the revision bears on a deadline, or the revision it replaces did. A deadline
    /// follower must see the correction that takes an event off a deadline, or it keeps the old one.
    /// </summary>
    private const string DeadlineFilterWithPrevious = """
        (@DeadlinesOnly = false OR e.deadline_id IS NOT NULL
            OR EXISTS (SELECT 1 FROM revisions p WHERE p.event_id = e.event_id AND p.revision = e.revision - 1 AND p.deadline_id IS NOT NULL))
        AND (cardinality(@DeadlineIds) = 0 OR e.deadline_id = ANY(@DeadlineIds)
            OR EXISTS (SELECT 1 FROM revisions p WHERE p.event_id = e.event_id AND p.revision = e.revision - 1 AND p.deadline_id = ANY(@DeadlineIds)))
        """;

    /// <summary>One arm of <see cref="ListCurrent"/>: the current rows of one span class after that class's key, in order, at most a page.</summary>
    private const string ArmSelect = "(SELECT e.position, e.earliest, e.latest FROM current_events e WHERE e.span_class = ";

    private const string ArmWhere =
        " AND e.earliest <= @EarliestTo AND (CAST(@OccurredFrom AS integer) IS NULL OR e.latest >= @OccurredFrom) AND e.retracted = false AND " + Filter + " AND " + DeadlineFilter +
        " ORDER BY e.earliest, e.latest, e.position LIMIT @Limit)";

    /// <summary>
    /// The current view, one page in chronological order, first page and continuations alike: a
    /// merge of one arm per span class (<see cref="SpanClasses"/>), arm k an index scan of
    /// <c>current_events_span</c> from <c>(k, @Ek, @Lk, @Pk)</c> (keys from
    /// <see cref="SpanClasses.Key(int, int?, ChronologicalKey?)"/>) in index order, limited to a page;
    /// the planner merges the arms in order (Merge Append) and stops at the page, and bodies are read
    /// for the rows of the page only (<c>PostgresListPlanTests</c>). Unlike SQLite, PostgreSQL needs each
    /// arm's own ORDER BY and LIMIT to see that an arm's index scan is already in order: without them
    /// it reads every matching row of every arm and sorts. The tag and actor filters end their
    /// <c>EXISTS</c> with <c>OFFSET 0</c> so that each stays a probe of the row at hand (primary key
    /// of <c>revision_tags</c>): otherwise the planner turns it into a hashed subplan that reads every
    /// row of the tag for each page.
    /// </summary>
    public static readonly string ListCurrent =
        "SELECT p.position AS Position, r.event_id AS EventId, r.revision AS Revision, r.recorded_at AS RecordedAt, r.recorded_by AS RecordedBy, r.body AS Body, p.earliest AS Earliest, p.latest AS Latest FROM (" +
        string.Join(" UNION ALL ", Enumerable.Range(0, SpanClasses.Count).Select(k => ArmSelect + FormattableString.Invariant($"{k} AND (e.earliest, e.latest, e.position) > (@E{k}, @L{k}, @P{k})") + ArmWhere)) +
        " ORDER BY earliest, latest, position LIMIT @Limit) p JOIN revisions r ON r.position = p.position ORDER BY p.earliest, p.latest, p.position";

    /// <summary>
    /// How many index rows the filter's tags, its actors, its deadline ids, its kinds and its
    /// countries have (each field's values together), each counted up to <c>@Most</c>
    /// (<see cref="ListPage.Driver"/>); the last three on the current view's indexes.
    /// </summary>
    public const string CountIndexRows =
        "SELECT (SELECT count(*) FROM (SELECT 1 FROM revision_tags t WHERE t.tag = ANY(@Tags) LIMIT @Most) c) AS tags," +
        " (SELECT count(*) FROM (SELECT 1 FROM revision_actors a WHERE a.actor = ANY(@Actors) LIMIT @Most) c) AS actors," +
        " (SELECT count(*) FROM (SELECT 1 FROM current_events d WHERE d.deadline_id = ANY(@DeadlineIds) LIMIT @Most) c) AS deadlines," +
        " (SELECT count(*) FROM (SELECT 1 FROM current_events k WHERE k.kind = ANY(@Kinds) LIMIT @Most) c) AS kinds," +
        " (SELECT count(*) FROM (SELECT 1 FROM current_events n WHERE n.country = ANY(@Countries) LIMIT @Most) c) AS countries";

    private static readonly LogSql.DrivenLists Lists = new(Filter + " AND " + DeadlineFilter, Driver, KnownAtEvents);

    /// <summary>The view as known at a time (<see cref="LogSql.KnownAtFrom"/>), from the events <paramref name="driver"/> names; a first page or one after <c>@After…</c>.</summary>
    public static string ListKnownAt(ListDriver driver, bool next) => Lists.KnownAt(driver, next);

    /// <summary>The current view from the events <paramref name="driver"/> (not <see cref="ListDriver.Order"/>) names (<see cref="LogSql.DrivenFrom"/>).</summary>
    public static string ListDriven(ListDriver driver, bool next) => Lists.Driven(driver, next);

    /// <summary>The condition on <c>current_events e</c> that picks the driver's events through an index.</summary>
    private static string Driver(ListDriver driver) => driver switch
    {
        ListDriver.EventIds => "e.event_id = ANY(@EventIds)",
        ListDriver.Tags => "e.position IN (SELECT t.position FROM revision_tags t WHERE t.tag = ANY(@Tags))",
        ListDriver.Actors => "e.position IN (SELECT a.position FROM revision_actors a WHERE a.actor = ANY(@Actors))",
        ListDriver.DeadlineIds => "e.deadline_id = ANY(@DeadlineIds)",
        ListDriver.Kinds => "e.kind = ANY(@Kinds)",
        ListDriver.Countries => "e.country = ANY(@Countries)",
        _ => throw new ArgumentOutOfRangeException(nameof(driver)),
    };

    /// <summary>The ids of the events the driver names, for a known-at list (null: every event; <see cref="ListDriver.Order"/>, and the current view's indexes never drive one).</summary>
    private static string? KnownAtEvents(ListDriver driver) => driver switch
    {
        ListDriver.EventIds => "SELECT unnest(@EventIds)",
        ListDriver.Tags => "SELECT k.event_id FROM revision_tags t JOIN revisions k ON k.position = t.position WHERE t.tag = ANY(@Tags)",
        ListDriver.Actors => "SELECT k.event_id FROM revision_actors a JOIN revisions k ON k.position = a.position WHERE a.actor = ANY(@Actors)",
        _ => null,
    };

    /// <summary>Revisions in log order after a position, up to a head, for subscriptions (run after <see cref="InPositionOrder"/>).</summary>
    public const string ReadAfter = LogSql.ReadAfterFrom + Filter + " AND " + DeadlineFilterWithPrevious + LogSql.InLogOrder;

    /// <summary>
    /// Ahead of <see cref="ReadAfter"/>, in its round trip: a catch-up page is a walk of
    /// <c>revisions</c>' primary key in order, stopped at the page, never a sort. A table that has
    /// not been analyzed since it filled (a log just imported or appended to in bulk) estimates the
    /// range at a few hundred rows, and the planner then read every row up to the head for each page
    /// and sorted them (50,000 rows and 150 ms for a page of 1,000, so reading a log cost the square
    /// of its length). The setting lasts until the connection goes back to the pool, which resets it.
    /// </summary>
    public const string InPositionOrder = "SET enable_sort = off; ";

    /// <summary>The counter, read without a lock (a plain read never waits for a writer's row lock).</summary>
    public const string Head = "SELECT position FROM log_head WHERE id = 1";

    /// <summary>
    /// The live tail: every revision committed after a position, in position order, with the deadline
    /// its previous revision bore on. Positions commit in order (the counter row), so what one
    /// statement sees past a position is a gap-free run: it can see P+2 only once P+1 is visible too.
    /// </summary>
    public const string Tail =
        "SELECT e.position, e.event_id, e.revision, e.recorded_at, e.recorded_by, e.body, p.deadline_id" +
        " FROM revisions e LEFT JOIN revisions p ON p.event_id = e.event_id AND p.revision = e.revision - 1" +
        " WHERE e.position > @After ORDER BY e.position LIMIT @Limit";

    // The writer's statements, in the order a group commit runs them.

    /// <summary>First in every append transaction: the counter row, locked until commit.</summary>
    public const string LockHead = "SELECT position, recorded_at FROM log_head WHERE id = 1 FOR UPDATE";

    /// <summary>The latest revision of each event the group touches (read after the lock: nobody else can change them now).</summary>
    public const string Latest =
        "SELECT c.event_id, c.position, c.revision, c.retracted, r.body, c.deadline_id, r.recorded_at, r.recorded_by FROM current_events c JOIN revisions r ON r.position = c.position WHERE c.event_id = ANY(@EventIds)";

    public const string InsertRevisions = """
        INSERT INTO revisions (position, event_id, revision, recorded_at, recorded_by, earliest, latest, kind, country, deadline_id, retracted, body)
        SELECT u.position, u.event_id, u.revision, @RecordedAt, u.recorded_by, u.earliest, u.latest, u.kind, u.country, u.deadline_id, u.retracted, u.body
        FROM unnest(@Positions, @EventIds, @Revisions, @RecordedBy, @Earliest, @Latest, @Kinds, @Countries, @DeadlineIds, @Retracted, @Bodies)
            AS u (position, event_id, revision, recorded_by, earliest, latest, kind, country, deadline_id, retracted, body)
        """;

    public const string InsertTags = "INSERT INTO revision_tags (tag, position) SELECT * FROM unnest(@Tags, @Positions)";

    /// <summary>Each actor once per revision (<see cref="GroupPlan.ActorRows"/>), so no conflict to check for.</summary>
    public const string InsertActors = "INSERT INTO revision_actors (actor, position) SELECT * FROM unnest(@Actors, @Positions)";

    /// <summary>The current-view row of each event the view has no row for yet (the writer read which).</summary>
    public const string InsertCurrent = """
        INSERT INTO current_events (event_id, position, revision, span_class, earliest, latest, kind, country, deadline_id, retracted)
        SELECT * FROM unnest(@EventIds, @Positions, @Revisions, @SpanClasses, @Earliest, @Latest, @Kinds, @Countries, @DeadlineIds, @Retracted)
        """;

    /// <summary>
    /// Each event's new latest revision (one row per event: the group's last revision of it). The
    /// writer runs it for the events the view already holds; the others go through <see cref="InsertCurrent"/>.
    /// </summary>
    public const string UpsertCurrent = """
        INSERT INTO current_events (event_id, position, revision, span_class, earliest, latest, kind, country, deadline_id, retracted)
        SELECT * FROM unnest(@EventIds, @Positions, @Revisions, @SpanClasses, @Earliest, @Latest, @Kinds, @Countries, @DeadlineIds, @Retracted)
        ON CONFLICT (event_id) DO UPDATE SET
            position = excluded.position, revision = excluded.revision, span_class = excluded.span_class, earliest = excluded.earliest,
            latest = excluded.latest, kind = excluded.kind, country = excluded.country,
            deadline_id = excluded.deadline_id, retracted = excluded.retracted
        """;

    /// <summary>Last in every append transaction that stored something.</summary>
    public const string AdvanceHead = "UPDATE log_head SET position = @Position, recorded_at = @RecordedAt WHERE id = 1";
}
