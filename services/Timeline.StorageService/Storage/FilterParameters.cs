using System.Text.Json;
using Dapper;
using Timeline.Domain.Dates;
using Timeline.Domain.Validation;
using Timeline.V1;

namespace Timeline.StorageService.Storage;

/// <summary>
/// The parameters of <see cref="Sql.Filter"/> for one <see cref="EventFilter"/>, checked: each
/// name (without <c>@</c>) and value, and the occurred range as day numbers.
/// </summary>
internal sealed record BoundFilter(IReadOnlyList<KeyValuePair<string, object?>> Values, int? OccurredFrom, int? OccurredTo)
{
    /// <summary>The same values for Dapper.</summary>
    public DynamicParameters ToDynamic()
    {
        var p = new DynamicParameters();
        foreach (var (name, value) in Values)
        {
            p.Add(name, value);
        }

        return p;
    }
}

/// <summary>Checks an <see cref="EventFilter"/> and binds it to the parameters of <see cref="Sql.Filter"/>.</summary>
internal static class FilterParameters
{
    public static DynamicParameters Bind(EventFilter? filter, EventLimits limits, string path = "filter") => Check(filter, limits, path).ToDynamic();

    public static BoundFilter Check(EventFilter? filter, EventLimits limits, string path = "filter")
    {
        filter ??= new EventFilter();
        var violations = new List<FieldViolation>();
        var p = new List<KeyValuePair<string, object?>>(16);
        AddList(p, "Tags", "TagCount", filter.Tags.Select(t => t.Trim().ToLowerInvariant()), $"{path}.tags", limits, violations);
        AddList(p, "Actors", "ActorCount", filter.Actors.Select(a => a.Trim()), $"{path}.actors", limits, violations);
        AddList(p, "Kinds", "KindCount", filter.Kinds, $"{path}.kinds", limits, violations);
        AddList(p, "Countries", "CountryCount", filter.Countries.Select(c => c.Trim().ToUpperInvariant()), $"{path}.countries", limits, violations);
        AddList(p, "DeadlineIds", "DeadlineIdCount", filter.DeadlineIds, $"{path}.deadline_ids", limits, violations);
        AddList(p, "EventIds", "EventIdCount", filter.EventIds, $"{path}.event_ids", limits, violations);
        var from = Day(filter.OccurredFrom, $"{path}.occurred_from", violations);
        var to = Day(filter.OccurredTo, $"{path}.occurred_to", violations);
        if (from is { } f && to is { } t && f > t)
        {
            violations.Add(new($"{path}.occurred_to", "must not be before occurred_from"));
        }

        p.Add(new("OccurredFrom", from));
        p.Add(new("OccurredTo", to));
        p.Add(new("DeadlinesOnly", filter.DeadlineEffectsOnly || filter.DeadlineIds.Count > 0));
        if (violations.Count > 0)
        {
            throw ProblemException.Invalid(violations);
        }

        return new BoundFilter(p, from, to);
    }

    private static void AddList(List<KeyValuePair<string, object?>> p, string name, string countName, IEnumerable<string> values, string field, EventLimits limits, List<FieldViolation> violations)
    {
        var list = values.Where(v => v.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        if (list.Count > limits.MaxFilterValues)
        {
            violations.Add(new(field, $"at most {limits.MaxFilterValues} values, got {list.Count}"));
        }

        p.Add(new(name, JsonSerializer.Serialize(list)));
        p.Add(new(countName, list.Count));
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
