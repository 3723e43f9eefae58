using System.Data;
using Dapper;
using Timeline.Domain.Events;

namespace Timeline.StorageService.Storage.Postgres;

/// <summary>An <see cref="EventCriteria"/> bound to the parameters of <see cref="PostgresSql"/>'s filter: lists as text arrays.</summary>
internal static class PostgresFilter
{
    public static DynamicParameters Bind(EventCriteria criteria)
    {
        var p = new DynamicParameters();
        p.Add("Tags", criteria.Tags.ToArray());
        p.Add("Actors", criteria.Actors.ToArray());
        p.Add("Kinds", criteria.Kinds.ToArray());
        p.Add("Countries", criteria.Countries.ToArray());
        p.Add("DeadlineIds", criteria.DeadlineIds.ToArray());
        p.Add("EventIds", criteria.EventIds.ToArray());
        p.Add("OccurredFrom", criteria.OccurredFrom, DbType.Int32);
        p.Add("OccurredTo", criteria.OccurredTo, DbType.Int32);
        p.Add("DeadlinesOnly", criteria.DeadlinesOnly);
        return p;
    }
}
