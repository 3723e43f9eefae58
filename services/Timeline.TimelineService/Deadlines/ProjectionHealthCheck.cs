using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Timeline.TimelineServer.Deadlines;

/// <summary>
/// What a load balancer needs to know: whether this replica follows storage's log. SERVING once
/// the deadline projection has caught up and while it follows the log; still SERVING (degraded,
/// answering from memory) for <see cref="TimelineOptions.HealthGrace"/> after it stopped following,
/// so that a storage restart does not take every replica out of rotation at once; NOT_SERVING
/// after that grace, and before the projection has ever caught up.
/// </summary>
public sealed class ProjectionHealthCheck(DeadlineProjection projection, IOptions<TimelineOptions> options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var snapshot = projection.Current;
        var data = new Dictionary<string, object>
        {
            ["position"] = snapshot.Position,
            ["lag"] = projection.LagAt(snapshot.Position),
            ["deadlines"] = snapshot.Deadlines.Count,
        };
        var grace = options.Value.HealthGrace;
        var result = (projection.HasCaughtUp, projection.IsLive, projection.NotFollowingFor) switch
        {
            (false, _, _) => HealthCheckResult.Unhealthy("the deadline projection has not caught up with storage yet", data: data),
            (true, true, _) => HealthCheckResult.Healthy("following storage's log", data),
            (true, false, { } since) when since >= grace => HealthCheckResult.Unhealthy(
                $"not following storage's log for {Seconds(since)} s (grace {Seconds(grace)} s)", data: data),
            (true, false, var since) => HealthCheckResult.Degraded(
                $"not following storage's log for {Seconds(since ?? TimeSpan.Zero)} s; answering from position {snapshot.Position} within the grace of {Seconds(grace)} s", data: data),
        };
        return Task.FromResult(result);
    }

    private static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture);
}
