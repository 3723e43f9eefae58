using Grpc.Core;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Timeline.TimelineServer.Deadlines;

namespace Timeline.TimelineServer.Tests;

/// <summary>The health rule on its own, on a fake transport clock: caught up and following, within the grace, past it.</summary>
public sealed class ProjectionHealthTests
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(15);
    private readonly FakeTimeProvider clock = new();
    private readonly DeadlineProjection projection;
    private readonly ProjectionHealthCheck check;

    public ProjectionHealthTests()
    {
        var options = Options.Create(new TimelineOptions { HealthGrace = Grace });
        projection = new DeadlineProjection(options, NullLogger<DeadlineProjection>.Instance) { TransportClock = clock };
        check = new ProjectionHealthCheck(projection, options);
    }

    [Fact]
    public async Task Before_the_first_catch_up_it_is_unhealthy_whatever_the_clock_says()
    {
        Assert.Equal(HealthStatus.Unhealthy, await StatusAsync());
        projection.MarkFailed(new RpcException(new Status(StatusCode.Unavailable, "storage is down")));
        Assert.Equal(HealthStatus.Unhealthy, await StatusAsync());
    }

    [Fact]
    public async Task Following_is_healthy_losing_the_log_is_degraded_for_the_grace_then_unhealthy_until_caught_up_again()
    {
        projection.MarkCaughtUp(9);
        Assert.Equal(HealthStatus.Healthy, await StatusAsync());

        projection.MarkFailed(new RpcException(new Status(StatusCode.Unavailable, "storage is down")));
        Assert.Equal(HealthStatus.Degraded, await StatusAsync()); // gRPC health: SERVING
        clock.Advance(Grace - TimeSpan.FromMilliseconds(1));

        // Each further failed reconnect leaves the time it stopped following as it was.
        projection.MarkFailed(new RpcException(new Status(StatusCode.Unavailable, "still down")));
        Assert.Equal(HealthStatus.Degraded, await StatusAsync());
        clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(HealthStatus.Unhealthy, await StatusAsync()); // NOT_SERVING

        projection.MarkCaughtUp(12);
        Assert.Equal(HealthStatus.Healthy, await StatusAsync());
        Assert.Null(projection.NotFollowingFor);
    }

    [Fact]
    public async Task A_rebuild_from_the_start_counts_as_not_following()
    {
        projection.MarkCaughtUp(9);
        projection.Reset();
        Assert.Equal(HealthStatus.Degraded, await StatusAsync());
        clock.Advance(Grace);
        Assert.Equal(HealthStatus.Unhealthy, await StatusAsync());
    }

    private async Task<HealthStatus> StatusAsync() => (await check.CheckHealthAsync(new HealthCheckContext())).Status;
}
