namespace Timeline.StorageService.Storage.Sqlite;

/// <summary>
/// Numbered migrations, applied in order at start; <c>PRAGMA user_version</c> records the last one.
/// A migration is never edited once released: add the next number instead.
/// </summary>
internal static class SqliteSchema
{
    public static readonly IReadOnlyList<(int Version, string Name, string Sql)> Migrations =
    [
        (1, "event log, current view, tag and actor indexes", """
            -- The append-only log: one row per revision; position is global and strictly increasing.
            CREATE TABLE revisions (
                position    INTEGER PRIMARY KEY AUTOINCREMENT,
                event_id    TEXT    NOT NULL,
                revision    INTEGER NOT NULL,
                recorded_at INTEGER NOT NULL,  -- Unix time in microseconds, UTC; never decreases with position
                earliest    INTEGER NOT NULL,  -- CalendarDay.DayNumber (DateOnly.DayNumber from year 1 on, negative before) of the first day
                latest      INTEGER NOT NULL,  -- ... and of its last day
                kind        TEXT    NOT NULL,
                country     TEXT    NOT NULL,
                deadline_id TEXT,
                retracted   INTEGER NOT NULL,
                body        BLOB    NOT NULL,  -- the revision's content: timeline.v1.EventRecord without ids
                UNIQUE (event_id, revision)
            );
            CREATE INDEX revisions_by_record_time ON revisions (recorded_at);

            -- Tags and actors of each revision, keyed for "tag = ? and position = ?" lookups.
            CREATE TABLE revision_tags (
                tag      TEXT    NOT NULL,
                position INTEGER NOT NULL,
                PRIMARY KEY (tag, position)
            ) WITHOUT ROWID;
            CREATE TABLE revision_actors (
                actor    TEXT    NOT NULL,
                position INTEGER NOT NULL,
                PRIMARY KEY (actor, position)
            ) WITHOUT ROWID;

            -- Derived from the log, written in the same transaction: each event's latest revision.
            CREATE TABLE current_events (
                event_id    TEXT    PRIMARY KEY,
                position    INTEGER NOT NULL UNIQUE,
                revision    INTEGER NOT NULL,
                earliest    INTEGER NOT NULL,
                latest      INTEGER NOT NULL,
                kind        TEXT    NOT NULL,
                country     TEXT    NOT NULL,
                deadline_id TEXT,
                retracted   INTEGER NOT NULL
            ) WITHOUT ROWID;
            -- The chronological order of ARCHITECTURE §4, served by an index.
            CREATE INDEX current_events_order ON current_events (earliest, latest, position);
            CREATE INDEX current_events_deadline ON current_events (deadline_id) WHERE deadline_id IS NOT NULL;
            """),
        (2, "who recorded each revision", """
            -- The token name that appended the revision (provenance); not part of the content.
            ALTER TABLE revisions ADD COLUMN recorded_by TEXT NOT NULL DEFAULT '';
            """),
        (3, "current view ordered per span class", """
            -- The chronological order per span class (the width latest - earliest in days: one
            -- day, a week, a month, a year, a decade, a century, wider), so that a list seeks each
            -- class at occurred_from minus the class's width and merges the classes (SqliteSql.ListCurrent).
            -- The class is an expression, not a generated column: SQLite never reads an index that
            -- holds a VIRTUAL column as covering, and the list must skip the events that end before
            -- occurred_from on the index alone, without a seek into the table for each.
            CREATE INDEX current_events_span ON current_events (
                (CASE WHEN latest - earliest <= 0 THEN 0 WHEN latest - earliest <= 7 THEN 1 WHEN latest - earliest <= 31 THEN 2
                 WHEN latest - earliest <= 366 THEN 3 WHEN latest - earliest <= 3660 THEN 4 WHEN latest - earliest <= 36600 THEN 5 ELSE 6 END),
                earliest, latest, position);
            -- Nothing reads the single chronological order any more; every index costs appends.
            DROP INDEX current_events_order;
            """),
        (4, "no index on recorded_at", """
            -- recorded_at never decreases with position, so a known-at list finds its position
            -- bound by a binary search over the primary key (LogSql.KnownAtFrom); the index cost
            -- every append a B-tree write for that rare query (issue 17).
            DROP INDEX revisions_by_record_time;
            """),
        (5, "a span class for each width of a calendar month and year", """
            -- A month is 27 to 30 days from its first day to its last, a year 364 or 365: with one
            -- class up to 31 days and one up to 366, a list from occurred_from passed over every month
            -- event of the month before it and every year event of the year before it (all of them end
            -- before it) in the index, as many as the log holds per month and year (issue 17, S6 at
            -- 10M). Each of those widths has its own class now, sought exactly at occurred_from minus it.
            DROP INDEX current_events_span;
            CREATE INDEX current_events_span ON current_events (
                (CASE WHEN latest - earliest <= 0 THEN 0 WHEN latest - earliest <= 7 THEN 1 WHEN latest - earliest <= 26 THEN 2
                 WHEN latest - earliest <= 27 THEN 3 WHEN latest - earliest <= 28 THEN 4 WHEN latest - earliest <= 29 THEN 5 WHEN latest - earliest <= 30 THEN 6
                 WHEN latest - earliest <= 363 THEN 7 WHEN latest - earliest <= 364 THEN 8 WHEN latest - earliest <= 365 THEN 9
                 WHEN latest - earliest <= 3660 THEN 10 WHEN latest - earliest <= 36600 THEN 11 ELSE 12 END),
                earliest, latest, position);
            """),
        (6, "current view by kind and by country", """
            -- A list filtered on kinds or countries that few current events carry starts from these
            -- (ListPage.Driver: count up to MostIndexRows, read those events, sort) instead of walking
            -- the whole view in order for a kind no event has (issue 27). Each holds the value and the
            -- table's key (event_id) only, the least an entry can (no chronological order, no position):
            -- a B-tree row per new event in each, and a rewrite of it per correction (the upsert sets
            -- kind and country, and SQLite rewrites every index on a column an UPDATE sets).
            CREATE INDEX current_events_kind ON current_events (kind);
            CREATE INDEX current_events_country ON current_events (country);
            """),
    ];
}
