using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Timeline.StorageService.Storage.Sqlite;

/// <summary>SERVING only while the database is open and can take appends (see <see cref="SqliteDatabase.Health"/>).</summary>
internal sealed class SqliteHealthCheck(SqliteDatabase database) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var (healthy, description) = database.Health;
        return Task.FromResult(healthy ? HealthCheckResult.Healthy(description) : HealthCheckResult.Unhealthy(description));
    }
}
