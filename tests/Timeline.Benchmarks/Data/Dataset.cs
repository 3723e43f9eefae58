using System.Diagnostics;
using Timeline.Benchmarks.Infrastructure;
using Timeline.Benchmarks.Raw;
using Timeline.Storage.V1;
using Timeline.V1;

namespace Timeline.Benchmarks.Data;

/// <summary>
/// A storage service on its own file, and a raw twin: a copy of the same empty schema into which
/// the rows the service wrote are inserted raw, so both files hold the same rows.
/// </summary>
internal sealed class Dataset : IAsyncDisposable
{
    private long copiedUpTo;

    private Dataset(string name, string servicePath, ServiceProcess storage, RawLog raw)
    {
        Name = name;
        ServicePath = servicePath;
        Storage = storage;
        Raw = raw;
        Client = new EventStoreService.EventStoreServiceClient(storage.Channel);
    }

    public string Name { get; }

    public string ServicePath { get; }

    public ServiceProcess Storage { get; private set; }

    public RawLog Raw { get; private set; }

    public EventStoreService.EventStoreServiceClient Client { get; private set; }

    public long Events { get; private set; }

    public static async Task<Dataset> CreateAsync(string directory, string name, string template)
    {
        var servicePath = Path.Combine(directory, name + ".db");
        var storage = await ServiceProcess.StartStorageAsync(servicePath);
        var raw = RawLog.Create(template, Path.Combine(directory, name + "-raw.db"));
        return new Dataset(name, servicePath, storage, raw);
    }

    public static List<AppendEventsRequest> Batches(string prefix, long first, int count, int batchSize = 1000)
    {
        var batches = new List<AppendEventsRequest>();
        for (var start = 0; start < count; start += batchSize)
        {
            var request = new AppendEventsRequest();
            for (var i = start; i < Math.Min(count, start + batchSize); i++)
            {
                request.Events.Add(EventGenerator.Create(prefix, first + i));
            }

            batches.Add(request);
        }

        return batches;
    }

    /// <summary>Appends the batches one after another over gRPC; returns the seconds it took.</summary>
    public async Task<double> AppendAsync(IReadOnlyList<AppendEventsRequest> batches)
    {
        var watch = Stopwatch.StartNew();
        foreach (var batch in batches)
        {
            var response = await Client.AppendEventsAsync(batch);
            Events += response.Results.Count(r => !r.NoOp);
        }

        return watch.Elapsed.TotalSeconds;
    }

    /// <summary>The rows the service wrote since the last call (read without timing).</summary>
    public List<StoredRow> TakeNewRows()
    {
        var rows = RawLog.ReadServiceRows(ServicePath, copiedUpTo);
        if (rows.Count > 0)
        {
            copiedUpTo = rows[^1].Position;
        }

        return rows;
    }

    /// <summary>Inserts rows into the raw twin in transactions of <paramref name="batchSize"/>; returns the seconds it took.</summary>
    public double InsertRaw(IReadOnlyList<StoredRow> rows, int batchSize = 1000)
    {
        var watch = Stopwatch.StartNew();
        for (var start = 0; start < rows.Count; start += batchSize)
        {
            Raw.InsertBatch(rows, start, Math.Min(batchSize, rows.Count - start));
        }

        return watch.Elapsed.TotalSeconds;
    }

    /// <summary>
    /// Grows the dataset without the service when its append rate would not fit the run's time:
    /// the service is stopped cleanly, events derived from the rows it stored (see
    /// <see cref="RawLog.InsertDerived"/>) are appended to its file, the twin becomes a copy of
    /// that file, and the service starts again on it.
    /// </summary>
    public async Task LoadDerivedAsync(long firstNumber, int count)
    {
        var templates = RawLog.ReadServiceRows(ServicePath, 0);
        await Storage.DisposeAsync();
        Raw.Dispose();
        using (var target = RawLog.OpenForLoading(ServicePath))
        {
            target.InsertDerived(templates, firstNumber, count, "ev-");
            target.Execute("PRAGMA wal_checkpoint(TRUNCATE)");
        }

        foreach (var file in new[] { Raw.Path, Raw.Path + "-wal", Raw.Path + "-shm" })
        {
            File.Delete(file);
        }

        File.Copy(ServicePath, Raw.Path);
        Raw = RawLog.Open(Raw.Path);
        Storage = await ServiceProcess.StartStorageAsync(ServicePath);
        Client = new EventStoreService.EventStoreServiceClient(Storage.Channel);
        Events += count;
        using var head = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={ServicePath};Mode=ReadOnly;Pooling=False");
        head.Open();
        using var command = head.CreateCommand();
        command.CommandText = "SELECT MAX(position) FROM revisions";
        copiedUpTo = (long)command.ExecuteScalar()!;
    }

    public async ValueTask DisposeAsync()
    {
        Raw.Dispose();
        await Storage.DisposeAsync();
    }
}
