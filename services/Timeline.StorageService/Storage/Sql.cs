namespace Timeline.StorageService.Storage;

/// <summary>
/// Every statement the event log runs, as constants: parameters only, nothing built per request.
/// List parameters travel as one JSON array each and are expanded with <c>json_each</c>.
/// </summary>
internal static class Sql
{
    public const string RevisionColumns = "e.position AS Position, e.event_id AS EventId, e.revision AS Revision, e.recorded_at AS RecordedAt, e.recorded_by AS RecordedBy, e.body AS Body";

    /// <summary>The filter of <c>timeline.v1.EventFilter</c> over a row source aliased <c>e</c>.</summary>
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

    /// <summary>Keyset continuation in chronological order (never OFFSET): a range seek on the order index.</summary>
    private const string After = "(e.earliest, e.latest, e.position) > (@AfterEarliest, @AfterLatest, @AfterPosition)";

    /// <summary>
    /// The current view: each event's latest revision, unless it is a tombstone. <c>e</c> is
    /// <c>current_events</c> here, so the filter and the order are served by its indexes.
    /// </summary>
    private const string CurrentFrom =
        "SELECT e.position AS Position, e.event_id AS EventId, e.revision AS Revision, r.recorded_at AS RecordedAt, r.recorded_by AS RecordedBy, r.body AS Body, e.earliest AS Earliest, e.latest AS Latest" +
        " FROM current_events e JOIN revisions r ON r.position = e.position WHERE e.retracted = 0 AND ";

    private const string ChronologicalPage = " ORDER BY e.earliest, e.latest, e.position LIMIT @Limit";

    public const string ListCurrentFirst = CurrentFrom + Filter + " AND " + DeadlineFilter + ChronologicalPage;

    public const string ListCurrentNext = CurrentFrom + After + " AND " + Filter + " AND " + DeadlineFilter + ChronologicalPage;

    /// <summary>The view as known at a time: the latest revision recorded at or before it.</summary>
    private const string KnownAtFrom =
        "SELECT " + RevisionColumns + ", e.earliest AS Earliest, e.latest AS Latest" +
        " FROM revisions e" +
        " WHERE e.position IN (SELECT MAX(position) FROM revisions WHERE recorded_at <= @KnownAt GROUP BY event_id)" +
        " AND e.retracted = 0 AND ";

    public const string ListKnownAtFirst = KnownAtFrom + Filter + " AND " + DeadlineFilter + ChronologicalPage;

    public const string ListKnownAtNext = KnownAtFrom + After + " AND " + Filter + " AND " + DeadlineFilter + ChronologicalPage;

    /// <summary>Revisions in log order after a position, up to a head, for subscriptions.</summary>
    public const string ReadAfter =
        "SELECT " + RevisionColumns + ", e.earliest AS Earliest, e.latest AS Latest" +
        " FROM revisions e WHERE e.position > @After AND e.position <= @UpTo AND " + Filter + " AND " + DeadlineFilterWithPrevious +
        " ORDER BY e.position LIMIT @Limit";

    public const string GetCurrent =
        "SELECT " + RevisionColumns + ", e.retracted AS Retracted FROM current_events c JOIN revisions e ON e.position = c.position WHERE c.event_id = @EventId";

    public const string GetKnownAt =
        "SELECT " + RevisionColumns + ", e.retracted AS Retracted FROM revisions e WHERE e.event_id = @EventId AND e.recorded_at <= @KnownAt ORDER BY e.revision DESC LIMIT 1";

    public const string GetRevision =
        "SELECT " + RevisionColumns + ", e.retracted AS Retracted FROM revisions e WHERE e.event_id = @EventId AND e.revision = @Revision";

    public const string History =
        "SELECT " + RevisionColumns + " FROM revisions e WHERE e.event_id = @EventId ORDER BY e.revision";

    public const string Head = "SELECT COALESCE(MAX(position), 0) FROM revisions";

    // The writer's statements.
    public const string Latest =
        "SELECT c.position AS Position, c.revision AS Revision, c.retracted AS Retracted, r.body AS Body, c.deadline_id AS DeadlineId FROM current_events c JOIN revisions r ON r.position = c.position WHERE c.event_id = @EventId";

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
