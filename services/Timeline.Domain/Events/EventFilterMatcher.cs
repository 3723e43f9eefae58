using Timeline.Domain.Dates;
using Timeline.V1;

namespace Timeline.Domain.Events;

/// <summary>
/// The in-memory twin of the storage service's SQL filter: within a field any value may match,
/// across fields all must. Used on live revisions, which never touch the database again; like the
/// subscription's SQL, a deadline filter also keeps the revision that takes an event off a deadline.
/// </summary>
public sealed class EventFilterMatcher
{
    private readonly HashSet<string> tags;
    private readonly HashSet<string> actors;
    private readonly HashSet<string> kinds;
    private readonly HashSet<string> countries;
    private readonly HashSet<string> deadlineIds;
    private readonly HashSet<string> eventIds;
    private readonly CalendarDay? from;
    private readonly CalendarDay? to;
    private readonly bool deadlinesOnly;

    public EventFilterMatcher(EventFilter? filter)
    {
        filter ??= new EventFilter();
        tags = Set(filter.Tags.Select(t => t.Trim().ToLowerInvariant()));
        actors = Set(filter.Actors.Select(a => a.Trim()));
        kinds = Set(filter.Kinds);
        countries = Set(filter.Countries.Select(c => c.Trim().ToUpperInvariant()));
        deadlineIds = Set(filter.DeadlineIds);
        eventIds = Set(filter.EventIds);
        from = FuzzyDateProto.TryParseDay(filter.OccurredFrom, out var f) ? f : null;
        to = FuzzyDateProto.TryParseDay(filter.OccurredTo, out var t) ? t : null;
        deadlinesOnly = filter.DeadlineEffectsOnly || deadlineIds.Count > 0;
    }

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

        if (deadlinesOnly && record.Deadline is null && previousDeadlineId is null)
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

        if ((from is not null || to is not null) && record.Occurred is { } occurred &&
            FuzzyDateProto.TryParseDay(occurred.Earliest, out var earliest) &&
            FuzzyDateProto.TryParseDay(occurred.Latest, out var latest))
        {
            return (from is not { } f || latest >= f) && (to is not { } t || earliest <= t);
        }

        return true;
    }

    private static HashSet<string> Set(IEnumerable<string> values) =>
        new(values.Where(v => v.Length > 0), StringComparer.Ordinal);
}
