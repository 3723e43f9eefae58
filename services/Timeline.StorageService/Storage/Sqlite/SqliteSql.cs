namespace Timeline.StorageService.Storage.Sqlite;

/// <summary>
/// Every statement the SQLite event log runs, as constants: parameters only, nothing built per
/// request. List parameters travel as one JSON array each and are expanded with <c>json_each</c>
/// (<see cref="SqliteFilter"/>).
/// </summary>
internal static class SqliteSql
{
    /// <summary>The filter of an <see cref="Timeline.Domain.Events.EventCriteria"/> over a row source aliased <c>e</c>.</summary>
    public const string Filter = """
        (@TagCount = 0 OR EXISTS (SELECT 1 FROM json_each(@Tags) j JOIN revision_tags t ON t.tag = j.value AND t.position = e.position))
        AND (@ActorCount = 0 OR EXISTS (SELECT 1 FROM json_each(@Actors) j JOIN revision_actors a ON a.actor = j.value AND a.position = e.position))
        AND (@KindCount = 0 OR e.kind IN (SELECT value FROM json_each(@Kinds)))
        AND (@CountryCount = 0 OR e.country IN (SELECT value FROM json_each(@Countries)))
        AND (@OccurredFrom IS NULL OR e.latest >= @OccurredFrom)
        AND (@OccurredTo IS NULL OR e.earliest <= @OccurredTo)
        AND (@EventIdCount = 0 OR e.event_id IN (SELECT value FROM json_each(@EventIds)))
        """;

    /// <summary>For lists: the event as it now stands bears on a deadline (one of the ids, if given).</summary>
    private const string DeadlineFilter = """
        (@DeadlinesOnly = 0 OR e.deadline_id IS NOT NULL)
        AND (@DeadlineIdCount = 0 OR e.deadline_id IN (SELECT value FROM json_each(@DeadlineIds)))
        """;

    /// <summary>
    /// For streams: the revision bears on a deadline, or the revision it replaces did. A deadline
    /// follower must see the correction that takes an event off a deadline, or it keeps the old one.
    /// </summary>
    private const string DeadlineFilterWithPrevious = """
        (@DeadlinesOnly = 0 OR e.deadline_id IS NOT NULL
            OR EXISTS (SELECT 1 FROM revisions p WHERE p.event_id = e.event_id AND p.revision = e.revision - 1 AND p.deadline_id IS NOT NULL))
        AND (@DeadlineIdCount = 0 OR e.deadline_id IN (SELECT value FROM json_each(@DeadlineIds))
            OR EXISTS (SELECT 1 FROM revisions p WHERE p.event_id = e.event_id AND p.revision = e.revision - 1
                AND p.deadline_id IN (SELECT value FROM json_each(@DeadlineIds))))
        """;

    /// <summary>
    /// The span class of an index row <c>i</c>, from the width <c>latest - earliest</c> of its
    /// occurred interval in days: 0 one day, 1 up to a week, 2 up to 26 days, 3 to 6 exactly 27 to
    /// 30 (a calendar month), 7 up to 363 days, 8 and 9 exactly 364 and 365 (a calendar year), 10 up
    /// to a decade, 11 up to a century, 12 wider or open. The first column of <c>current_events_span</c>
    /// (migration 5) word for word but for the <c>i.</c>: SQLite matches an indexed expression by its
    /// terms. See <see cref="SpanClasses"/>.
    /// </summary>
    public const string SpanClass =
        "(CASE WHEN i.latest - i.earliest <= 0 THEN 0 WHEN i.latest - i.earliest <= 7 THEN 1 WHEN i.latest - i.earliest <= 26 THEN 2" +
        " WHEN i.latest - i.earliest <= 27 THEN 3 WHEN i.latest - i.earliest <= 28 THEN 4 WHEN i.latest - i.earliest <= 29 THEN 5 WHEN i.latest - i.earliest <= 30 THEN 6" +
        " WHEN i.latest - i.earliest <= 363 THEN 7 WHEN i.latest - i.earliest <= 364 THEN 8 WHEN i.latest - i.earliest <= 365 THEN 9" +
        " WHEN i.latest - i.earliest <= 3660 THEN 10 WHEN i.latest - i.earliest <= 36600 THEN 11 ELSE 12 END)";

    /// <summary>
    /// One arm of <see cref="ListCurrent"/>: the rows of one span class after that class's key.
    /// <c>i</c> reads <c>current_events_span</c> alone (class, key, event_id): an event that
    /// ends before <c>occurred_from</c> or starts after <c>occurred_to</c> is passed over there.
    /// <c>e</c>, the same row found by its key, is what the filter sees, only for the others.
    /// </summary>
    private const string ArmSelect =
        "SELECT i.position AS position, i.earliest AS earliest, i.latest AS latest FROM current_events i JOIN current_events e ON e.event_id = i.event_id WHERE " + SpanClass + " = ";

    private const string ArmWhere =
        " AND i.earliest <= @EarliestTo AND (@OccurredFrom IS NULL OR i.latest >= @OccurredFrom) AND e.retracted = 0 AND " + Filter + " AND " + DeadlineFilter;

