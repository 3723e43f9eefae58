namespace Timeline.StorageService.Storage.Postgres;

/// <summary>
/// Numbered migrations of the PostgreSQL schema, applied in order at start by
/// <see cref="PostgresDatabase.MigrateAsync"/> while holding the lock row of
/// <c>schema_migrations</c>, which records each one. A migration is never edited once released:
/// add the next number instead. Portable SQL only (docs/STORAGE.md): no sequences, triggers,
/// PL/pgSQL or advisory locks; the span class is a stored column.
/// </summary>
internal static class PostgresSchema
{
    /// <summary>
    /// Creates the table of migrations and its lock row (version 0) if they are missing. Two
    /// instances starting on an empty database may both run it; one of them can then fail on the
    /// catalog's unique index and simply runs it again.
    /// </summary>
    public const string Bootstrap = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version    integer     PRIMARY KEY,
            name       text        NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now()
        );
        INSERT INTO schema_migrations (version, name) VALUES (0, 'the lock row: migrations run while holding it') ON CONFLICT (version) DO NOTHING;
        """;

    /// <summary>Taken first in the migration transaction: one instance migrates at a time.</summary>
    public const string Lock = "SELECT version FROM schema_migrations WHERE version = 0 FOR UPDATE";

    public const string Version = "SELECT COALESCE(MAX(version), 0) FROM schema_migrations";

    public const string Record = "INSERT INTO schema_migrations (version, name) VALUES (@Version, @Name)";

    public static readonly IReadOnlyList<(int Version, string Name, string Sql)> Migrations =
    [
        (1, "event log, position counter, current view per span class", """
            -- The one-row position counter (docs/adr/0005): every append transaction locks it first
            -- (SELECT ... FOR UPDATE) and advances it last, so positions are handed out gap-free and
            -- in commit order by any number of writers. recorded_at never decreases with position.
            CREATE TABLE log_head (
                id          smallint PRIMARY KEY CHECK (id = 1),
                position    bigint   NOT NULL,  -- the last position committed
                recorded_at bigint   NOT NULL   -- its recorded_at: Unix time in microseconds, UTC
            );
            INSERT INTO log_head (id, position, recorded_at) VALUES (1, 0, 0);

            -- The append-only log: one row per revision.
            CREATE TABLE revisions (
                position    bigint   PRIMARY KEY,
                event_id    text     NOT NULL,
                revision    bigint   NOT NULL,
                recorded_at bigint   NOT NULL,  -- Unix time in microseconds, UTC
                recorded_by text     NOT NULL,  -- the token name that appended it (provenance)
                earliest    integer  NOT NULL,  -- CalendarDay.DayNumber (DateOnly.DayNumber from year 1 on, negative before) of the first day
                latest      integer  NOT NULL,  -- ... and of its last day
                kind        text     NOT NULL,
                country     text     NOT NULL,
                deadline_id text,
                retracted   boolean  NOT NULL,
                body        bytea    NOT NULL,  -- the revision's content: timeline.v1.EventRecord without ids
                UNIQUE (event_id, revision)
            );
            CREATE INDEX revisions_by_record_time ON revisions (recorded_at);

            CREATE TABLE revision_tags (
                tag      text   NOT NULL,
                position bigint NOT NULL,
                PRIMARY KEY (tag, position)
            );
            CREATE TABLE revision_actors (
                actor    text   NOT NULL,
                position bigint NOT NULL,
                PRIMARY KEY (actor, position)
            );

            -- Derived from the log, written in the same transaction: each event's latest revision.
            -- span_class is SpanClasses.Of(earliest, latest), written by the service: the list seeks
            -- each class at occurred_from minus the class's width and merges the classes.
            CREATE TABLE current_events (
                event_id    text     PRIMARY KEY,
                position    bigint   NOT NULL UNIQUE,
                revision    bigint   NOT NULL,
                span_class  smallint NOT NULL,
                earliest    integer  NOT NULL,
                latest      integer  NOT NULL,
                kind        text     NOT NULL,
                country     text     NOT NULL,
                deadline_id text,
                retracted   boolean  NOT NULL
            );
            CREATE INDEX current_events_span ON current_events (span_class, earliest, latest, position);
            CREATE INDEX current_events_deadline ON current_events (deadline_id) WHERE deadline_id IS NOT NULL;
            """),
        (2, "no index on recorded_at", """
            -- recorded_at never decreases with position (the counter row keeps it so), so a
            -- known-at list finds its position bound by a binary search over the primary key
            -- (LogSql.KnownAtFrom); the index cost every append a B-tree write (issue 17).
            DROP INDEX revisions_by_record_time;
            """),
        (3, "a span class for each width of a calendar month and year", """
            -- SpanClasses.Of since this version: a month is 27 to 30 days from its first day to its
            -- last, a year 364 or 365, and each of those widths has a class of its own (2 up to 26
            -- days, 3 to 6 a month, 7 up to 363 days, 8 and 9 a year, 10 up to a decade, 11 up to a
            -- century, 12 wider), so a list from occurred_from seeks the first month or year that
            -- reaches it instead of passing over every month event of the month before and every
            -- year event of the year before (issue 17). The width in bigint: an open range spans
            -- more days than an integer holds.
            UPDATE current_events SET span_class = c.span_class
            FROM (SELECT event_id, CASE WHEN w <= 0 THEN 0 WHEN w <= 7 THEN 1 WHEN w <= 26 THEN 2 WHEN w <= 27 THEN 3 WHEN w <= 28 THEN 4
                         WHEN w <= 29 THEN 5 WHEN w <= 30 THEN 6 WHEN w <= 363 THEN 7 WHEN w <= 364 THEN 8 WHEN w <= 365 THEN 9
                         WHEN w <= 3660 THEN 10 WHEN w <= 36600 THEN 11 ELSE 12 END AS span_class
                  FROM (SELECT event_id, latest::bigint - earliest AS w FROM current_events) widths) c
            WHERE current_events.event_id = c.event_id AND current_events.span_class <> c.span_class;
            """),
        (4, "current view by kind and by country", """
            -- A list filtered on kinds or countries that few current events carry starts from these
            -- (ListPage.Driver: count up to MostIndexRows, read those events, sort) instead of walking
            -- the whole view in order for a kind no event has (issue 27). Each holds the value and the
            -- row's address only, the least an entry can (no chronological order, no position): an
            -- entry per new row version of current_events, as every index of the table has (a
            -- revision moves position, which is indexed, so no update of the view is HOT).
            CREATE INDEX current_events_kind ON current_events (kind);
            CREATE INDEX current_events_country ON current_events (country);
            """),
    ];
}
