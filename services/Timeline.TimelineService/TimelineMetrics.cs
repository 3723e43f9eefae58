using System.Diagnostics.Metrics;
using Timeline.TimelineServer.Deadlines;

namespace Timeline.TimelineServer;

/// <summary>The timeline service's metrics (meter <c>Timeline.Timeline</c>), for OpenTelemetry or dotnet-counters.</summary>
public sealed class TimelineMetrics : IDisposable
{
    public const string MeterName = "Timeline.Timeline";

    private readonly Meter meter;

    public TimelineMetrics(IMeterFactory meters, DeadlineProjection projection)
    {
        meter = meters.Create(MeterName);
        meter.CreateObservableGauge("timeline.projection.lag", () => projection.Lag, "{position}",
            "Storage's known head minus the deadline projection's position (0 when caught up)");
        meter.CreateObservableGauge("timeline.projection.position", () => projection.Current.Position, "{position}",
            "Log position the deadline projection has examined up to");
        meter.CreateObservableUpDownCounter("timeline.watches", () => projection.WatcherCount, "{stream}",
            "Open WatchDeadlines streams");
    }

    public void Dispose() => meter.Dispose();
}
