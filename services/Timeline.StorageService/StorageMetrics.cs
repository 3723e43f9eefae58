using System.Diagnostics.Metrics;

namespace Timeline.StorageService;

/// <summary>The storage service's metrics (meter <c>Timeline.Storage</c>), for OpenTelemetry or dotnet-counters.</summary>
internal sealed class StorageMetrics : IDisposable
{
    public const string MeterName = "Timeline.Storage";

    private readonly Meter meter;
    private readonly Counter<long> revisionsAppended;
    private readonly Counter<long> commits;
    private readonly Histogram<int> batchesPerCommit;
    private long commitCount;
    private long batchCount;

    public StorageMetrics(IMeterFactory meters, Storage.LogBroadcaster broadcaster)
    {
        meter = meters.Create(MeterName);
        revisionsAppended = meter.CreateCounter<long>("timeline.storage.revisions_appended", "{revision}", "Revisions written to the log");
        commits = meter.CreateCounter<long>("timeline.storage.commits", "{commit}", "Transactions committed by the writer");
        batchesPerCommit = meter.CreateHistogram<int>("timeline.storage.batches_per_commit", "{batch}", "Append batches that shared one commit");
        meter.CreateObservableGauge("timeline.storage.subscribers", () => broadcaster.Count, "{stream}", "Open SubscribeEvents streams");
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

    public void Dispose() => meter.Dispose();
}
