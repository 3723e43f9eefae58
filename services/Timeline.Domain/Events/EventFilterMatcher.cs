using Timeline.Domain.Dates;
using Timeline.V1;

namespace Timeline.Domain.Events;

/// <summary>
/// The in-memory twin of the storage backends' SQL filter, over the same <see cref="EventCriteria"/>:
/// within a field any value may match, across fields all must. Used on live revisions, which never
/// touch the database again; like the subscription's SQL, a deadline filter also keeps the revision
/// that takes an event off a deadline.
/// </summary>
public sealed class EventFilterMatcher(EventCriteria criteria)
{
    private readonly HashSet<string> tags = Set(criteria.Tags);
    private readonly HashSet<string> actors = Set(criteria.Actors);
    private readonly HashSet<string> kinds = Set(criteria.Kinds);
    private readonly HashSet<string> countries = Set(criteria.Countries);
    private readonly HashSet<string> deadlineIds = Set(criteria.DeadlineIds);
    private readonly HashSet<string> eventIds = Set(criteria.EventIds);

    /// <param name="record">A revision.</param>
    /// <param name="previousDeadlineId">The deadline the event's previous revision bore on, if any: for
    /// deadline filters a revision also matches when it takes its event off a matching deadline.</param>
    public bool Matches(EventRecord record, string? previousDeadlineId = null)
    {
        if (tags.Count > 0 && !record.Tags.Any(tags.Contains))
        {
            return false;
        }

        if (actors.Count > 0 && !record.Actors.Any(actors.Contains))
        {
            return false;
        }

        if (kinds.Count > 0 && !kinds.Contains(record.Kind))
        {
            return false;
        }

        if (countries.Count > 0 && !countries.Contains(record.Location?.Country ?? string.Empty))
        {
            return false;
        }

        if (criteria.DeadlinesOnly && record.Deadline is null && previousDeadlineId is null)
        {
            return false;
        }

        if (deadlineIds.Count > 0 && !deadlineIds.Contains(record.Deadline?.DeadlineId ?? string.Empty) && !deadlineIds.Contains(previousDeadlineId ?? string.Empty))
        {
            return false;
        }

        if (eventIds.Count > 0 && !eventIds.Contains(record.EventId))
        {
            return false;
        }

        if ((criteria.OccurredFrom is not null || criteria.OccurredTo is not null) && record.Occurred is { } occurred &&
            FuzzyDateProto.TryParseDay(occurred.Earliest, out var earliest) &&
            FuzzyDateProto.TryParseDay(occurred.Latest, out var latest))
        {
            return (criteria.OccurredFrom is not { } f || latest.DayNumber >= f) && (criteria.OccurredTo is not { } t || earliest.DayNumber <= t);
        }

        return true;
    }

    private static HashSet<string> Set(IEnumerable<string> values) => new(values, StringComparer.Ordinal);
}
