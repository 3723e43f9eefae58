using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Timeline.StorageService.Storage.Postgres;

/// <summary>SERVING only while the schema is migrated and the database answered its last call (see <see cref="PostgresDatabase.Health"/>).</summary>
internal sealed class PostgresHealthCheck(PostgresDatabase database) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var (healthy, description) = database.Health;
        return Task.FromResult(healthy ? HealthCheckResult.Healthy(description) : HealthCheckResult.Unhealthy(description));
    }
}
