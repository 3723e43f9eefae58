using System.Text.Json;
using Dapper;
using Timeline.Domain.Events;

namespace Timeline.StorageService.Storage.Sqlite;

/// <summary>
/// An <see cref="EventCriteria"/> bound to the parameters of <see cref="SqliteSql.Filter"/>: each
/// name (without <c>@</c>) and value (lists as JSON arrays for <c>json_each</c>, with their counts),
/// and the occurred range as day numbers.
/// </summary>
internal sealed record SqliteFilter(IReadOnlyList<KeyValuePair<string, object?>> Values, int? OccurredFrom, int? OccurredTo)
{
    public static SqliteFilter Bind(EventCriteria criteria)
    {
        var p = new List<KeyValuePair<string, object?>>(16);
        AddList(p, "Tags", "TagCount", criteria.Tags);
        AddList(p, "Actors", "ActorCount", criteria.Actors);
        AddList(p, "Kinds", "KindCount", criteria.Kinds);
        AddList(p, "Countries", "CountryCount", criteria.Countries);
        AddList(p, "DeadlineIds", "DeadlineIdCount", criteria.DeadlineIds);
        AddList(p, "EventIds", "EventIdCount", criteria.EventIds);
        p.Add(new("OccurredFrom", criteria.OccurredFrom));
        p.Add(new("OccurredTo", criteria.OccurredTo));
        p.Add(new("DeadlinesOnly", criteria.DeadlinesOnly));
        return new SqliteFilter(p, criteria.OccurredFrom, criteria.OccurredTo);
    }

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

    private static void AddList(List<KeyValuePair<string, object?>> p, string name, string countName, IReadOnlyList<string> values)
    {
        p.Add(new(name, JsonSerializer.Serialize(values)));
        p.Add(new(countName, values.Count));
    }
}
