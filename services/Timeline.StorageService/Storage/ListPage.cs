using System.Globalization;
using Timeline.Domain.Events;
using Timeline.Domain.Validation;

namespace Timeline.StorageService.Storage;

/// <summary>
/// Where a list page starts reading (<see cref="ListPage.Driver"/>): the current view in order (the
/// span-class merge), or the few events an index names (the filter's ids, the rows of its tags, of
/// its actors, or the current events on its deadlines), then the rest of the filter and a sort.
/// </summary>
internal enum ListDriver
{
    Order,
    EventIds,
    Tags,
    Actors,
    DeadlineIds,
}

/// <summary>A page of a list from its rows read one beyond the page (to know whether there is a next one and where it starts), on either backend.</summary>
internal static class ListPage
{
    /// <summary>
    /// Index rows of a filter's tags (or actors, or current events on its deadlines) up to which a list starts from them rather than
    /// walking the view in order: reading this many rows, their events and sorting them costs a few
    /// milliseconds; a filter that matches at least this many revisions of a large log meets a match
    /// soon enough in order (and <c>Storage:ReadTimeLimit</c> bounds what a combination of filters leaves).
    /// The backends count at most this many rows (<c>LIMIT</c>), so the choice costs at most that.
    /// </summary>
    public const int MostIndexRows = 4_096;

    /// <summary>
    /// The cheapest start for <paramref name="criteria"/>: its ids (always few: the limits bound the
    /// list); else whichever of its tags, its actors and its deadline ids has the fewest index rows
    /// (<paramref name="tagRows"/>, <paramref name="actorRows"/>, <paramref name="deadlineRows"/>:
    /// counted up to <see cref="MostIndexRows"/>), when below that; else the view in order.
    /// </summary>
    public static ListDriver Driver(EventCriteria criteria, long tagRows, long actorRows, long deadlineRows)
    {
        if (criteria.EventIds.Count > 0)
        {
            return ListDriver.EventIds;
        }

        var (driver, fewest) = (ListDriver.Order, (long)MostIndexRows);
        foreach (var (candidate, given, rows) in new[] { (ListDriver.Tags, criteria.Tags.Count > 0, tagRows), (ListDriver.Actors, criteria.Actors.Count > 0, actorRows), (ListDriver.DeadlineIds, criteria.DeadlineIds.Count > 0, deadlineRows) })
        {
            if (given && rows < fewest)
            {
                (driver, fewest) = (candidate, rows);
            }
        }

        return driver;
    }

    /// <summary>Whether <see cref="Driver"/> needs the index rows counted.</summary>
    public static bool CountsIndexRows(EventCriteria criteria) =>
        criteria.EventIds.Count == 0 && (criteria.Tags.Count > 0 || criteria.Actors.Count > 0 || criteria.DeadlineIds.Count > 0);

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
    /// revisions up to that time unless ids, tags or actors pick the events; a current-view list is
    /// costly when its filters together match little of a large log.
    /// </summary>
    public static ProblemException TooCostly(bool knownAt, TimeSpan limit) =>
        new(ProblemKind.ResourceExhausted, "READ_TOO_COSTLY", knownAt
            ? string.Create(CultureInfo.InvariantCulture, $"this list as known_at would read more of the log than Storage:ReadTimeLimit ({limit.TotalSeconds:0.###} s) allows; narrow it with filter.event_ids, filter.tags or filter.actors")
            : string.Create(CultureInfo.InvariantCulture, $"this list would read more of the log than Storage:ReadTimeLimit ({limit.TotalSeconds:0.###} s) allows; narrow it with filter.event_ids, filter.tags or filter.actors that fewer events carry, or a shorter period (filter.occurred_from, filter.occurred_to)"));
}
