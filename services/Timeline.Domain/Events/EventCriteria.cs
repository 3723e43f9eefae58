using Timeline.Domain.Dates;
using Timeline.Domain.Validation;
using Timeline.V1;

namespace Timeline.Domain.Events;

/// <summary>
/// A <see cref="EventFilter"/> checked and normalized once, before the storage seam: the one value
/// both storage backends bind to their SQL and <see cref="EventFilterMatcher"/> runs in memory on
/// live revisions, so the three can only agree. Within a field any value may match, across fields
/// all must; an empty list does not filter. Days are day numbers (<c>DateOnly.DayNumber</c>).
/// </summary>
public sealed record EventCriteria
{
    /// <summary>The filter that keeps every revision.</summary>
    public static readonly EventCriteria All = new();

    /// <summary>Lower-case tags (<see cref="Normalized.Tag"/>), distinct.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>Trimmed actors (<see cref="Normalized.Actor"/>), distinct.</summary>
    public IReadOnlyList<string> Actors { get; init; } = [];

    public IReadOnlyList<string> Kinds { get; init; } = [];

    /// <summary>Upper-case country codes (<see cref="Normalized.Country"/>), distinct.</summary>
    public IReadOnlyList<string> Countries { get; init; } = [];

    public IReadOnlyList<string> DeadlineIds { get; init; } = [];

    public IReadOnlyList<string> EventIds { get; init; } = [];

    /// <summary>Keep events whose interval ends on or after this day (day number), if given.</summary>
    public int? OccurredFrom { get; init; }

    /// <summary>Keep events whose interval starts on or before this day (day number), if given.</summary>
    public int? OccurredTo { get; init; }

    /// <summary>Only revisions that bear on a deadline (or, for streams, whose previous revision did).</summary>
    public bool DeadlinesOnly { get; init; }

    /// <summary>
    /// Checks a filter against the limits and normalizes it; every problem is reported at once,
    /// with its field under <paramref name="path"/> (e.g. <c>filter.occurred_to</c>).
    /// </summary>
    /// <exception cref="ProblemException">INVALID_ARGUMENT naming each refused field.</exception>
    public static EventCriteria Check(EventFilter? filter, EventLimits limits, string path = "filter")
    {
        filter ??= new EventFilter();
        var violations = new List<FieldViolation>();
        var from = Day(filter.OccurredFrom, $"{path}.occurred_from", violations);
        var to = Day(filter.OccurredTo, $"{path}.occurred_to", violations);
        if (from is { } f && to is { } t && f > t)
        {
            violations.Add(new($"{path}.occurred_to", "must not be before occurred_from"));
        }

        var criteria = new EventCriteria
        {
            Tags = List(filter.Tags, Normalized.Tag, $"{path}.tags", limits, violations),
            Actors = List(filter.Actors, Normalized.Actor, $"{path}.actors", limits, violations),
            Kinds = List(filter.Kinds, v => v, $"{path}.kinds", limits, violations),
            Countries = List(filter.Countries, Normalized.Country, $"{path}.countries", limits, violations),
            DeadlineIds = List(filter.DeadlineIds, v => v, $"{path}.deadline_ids", limits, violations),
            EventIds = List(filter.EventIds, v => v, $"{path}.event_ids", limits, violations),
            OccurredFrom = from,
            OccurredTo = to,
            DeadlinesOnly = filter.DeadlineEffectsOnly || filter.DeadlineIds.Count > 0,
        };
        if (violations.Count > 0)
        {
            throw ProblemException.Invalid(violations);
        }

        return criteria;
    }

    /// <summary>The distinct non-empty values, normalized; each value must be text (<see cref="StoredText"/>), refused as <c>field[i]</c>.</summary>
    private static string[] List(IReadOnlyList<string> values, Func<string, string> normalize, string field, EventLimits limits, List<FieldViolation> violations)
    {
        for (var i = 0; i < values.Count; i++)
        {
            if (StoredText.Problem(values[i]) is { } problem)
            {
                violations.Add(new($"{field}[{i}]", $"'{NewEventValidator.Quote(values[i])}' {problem}"));
            }
        }

        var list = values.Select(normalize).Where(v => v.Length > 0).Distinct(StringComparer.Ordinal).ToArray();
        if (list.Length > limits.MaxFilterValues)
        {
            violations.Add(new(field, $"at most {limits.MaxFilterValues} values, got {list.Length}"));
        }

        return list;
    }

    private static int? Day(string text, string field, List<FieldViolation> violations)
    {
        if (text.Length == 0)
        {
            return null;
        }

        if (FuzzyDateProto.TryParseDay(text, out var day))
        {
            return day.DayNumber;
        }

        violations.Add(new(field, $"'{NewEventValidator.Quote(text)}' is not a date YYYY-MM-DD"));
        return null;
    }
}
