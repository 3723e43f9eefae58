using System.Net;
using System.Net.Sockets;
using Grpc.Core;
using Grpc.Health.V1;
using Timeline.Tests.Shared;
using Timeline.V1;

namespace Timeline.IntegrationTests.Timeline;

/// <summary>The timeline service without storage: refuses promptly, reports not serving, catches up once storage appears.</summary>
public abstract class AvailabilityTests(StorageBackend backend)
{
    [Fact]
    public async Task Without_storage_deadline_calls_are_unavailable_not_hung_and_health_is_not_serving()
    {
        var port = FreePort();
        await using var system = await TimelineSystem.StartAsync(MaliReport.ReportDay, backend, withStorage: false, storageAddress: $"http://127.0.0.1:{port}");

        await Calls.FailsWith(StatusCode.Unavailable, () => system.Timeline.ListDeadlinesAsync(new ListDeadlinesRequest(), deadline: DateTime.UtcNow.AddSeconds(10)).ResponseAsync);
        await Calls.FailsWith(StatusCode.Unavailable, () => system.Timeline.GetTimelineAsync(new GetTimelineRequest(), deadline: DateTime.UtcNow.AddSeconds(10)).ResponseAsync);
        using var watch = system.Timeline.WatchDeadlines(new WatchDeadlinesRequest(), deadline: DateTime.UtcNow.AddSeconds(10), cancellationToken: TestContext.Current.CancellationToken);
        await Calls.FailsWith(StatusCode.Unavailable, () => watch.ResponseStream.MoveNext(CancellationToken.None));

        var health = await system.TimelineHealth.CheckAsync(new HealthCheckRequest(), cancellationToken: TestContext.Current.CancellationToken).ResponseAsync.WaitAsync(Calls.Timeout, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, health.Status);
    }

    [Fact]
    public async Task Started_before_storage_the_service_catches_up_once_storage_is_up()
    {
        var port = FreePort();
        await using var system = await TimelineSystem.StartAsync(MaliReport.ReportDay, backend, withStorage: false, storageAddress: $"http://127.0.0.1:{port}");

        await system.StartStorageAsync($"http://127.0.0.1:{port}");
        await system.AppendAsync(MaliReport.Events());
        await system.WaitUntilServingAsync();

        await Calls.EventuallyAsync(() => system.Projection.Current.Deadlines.Count == 1, "the deadline is projected");
        var status = Assert.Single((await system.Timeline.ListDeadlinesAsync(new ListDeadlinesRequest(), cancellationToken: TestContext.Current.CancellationToken).ResponseAsync.WaitAsync(Calls.Timeout, cancellationToken: TestContext.Current.CancellationToken)).Deadlines);
        Assert.Equal(DeadlineState.AtRisk, status.State);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public sealed class Sqlite() : AvailabilityTests(StorageBackend.Sqlite);

    public sealed class Postgres() : AvailabilityTests(StorageBackend.Postgres);
}