    /// <summary>
    /// The current view (each event's latest revision, unless it is a tombstone), one page in
    /// chronological order, first page and continuations alike. It is a merge of one arm per
    /// span class (<see cref="SpanClasses"/>): arm k seeks <c>current_events_span</c> at
    /// <c>(k, @Ek, @Lk, @Pk)</c> and returns its rows in index order, so no row is sorted, and an
    /// arm reads only as far as the merge takes rows from it. (The arms have no ORDER BY or LIMIT
    /// of their own: with them, SQLite sorted each arm and ran every arm to the limit.) The keys
    /// are computed per request (<see cref="SpanClasses.Key"/>): past the page token, and past
    /// every event of the class that ends before <c>occurred_from</c> but those within the
    /// class's width of it. <c>@EarliestTo</c> is <c>occurred_to</c> (or the largest day): the
    /// arms stop there. Bodies are read, by position, for the rows of the page only. The limit
    /// is a CAST, not a bare parameter: SQLite reads a bare <c>LIMIT ?</c> while compiling, and
    /// then each new binding of it (every run of the prepared statement) recompiles the whole
    /// statement.
    /// </summary>
    public static readonly string ListCurrent =
        "SELECT p.position AS Position, r.event_id AS EventId, r.revision AS Revision, r.recorded_at AS RecordedAt, r.recorded_by AS RecordedBy, r.body AS Body, p.earliest AS Earliest, p.latest AS Latest FROM (" +
        string.Join(" UNION ALL ", Enumerable.Range(0, SpanClasses.Count).Select(k => ArmSelect + FormattableString.Invariant($"{k} AND (i.earliest, i.latest, i.position) > (@E{k}, @L{k}, @P{k})") + ArmWhere)) +
        " ORDER BY earliest, latest, position LIMIT CAST(@Limit AS INTEGER)) p JOIN revisions r ON r.position = p.position ORDER BY p.earliest, p.latest, p.position";

    /// <summary>
    /// How many index rows the filter's tags, its actors, its deadline ids, its kinds and its
    /// countries have (each field's values together), each counted up to <c>@Most</c>
    /// (<see cref="ListPage.Driver"/>); the last three on the current view's indexes, read alone.
    /// </summary>
    public const string CountIndexRows =
        "SELECT (SELECT count(*) FROM (SELECT 1 FROM json_each(@Tags) j JOIN revision_tags t ON t.tag = j.value LIMIT @Most))," +
        " (SELECT count(*) FROM (SELECT 1 FROM json_each(@Actors) j JOIN revision_actors a ON a.actor = j.value LIMIT @Most))," +
        " (SELECT count(*) FROM (SELECT 1 FROM current_events c WHERE c.deadline_id IN (SELECT value FROM json_each(@DeadlineIds)) LIMIT @Most))," +
        " (SELECT count(*) FROM (SELECT 1 FROM current_events c WHERE c.kind IN (SELECT value FROM json_each(@Kinds)) LIMIT @Most))," +
        " (SELECT count(*) FROM (SELECT 1 FROM current_events c WHERE c.country IN (SELECT value FROM json_each(@Countries)) LIMIT @Most))";

    private static readonly LogSql.DrivenLists Lists = new(Filter + " AND " + DeadlineFilter, Driver, KnownAtEvents);

    /// <summary>The view as known at a time (<see cref="LogSql.KnownAtFrom"/>), from the events <paramref name="driver"/> names; a first page or one after <c>@After…</c>.</summary>
    public static string ListKnownAt(ListDriver driver, bool next) => Lists.KnownAt(driver, next);

    /// <summary>The current view from the events <paramref name="driver"/> (not <see cref="ListDriver.Order"/>) names (<see cref="LogSql.DrivenFrom"/>).</summary>
    public static string ListDriven(ListDriver driver, bool next) => Lists.Driven(driver, next);

    /// <summary>The condition on <c>current_events e</c> that picks the driver's events through an index.</summary>
    private static string Driver(ListDriver driver) => driver switch
    {
        ListDriver.EventIds => "e.event_id IN (SELECT value FROM json_each(@EventIds))",
        ListDriver.Tags => "e.position IN (SELECT t.position FROM json_each(@Tags) j JOIN revision_tags t ON t.tag = j.value)",
        ListDriver.Actors => "e.position IN (SELECT a.position FROM json_each(@Actors) j JOIN revision_actors a ON a.actor = j.value)",
        ListDriver.DeadlineIds => "e.deadline_id IN (SELECT value FROM json_each(@DeadlineIds))",
        ListDriver.Kinds => "e.kind IN (SELECT value FROM json_each(@Kinds))",
        ListDriver.Countries => "e.country IN (SELECT value FROM json_each(@Countries))",
        _ => throw new ArgumentOutOfRangeException(nameof(driver)),
    };

