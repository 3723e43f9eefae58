using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Timeline.StorageService;

/// <summary>The storage service's metrics (meter <c>Timeline.Storage</c>), for OpenTelemetry or dotnet-counters.</summary>
internal sealed class StorageMetrics : IDisposable
{
    public const string MeterName = "Timeline.Storage";

    /// <summary>Spans of the storage service's own work (the group commit), beside ASP.NET Core's per-call spans.</summary>
    public static readonly ActivitySource Activities = new(MeterName);

    private readonly Meter meter;
    private readonly Counter<long> revisionsAppended;
    private readonly Counter<long> commits;
    private readonly Histogram<int> batchesPerCommit;
    private readonly Counter<long> appends;
    private readonly Histogram<double> listDuration;
    private long commitCount;
    private long batchCount;

    public StorageMetrics(IMeterFactory meters, Storage.LogBroadcaster broadcaster)
    {
        meter = meters.Create(MeterName);
        revisionsAppended = meter.CreateCounter<long>("timeline.storage.revisions_appended", "{revision}", "Revisions written to the log");
        commits = meter.CreateCounter<long>("timeline.storage.commits", "{commit}", "Transactions committed by the writer");
        batchesPerCommit = meter.CreateHistogram<int>("timeline.storage.batches_per_commit", "{batch}", "Append batches that shared one commit");
        appends = meter.CreateCounter<long>("timeline.storage.appends", "{request}", "AppendEvents requests answered, by outcome (stored or refused)");
        listDuration = meter.CreateHistogram<double>("timeline.storage.list.duration", "s", "Time to answer a ListEvents page",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5] });
        meter.CreateObservableUpDownCounter("timeline.storage.subscribers", () => broadcaster.Count, "{stream}", "Open SubscribeEvents streams");
        meter.CreateObservableGauge("timeline.storage.head_position", () => broadcaster.Head, "{position}", "Last committed log position");
    }

    /// <summary>Transactions committed since start.</summary>
    public long CommitCount => Interlocked.Read(ref commitCount);

    /// <summary>Append batches committed since start.</summary>
    public long BatchCount => Interlocked.Read(ref batchCount);

    public void Committed(int batches, int revisions)
    {
        Interlocked.Increment(ref commitCount);
        Interlocked.Add(ref batchCount, batches);
        commits.Add(1);
        batchesPerCommit.Record(batches);
        revisionsAppended.Add(revisions);
    }

    /// <summary>One AppendEvents request answered: stored (acknowledged after commit) or refused.</summary>
    public void Appended(bool stored) => appends.Add(1, new KeyValuePair<string, object?>("outcome", stored ? "stored" : "refused"));

    public void Listed(TimeSpan elapsed) => listDuration.Record(elapsed.TotalSeconds);

    public void Dispose() => meter.Dispose();
}
