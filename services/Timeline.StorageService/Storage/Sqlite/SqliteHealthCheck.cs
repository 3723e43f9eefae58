using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Timeline.StorageService.Storage.Sqlite;

/// <summary>SERVING only once the database is open and migrated (and not yet closed).</summary>
internal sealed class SqliteHealthCheck(SqliteDatabase database) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(database.IsReady
            ? HealthCheckResult.Healthy($"event log open at {database.Path}")
            : HealthCheckResult.Unhealthy("event log not open"));
}