    /// <summary>The ids of the events the driver names, for a known-at list (null: every event; <see cref="ListDriver.Order"/>, and the current view's indexes never drive one).</summary>
    private static string? KnownAtEvents(ListDriver driver) => driver switch
    {
        ListDriver.EventIds => "SELECT value FROM json_each(@EventIds)",
        ListDriver.Tags => "SELECT k.event_id FROM json_each(@Tags) j JOIN revision_tags t ON t.tag = j.value JOIN revisions k ON k.position = t.position",
        ListDriver.Actors => "SELECT k.event_id FROM json_each(@Actors) j JOIN revision_actors a ON a.actor = j.value JOIN revisions k ON k.position = a.position",
        _ => null,
    };

    /// <summary>Revisions in log order after a position, up to a head, for subscriptions.</summary>
    public const string ReadAfter = LogSql.ReadAfterFrom + Filter + " AND " + DeadlineFilterWithPrevious + LogSql.InLogOrder;

    public const string Head = "SELECT COALESCE(MAX(position), 0) FROM revisions";

    // The writer's statements.

    /// <summary>The newest revision's recorded_at: the largest, as it never decreases with position (no index on it since migration 4).</summary>
    public const string LastRecordedAt = "SELECT recorded_at FROM revisions ORDER BY position DESC LIMIT 1";

    /// <summary>The latest revision of each event a group touches (a JSON array of ids): one read per group commit.</summary>
    public const string Latest =
        "SELECT c.event_id, c.position, c.revision, c.retracted, r.body, c.deadline_id, r.recorded_at, r.recorded_by FROM current_events c JOIN revisions r ON r.position = c.position" +
        " WHERE c.event_id IN (SELECT value FROM json_each(@EventIds))";

    /// <summary>
    /// A revision at the position the writer handed out (it is the only writer). One statement per
    /// revision: its body is a blob, and the JSON form of the other tables' statements would carry
    /// it as hex to be decoded again (measured slower: 23–59 µs per event against 17–31).
    /// </summary>
    public const string InsertRevisionAt = """
        INSERT INTO revisions (position, event_id, revision, recorded_at, recorded_by, earliest, latest, kind, country, deadline_id, retracted, body)
        VALUES (@Position, @EventId, @Revision, @RecordedAt, @RecordedBy, @Earliest, @Latest, @Kind, @Country, @DeadlineId, @Retracted, @Body)
        """;

    // The writer's set statements: one per table per group commit, each row an element of a JSON
    // array (one parameter, so no limit on variables and one compiled statement for any size),
    // built by SqliteWriterStatements.

    /// <summary>Rows <c>[tag, position]</c>.</summary>
    public const string InsertTags = "INSERT INTO revision_tags (tag, position) SELECT t.value ->> 0, t.value ->> 1 FROM json_each(@Rows) t";

    /// <summary>Rows <c>[actor, position]</c>, each actor once per revision (<see cref="GroupPlan.ActorRows"/>).</summary>
    public const string InsertActors = "INSERT INTO revision_actors (actor, position) SELECT a.value ->> 0, a.value ->> 1 FROM json_each(@Rows) a";

    /// <summary>Rows <c>[event_id, position, revision, earliest, latest, kind, country, deadline_id, retracted]</c>, one per event (the <c>WHERE true</c> lets SQLite parse the upsert after a SELECT).</summary>
    public const string UpsertCurrents = """
        INSERT INTO current_events (event_id, position, revision, earliest, latest, kind, country, deadline_id, retracted)
        SELECT c.value ->> 0, c.value ->> 1, c.value ->> 2, c.value ->> 3, c.value ->> 4, c.value ->> 5, c.value ->> 6, c.value ->> 7, c.value ->> 8
        FROM json_each(@Rows) c WHERE true
        ON CONFLICT (event_id) DO UPDATE SET
            position = excluded.position, revision = excluded.revision, earliest = excluded.earliest,
            latest = excluded.latest, kind = excluded.kind, country = excluded.country,
            deadline_id = excluded.deadline_id, retracted = excluded.retracted
        """;

    // One row at a time: what the benchmark's raw baselines and the tests that build a file by
    // hand insert with. The writer itself uses the set statements above.

    public const string InsertRevision = """
        INSERT INTO revisions (event_id, revision, recorded_at, recorded_by, earliest, latest, kind, country, deadline_id, retracted, body)
        VALUES (@EventId, @Revision, @RecordedAt, @RecordedBy, @Earliest, @Latest, @Kind, @Country, @DeadlineId, @Retracted, @Body)
        RETURNING position
        """;

    public const string InsertTag = "INSERT INTO revision_tags (tag, position) VALUES (@Tag, @Position)";

    public const string InsertActor = "INSERT OR IGNORE INTO revision_actors (actor, position) VALUES (@Actor, @Position)";

    public const string UpsertCurrent = """
        INSERT INTO current_events (event_id, position, revision, earliest, latest, kind, country, deadline_id, retracted)
        VALUES (@EventId, @Position, @Revision, @Earliest, @Latest, @Kind, @Country, @DeadlineId, @Retracted)
        ON CONFLICT (event_id) DO UPDATE SET
            position = excluded.position, revision = excluded.revision, earliest = excluded.earliest,
            latest = excluded.latest, kind = excluded.kind, country = excluded.country,
            deadline_id = excluded.deadline_id, retracted = excluded.retracted
        """;
}
