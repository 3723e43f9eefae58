using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Timeline.TimelineService.Deadlines;

/// <summary>
/// Healthy once the deadline projection has caught up with storage and is live; degraded (still
/// serving what it knows) while it resubscribes; unhealthy before it has ever caught up.
/// </summary>
public sealed class ProjectionHealthCheck(DeadlineProjection projection) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object>
        {
            ["position"] = projection.Current.Position,
            ["deadlines"] = projection.Current.Deadlines.Count,
        };
        var result = projection switch
        {
            { IsLive: true } => HealthCheckResult.Healthy("deadline projection caught up", data),
            { HasCaughtUp: true } => HealthCheckResult.Degraded("deadline projection resubscribing to storage", data: data),
            _ => HealthCheckResult.Unhealthy("deadline projection has not caught up with storage", data: data),
        };
        return Task.FromResult(result);
    }
}
