namespace Timeline.StorageService.Storage;

/// <summary>
/// Span classes let a list start at <c>occurred_from</c> without reading every event that ended
/// before it. Events are ordered by <c>(earliest, latest, position)</c> and overlap the range when
/// <c>latest &gt;= occurred_from</c>: with one index in that order, a list can only start where
/// the widest stored interval could begin, and one year-precision event means reading a year of
/// day events. The current view is indexed per class of width (SQLite: an index on the class
/// expression <see cref="Sqlite.SqliteSql.SpanClass"/>; PostgreSQL: the stored column
/// <c>span_class</c>, written from <see cref="Of"/>), so an event of class k that overlaps the range
/// starts at or after <c>occurred_from − Widest[k]</c>, and each backend's list statement seeks each
/// class there and merges the classes.
/// </summary>
internal static class SpanClasses
{
    /// <summary>How many classes (arms of the list statements).</summary>
    public const int Count = 13;

    /// <summary>
    /// The widest <c>latest − earliest</c> (days) of each class but the last, which is unbounded
    /// (open ranges, centuries and wider): the thresholds of <see cref="Sqlite.SqliteSql.SpanClass"/> too.
    /// A calendar month is 27 to 30 days from its first day to its last, a calendar year 364 or 365:
    /// each of those widths has a class of its own (migration 5 on SQLite, 3 on PostgreSQL), so the
    /// arm starts at the first month or year that reaches <c>occurred_from</c>. With one class up to
    /// 31 days and one up to 366, an arm passed over every month-precision event of the month
    /// before and every year-precision event of the year before (5,874 and 42,918 rows at 10M
    /// events in the benchmark, none listed), a cost that grew with the log.
    /// </summary>
    private static readonly int[] Widest = [0, 7, 26, 27, 28, 29, 30, 363, 364, 365, 3660, 36600];

    /// <summary>A key below every stored row.</summary>
    private static readonly (long Earliest, long Latest, long Position) Minimum = (long.MinValue, long.MinValue, long.MinValue);

    /// <summary>
    /// The class of an interval of days (day numbers): 0 one day, 1 up to a week, 2 up to 26 days,
    /// 3 to 6 exactly 27 to 30 (a month), 7 up to 363 days, 8 and 9 exactly 364 and 365 (a year),
    /// 10 up to a decade, 11 up to a century, 12 wider.
    /// </summary>
    public static int Of(int earliest, int latest)
    {
        var width = (long)latest - earliest;
        for (var k = 0; k < Widest.Length; k++)
        {
            if (width <= Widest[k])
            {
                return k;
            }
        }

        return Count - 1;
    }

    /// <summary>
    /// The key class <paramref name="spanClass"/>'s arm continues after (exclusive): the larger of
    /// the page token's key and, with <paramref name="occurredFrom"/>, the last key whose row
    /// cannot reach it: a row of the class starting at <c>occurredFrom − Widest − 1</c> or earlier
    /// ends before <paramref name="occurredFrom"/>, whatever its latest and position.
    /// </summary>
    public static (long Earliest, long Latest, long Position) Key(int spanClass, int? occurredFrom, (long Earliest, long Latest, long Position)? after)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(spanClass);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(spanClass, Count);
        var key = occurredFrom is { } from && spanClass < Widest.Length
            ? ((long)from - Widest[spanClass] - 1, long.MaxValue, long.MaxValue)
            : Minimum;
        return after is { } a && a.CompareTo(key) > 0 ? a : key;
    }

    /// <summary><see cref="Key"/> from a page's key.</summary>
    public static (long Earliest, long Latest, long Position) Key(int spanClass, int? occurredFrom, ChronologicalKey? after) =>
        Key(spanClass, occurredFrom, after is { } a ? (a.Earliest, a.Latest, a.Position) : null);
}
