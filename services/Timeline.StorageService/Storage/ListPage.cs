using System.Globalization;
using Timeline.Domain.Events;
using Timeline.Domain.Validation;

namespace Timeline.StorageService.Storage;

/// <summary>
/// Where a list page starts reading (<see cref="ListPage.Driver"/>): the current view in order (the
/// span-class merge), or the few events an index names (the filter's ids, the rows of its tags, of
/// its actors, or the current events on its deadlines, of its kinds or of its countries), then the
/// rest of the filter and a sort.
/// </summary>
internal enum ListDriver
{
    Order,
    EventIds,
    Tags,
    Actors,
    DeadlineIds,
    Kinds,
    Countries,
}

/// <summary>
/// The index rows of a filter's tags, actors, deadline ids, kinds and countries, each counted up to
/// <see cref="ListPage.MostIndexRows"/> by the backend (0 where the filter has none: the count is
/// then never read). The last three are of the current view: a list as known at a time cannot start
/// from them (<see cref="ForKnownAt"/>).
/// </summary>
internal readonly record struct IndexRows(long Tags, long Actors, long DeadlineIds, long Kinds, long Countries)
{
    /// <summary>Nothing counted (<see cref="ListPage.CountsIndexRows"/> said no): no index to start from, whatever the filter has.</summary>
    public static readonly IndexRows Uncounted = new(ListPage.MostIndexRows, ListPage.MostIndexRows, ListPage.MostIndexRows, ListPage.MostIndexRows, ListPage.MostIndexRows);

    /// <summary>The same counts for a list as known at a time: the current view's deadline, kind and country indexes say nothing of an event as it stood then.</summary>
    public IndexRows ForKnownAt() => this with { DeadlineIds = ListPage.MostIndexRows, Kinds = ListPage.MostIndexRows, Countries = ListPage.MostIndexRows };
}

/// <summary>A page of a list from its rows read one beyond the page (to know whether there is a next one and where it starts), on either backend.</summary>
internal static class ListPage
{
    /// <summary>
    /// Index rows of a filter's tags (or actors, or current events on its deadlines, of its kinds or of its countries) up to which a list starts from them rather than
    /// walking the view in order: reading this many rows, their events and sorting them costs a few
    /// milliseconds; a filter that matches at least this many revisions of a large log meets a match
    /// soon enough in order (and <c>Storage:ReadTimeLimit</c> bounds what a combination of filters leaves).
    /// The backends count at most this many rows (<c>LIMIT</c>), so the choice costs at most that.
    /// </summary>
    public const int MostIndexRows = 4_096;

    /// <summary>
    /// The cheapest start for <paramref name="criteria"/>: its ids (always few: the limits bound the
    /// list); else whichever of its tags, actors, deadline ids, kinds and countries has the fewest
    /// index rows (<paramref name="rows"/>: each field's values together, counted up to
    /// <see cref="MostIndexRows"/>), when below that; else the view in order. Each field the filter
    /// has must match, so the fewest rows of any one of them bound what the whole filter can match.
    /// </summary>
    public static ListDriver Driver(EventCriteria criteria, IndexRows rows)
    {
        if (criteria.EventIds.Count > 0)
        {
            return ListDriver.EventIds;
        }

        var (driver, fewest) = (ListDriver.Order, (long)MostIndexRows);
        foreach (var (candidate, given, count) in Candidates(criteria, rows))
        {
            if (given && count < fewest)
            {
                (driver, fewest) = (candidate, count);
            }
        }

        return driver;
    }

    /// <summary>
    /// Whether <see cref="Driver"/> needs the index rows counted: a filter without ids that has a
    /// field an index serves (for a list as known at a time, tags or actors only).
    /// </summary>
    public static bool CountsIndexRows(EventCriteria criteria, bool knownAt) =>
        criteria.EventIds.Count == 0 && Candidates(criteria, default).Any(c => c.Given && (!knownAt || c.Driver is ListDriver.Tags or ListDriver.Actors));

    private static (ListDriver Driver, bool Given, long Rows)[] Candidates(EventCriteria criteria, IndexRows rows) =>
    [
        (ListDriver.Tags, criteria.Tags.Count > 0, rows.Tags),
        (ListDriver.Actors, criteria.Actors.Count > 0, rows.Actors),
        (ListDriver.DeadlineIds, criteria.DeadlineIds.Count > 0, rows.DeadlineIds),
        (ListDriver.Kinds, criteria.Kinds.Count > 0, rows.Kinds),
        (ListDriver.Countries, criteria.Countries.Count > 0, rows.Countries),
    ];

    public static EventPage From(List<RevisionRow> rows, int size)
    {
        var page = rows.Count > size ? rows.GetRange(0, size) : rows;
        var more = rows.Count > size;

        // The row read beyond the page also tells where the next page starts.
        return new EventPage(
            [.. page.Select(r => r.ToRecord())],
            more ? new ChronologicalKey((int)page[^1].Earliest, (int)page[^1].Latest, page[^1].Position) : null,
            more ? (int)rows[size].Earliest : null);
    }

    /// <summary>
    /// A list page stopped at <c>Storage:ReadTimeLimit</c> (either backend): RESOURCE_EXHAUSTED,
    /// saying what would make the same question cheap. A list as known at a time reads each event's
    /// revisions up to that time unless ids, tags or actors pick the events (kinds and countries are
    /// indexed for the current view only); a current-view list is costly when its filters together
    /// match little of a large log although each of them matches much.
    /// </summary>
    public static ProblemException TooCostly(bool knownAt, TimeSpan limit) =>
        new(ProblemKind.ResourceExhausted, "READ_TOO_COSTLY", knownAt
            ? string.Create(CultureInfo.InvariantCulture, $"this list as known_at would read more of the log than Storage:ReadTimeLimit ({limit.TotalSeconds:0.###} s) allows; narrow it with filter.event_ids, filter.tags or filter.actors")
            : string.Create(CultureInfo.InvariantCulture, $"this list would read more of the log than Storage:ReadTimeLimit ({limit.TotalSeconds:0.###} s) allows; narrow it with filter.event_ids, filter.tags, filter.actors, filter.kinds or filter.countries that fewer events carry, or a shorter period (filter.occurred_from, filter.occurred_to)"));
}
