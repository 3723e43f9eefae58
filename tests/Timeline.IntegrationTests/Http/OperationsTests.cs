using System.Diagnostics;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Grpc.Reflection.V1Alpha;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Timeline.IntegrationTests.Timeline;
using Timeline.ServiceDefaults;
using Timeline.Storage.V1;
using Timeline.StorageService;
using Timeline.TimelineServer;
using Timeline.TimelineServer.Deadlines;
using Timeline.V1;

namespace Timeline.IntegrationTests.Http;

/// <summary>What an operator relies on: health that means ready, reflection, and telemetry.</summary>
public sealed class OperationsTests
{
    private static readonly TimeSpan Timeout = JsonSystem.Timeout;

    [Fact]
    public async Task Health_says_serving_only_when_ready_storage_once_its_database_is_open_timeline_once_caught_up()
    {
        var directory = Path.Combine(Path.GetTempPath(), "timeline-http", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        string[] storageArgs = ["--Storage:DatabasePath", Path.Combine(directory, "timeline.db"), "--Logging:LogLevel:Default", "Critical"];

        // Find a free port for storage, then leave it closed: the timeline service starts first.
        var probe = StorageServiceApp.Create(["--urls", "http://127.0.0.1:0", .. storageArgs]);
        await probe.StartAsync(cancellationToken: TestContext.Current.CancellationToken).WaitAsync(Timeout, cancellationToken: TestContext.Current.CancellationToken);
        var storageUrl = probe.GrpcAddress();
        await probe.StopAsync(cancellationToken: TestContext.Current.CancellationToken).WaitAsync(Timeout, cancellationToken: TestContext.Current.CancellationToken);
        await probe.DisposeAsync();

        await using var timeline = TimelineServiceApp.Create(
            ["--urls", "http://127.0.0.1:0", "--Timeline:StorageAddress", storageUrl.ToString(), "--Timeline:ReconnectMinDelay", "00:00:00.050", "--Timeline:ReconnectMaxDelay", "00:00:00.200", "--Logging:LogLevel:Default", "Critical"]);
        await timeline.StartAsync(cancellationToken: TestContext.Current.CancellationToken).WaitAsync(Timeout, cancellationToken: TestContext.Current.CancellationToken);
        using var timelineChannel = GrpcChannel.ForAddress(timeline.GrpcAddress());
        var timelineHealth = new Health.HealthClient(timelineChannel);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, (await timelineHealth.CheckAsync(new HealthCheckRequest(), cancellationToken: TestContext.Current.CancellationToken).ResponseAsync.WaitAsync(Timeout, cancellationToken: TestContext.Current.CancellationToken)).Status);

        await using var storage = StorageServiceApp.Create(["--urls", storageUrl.ToString(), .. storageArgs]);
        await storage.StartAsync(cancellationToken: TestContext.Current.CancellationToken).WaitAsync(Timeout, cancellationToken: TestContext.Current.CancellationToken);
        using var storageChannel = GrpcChannel.ForAddress(storage.GrpcAddress());
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await new Health.HealthClient(storageChannel).CheckAsync(new HealthCheckRequest(), cancellationToken: TestContext.Current.CancellationToken).ResponseAsync.WaitAsync(Timeout, cancellationToken: TestContext.Current.CancellationToken)).Status);

        using var wait = new CancellationTokenSource(Timeout);
        while ((await timelineHealth.CheckAsync(new HealthCheckRequest(), cancellationToken: wait.Token).ResponseAsync.WaitAsync(Timeout, cancellationToken: TestContext.Current.CancellationToken)).Status != HealthCheckResponse.Types.ServingStatus.Serving)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50), wait.Token);
        }

        await timeline.StopAsync(cancellationToken: TestContext.Current.CancellationToken).WaitAsync(Timeout, cancellationToken: TestContext.Current.CancellationToken);
        await storage.StopAsync(cancellationToken: TestContext.Current.CancellationToken).WaitAsync(Timeout, cancellationToken: TestContext.Current.CancellationToken);
        TryDelete(directory);
    }

    [Fact]
    public async Task Server_reflection_lists_each_services_api_health_and_reflection()
    {
        await using var system = await JsonSystem.StartAsync();

        Assert.Superset(
            new HashSet<string> { "timeline.storage.v1.EventStoreService", "grpc.health.v1.Health", "grpc.reflection.v1alpha.ServerReflection" },
            await ListServicesAsync(system.StorageChannel));
        Assert.Contains("timeline.v1.TimelineService", await ListServicesAsync(system.TimelineChannel));
    }

    [Fact]
    public async Task Telemetry_traces_an_append_through_its_commit_and_records_the_metrics()
    {
        var storageSpans = new List<Activity>();
        var storageMetrics = new List<Metric>();
        var timelineMetrics = new List<Metric>();
        await using var system = await JsonSystem.StartAsync(
            configureStorage: builder => builder.Services.AddTimelineOpenTelemetry(StorageServiceApp.Telemetry)
                .WithTracing(tracing => tracing.AddInMemoryExporter(storageSpans))
                .WithMetrics(metrics => metrics.AddInMemoryExporter(storageMetrics)),
            configureTimeline: builder => builder.Services.AddTimelineOpenTelemetry(TimelineServiceApp.Telemetry)
                .WithMetrics(metrics => metrics.AddInMemoryExporter(timelineMetrics)));

        var storage = new EventStoreService.EventStoreServiceClient(system.StorageChannel);
        await storage.AppendEventsAsync(new AppendEventsRequest { Events = { MaliReport.Events() } }, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync.WaitAsync(Timeout, cancellationToken: TestContext.Current.CancellationToken);
        await storage.ListEventsAsync(new ListEventsRequest { Filter = new EventFilter { Tags = { "mali" } } }, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync.WaitAsync(Timeout, cancellationToken: TestContext.Current.CancellationToken);
        await system.WaitUntilTimelineServingAsync();
        using var watch = new V1.TimelineService.TimelineServiceClient(system.TimelineChannel).WatchDeadlines(new WatchDeadlinesRequest(), cancellationToken: TestContext.Current.CancellationToken);
        Assert.True(await watch.ResponseStream.MoveNext().WaitAsync(Timeout, cancellationToken: TestContext.Current.CancellationToken));

        // The append's server span (this storage's: listeners are process-wide and other tests run
        // alongside), and the group commit's span linked to it.
        var port = system.Storage.GrpcAddress().Port;
        var append = await EventuallyAsync(() => storageSpans.ToArray().FirstOrDefault(a =>
            a.Kind == ActivityKind.Server && a.DisplayName.Contains("EventStoreService/AppendEvents", StringComparison.Ordinal) && Equals(a.GetTagItem("server.port"), port)));
        var commit = await EventuallyAsync(() => storageSpans.ToArray().FirstOrDefault(a => a.OperationName == "timeline.storage.commit" && a.Links.Any(l => l.Context.SpanId == append.SpanId)));
        Assert.Equal(append.TraceId, commit.Links.Single(l => l.Context.SpanId == append.SpanId).Context.TraceId);
        Assert.True((int)commit.GetTagItem("timeline.storage.revisions")! >= MaliReport.Events().Length);

        Assert.True(system.Storage.Services.GetRequiredService<MeterProvider>().ForceFlush(10_000));
        var storageNames = storageMetrics.Select(m => m.Name).ToHashSet();
        Assert.Superset(new HashSet<string> { "timeline.storage.appends", "timeline.storage.commits", "timeline.storage.revisions_appended", "timeline.storage.list.duration", "timeline.storage.subscribers", "http.server.request.duration" }, storageNames);
        var stored = storageMetrics.Last(m => m.Name == "timeline.storage.appends");
        Assert.Contains(Points(stored), p => p.GetSumLong() >= 1 && Tags(p).Contains(new KeyValuePair<string, object?>("outcome", "stored")));

        Assert.True(system.Timeline.Services.GetRequiredService<MeterProvider>().ForceFlush(10_000));
        // Meters are per app but listeners are per process: other tests' services report into the
        // same streams, so the values are checked on this service itself.
        Assert.NotEmpty(Points(timelineMetrics.Last(m => m.Name == "timeline.projection.lag")));
        Assert.Equal(0, system.Timeline.Services.GetRequiredService<DeadlineProjection>().Lag); // caught up
        // timeline.watches is an up-down counter summed over every service in this process (other
        // tests open and close watches meanwhile), so only its presence is checked here.
        Assert.Contains(timelineMetrics, m => m.Name == "timeline.watches");
    }

    private static async Task<HashSet<string>> ListServicesAsync(GrpcChannel channel)
    {
        using var call = new ServerReflection.ServerReflectionClient(channel).ServerReflectionInfo();
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" }).WaitAsync(Timeout);
        await call.RequestStream.CompleteAsync().WaitAsync(Timeout);
        Assert.True(await call.ResponseStream.MoveNext().WaitAsync(Timeout));
        return [.. call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name)];
    }

    private static List<MetricPoint> Points(Metric metric)
    {
        var points = new List<MetricPoint>();
        foreach (ref readonly var point in metric.GetMetricPoints())
        {
            points.Add(point);
        }

        return points;
    }

    private static List<KeyValuePair<string, object?>> Tags(MetricPoint point)
    {
        var tags = new List<KeyValuePair<string, object?>>();
        foreach (var tag in point.Tags)
        {
            tags.Add(tag);
        }

        return tags;
    }

    private static async Task<T> EventuallyAsync<T>(Func<T?> probe)
        where T : class
    {
        using var timeout = new CancellationTokenSource(Timeout);
        while (true)
        {
            if (probe() is { } found)
            {
                return found;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20), timeout.Token);
        }
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a closing connection; the temp folder is cleaned later.
        }
    }
}
