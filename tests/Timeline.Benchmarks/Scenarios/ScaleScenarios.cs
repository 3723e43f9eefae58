using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Grpc.Core;
using Grpc.Net.Client;
using Npgsql;
using Timeline.Benchmarks.Data;
using Timeline.Benchmarks.Infrastructure;
using Timeline.ServiceDefaults.Clients;
using Timeline.Storage.V1;
using Timeline.V1;
using TimelineClient = Timeline.V1.TimelineService.TimelineServiceClient;

namespace Timeline.Benchmarks.Scenarios;

/// <summary>
/// docs/SCALING.md's table: with 1 and then 2 storage instances and 1 and then 2 timeline replicas
/// on one PostgreSQL database (<c>--scale CONNECTION_STRING --postmaster-pid PID</c>), each a process
/// of its own, through the multi-address clients: append throughput (single events and batches of
/// 100), read throughput (ListEvents pages of 100) and WatchDeadlines fan-out, each with the CPU
/// seconds every process spent on it (from /proc/PID/stat; PostgreSQL: the postmaster and all its
/// children). Absolute figures, not ratios: they describe this machine, and SCALING.md derives its
/// model from them.
/// </summary>
internal static class ScaleScenarios
{
    private const int Watchers = 1_000;
    private const int WatchedDeadlines = 10;

    public static async Task<int> RunAsync(string adminConnectionString, int postmasterPid, bool quick)
    {
        var window = TimeSpan.FromSeconds(quick ? 3 : 8);
        Console.WriteLine(Machine.Describe());
        Console.WriteLine($"load average at start: {File.ReadAllText("/proc/loadavg").Trim()}");
        var rows = new List<string>();
        foreach (var instances in new[] { 1, 2 })
        {
            var database = $"scale_{instances}_{Environment.ProcessId}";
            await ExecuteAsync(adminConnectionString, $"DROP DATABASE IF EXISTS {database} WITH (FORCE)");
            await ExecuteAsync(adminConnectionString, $"CREATE DATABASE {database}");
            var connectionString = new NpgsqlConnectionStringBuilder(adminConnectionString) { Database = database }.ConnectionString;
            var storages = new List<ServiceProcess>();
            var replicas = new List<ServiceProcess>();
            try
            {
                for (var i = 0; i < instances; i++)
                {
                    storages.Add(await ServiceProcess.StartAsync($"storage {i + 1}", ServiceProcess.ServiceDll("Timeline.StorageService"),
                        ["--Storage:Provider", "postgres", "--Storage:ConnectionString", connectionString, .. ServiceProcess.Unlimited]));
                }

                var storageList = string.Join(',', storages.Select(s => s.Address.ToString().TrimEnd('/')));
                using var storageChannel = Channel(storageList);
                var storage = new EventStoreService.EventStoreServiceClient(storageChannel);
                var label = $"{instances} storage";
                BenchContext.Phase($"{label}: warming up");
                await AppendForAsync(storage, 8, 10, TimeSpan.FromSeconds(quick ? 3 : 8), "warm");

                BenchContext.Phase($"{label}: single-event appends");
                rows.Add(await MeasureAsync($"{label}, 32 appenders, 1 event per call", "events/s", storages, postmasterPid, () => AppendForAsync(storage, 32, 1, window, "one")));
                BenchContext.Phase($"{label}: batches of 100");
                rows.Add(await MeasureAsync($"{label}, 8 appenders, 100 events per call", "events/s", storages, postmasterPid, () => AppendForAsync(storage, 8, 100, window, "batch")));
                BenchContext.Phase($"{label}: reads");
                rows.Add(await MeasureAsync($"{label}, 16 readers, ListEvents page of 100", "pages/s", storages, postmasterPid, () => ReadForAsync(storage, 16, window)));

                foreach (var id in Enumerable.Range(0, WatchedDeadlines))
                {
                    await storage.AppendEventsAsync(new AppendEventsRequest { Events = { EventGenerator.DeadlineSet($"scale-{id}") } });
                }

                for (var i = 0; i < instances; i++)
                {
                    replicas.Add(await ServiceProcess.StartAsync($"timeline {i + 1}", ServiceProcess.ServiceDll("Timeline.TimelineService"),
                        ["--Timeline:StorageAddress", storageList, .. ServiceProcess.Unlimited]));
                }

                using var timelineChannel = Channel(string.Join(',', replicas.Select(r => r.Address.ToString().TrimEnd('/'))));
                BenchContext.Phase($"{instances} replicas: {Watchers:N0} watchers");
                rows.Add(await MeasureAsync($"{instances} replica(s), {Watchers:N0} watchers, one update each per append", "updates/s", [.. storages, .. replicas], postmasterPid,
                    () => FanOutAsync(new TimelineClient(timelineChannel), storage)));
            }
            finally
            {
                foreach (var service in replicas.Concat(storages))
                {
                    await service.DisposeAsync();
                }
            }
        }

        Console.WriteLine();
        Console.WriteLine($"load average at end: {File.ReadAllText("/proc/loadavg").Trim()}");
        Console.WriteLine("| configuration | throughput | CPU ms per 1,000 operations, each process |");
        Console.WriteLine("|---|---|---|");
        foreach (var row in rows)
        {
            Console.WriteLine(row);
        }

        return 0;
    }

    /// <summary>Runs <paramref name="work"/> (which returns operations done and seconds taken) and the CPU time each process spent meanwhile.</summary>
    private static async Task<string> MeasureAsync(string what, string unit, IReadOnlyList<ServiceProcess> services, int postmasterPid, Func<Task<(long Operations, double Seconds)>> work)
    {
        var before = services.Select(s => CpuSeconds(s.Pid)).ToList();
        var postgresBefore = PostgresCpuSeconds(postmasterPid);
        var (operations, seconds) = await work();
        var cpu = services.Select((s, i) => (s.Name, Seconds: CpuSeconds(s.Pid) - before[i])).Append((Name: "PostgreSQL", Seconds: PostgresCpuSeconds(postmasterPid) - postgresBefore));
        var perThousand = string.Join(", ", cpu.Select(c => $"{c.Name} {c.Seconds * 1000 * 1000 / operations:0.0} ({c.Seconds / seconds * 100:0}% of a core)"));
        var line = $"| {what} | {operations / seconds:N0} {unit} | {perThousand} |";
        Console.WriteLine(line);
        return line;
    }

    private static async Task<(long, double)> AppendForAsync(EventStoreService.EventStoreServiceClient client, int appenders, int eventsPerCall, TimeSpan window, string prefix)
    {
        long events = 0;
        var run = Guid.NewGuid().ToString("N")[..8];
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, appenders).Select(a => Task.Run(async () =>
        {
            for (var n = 0L; watch.Elapsed < window; n++)
            {
                var request = new AppendEventsRequest();
                for (var e = 0; e < eventsPerCall; e++)
                {
                    request.Events.Add(EventGenerator.Create($"{prefix}-{run}-{a}-{n}-", e));
                }

                await client.AppendEventsAsync(request, deadline: DateTime.UtcNow.AddSeconds(60));
                Interlocked.Add(ref events, eventsPerCall);
            }
        })));
        return (events, watch.Elapsed.TotalSeconds);
    }

    private static async Task<(long, double)> ReadForAsync(EventStoreService.EventStoreServiceClient client, int readers, TimeSpan window)
    {
        long pages = 0;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, readers).Select(_ => Task.Run(async () =>
        {
            var token = "";
            while (watch.Elapsed < window)
            {
                var page = await client.ListEventsAsync(new ListEventsRequest { PageSize = 100, PageToken = token }, deadline: DateTime.UtcNow.AddSeconds(60));
                token = page.NextPageToken;
                Interlocked.Increment(ref pages);
            }
        })));
        return (pages, watch.Elapsed.TotalSeconds);
    }

    /// <summary>Every watcher on every deadline; each round one risk event turns one deadline AT_RISK, timed until all watchers have its update.</summary>
    private static async Task<(long, double)> FanOutAsync(TimelineClient timeline, EventStoreService.EventStoreServiceClient storage)
    {
        using var stop = new CancellationTokenSource();
        var seen = new ConcurrentDictionary<string, int>();
        var caughtUp = 0;
        var request = new WatchDeadlinesRequest { DeadlineIds = { Enumerable.Range(0, WatchedDeadlines).Select(i => $"scale-{i}") } };
        var readers = Enumerable.Range(0, Watchers).Select(_ => Task.Run(async () =>
        {
            using var call = timeline.WatchDeadlines(request, cancellationToken: stop.Token);
            var live = false;
            try
            {
                await foreach (var message in call.ResponseStream.ReadAllAsync(stop.Token))
                {
                    if (message.CaughtUp is not null)
                    {
                        live = true;
                        Interlocked.Increment(ref caughtUp);
                    }
                    else if (live && message.Status is { } status)
                    {
                        seen.AddOrUpdate(status.DeadlineId, 1, (_, n) => n + 1);
                    }
                }
            }
            catch (RpcException) when (stop.IsCancellationRequested)
            {
            }
            catch (OperationCanceledException)
            {
            }
        })).ToList();
        var wait = Stopwatch.StartNew();
        while (Volatile.Read(ref caughtUp) < Watchers)
        {
            if (wait.Elapsed > TimeSpan.FromSeconds(120))
            {
                throw new TimeoutException($"{caughtUp} of {Watchers} watchers caught up");
            }

            await Task.Delay(20);
        }

        var watch = Stopwatch.StartNew();
        for (var round = 0; round < WatchedDeadlines; round++)
        {
            var id = $"scale-{round}";
            await storage.AppendEventsAsync(new AppendEventsRequest { Events = { EventGenerator.DeadlineRisk(id, $"risk-{id}-{Guid.NewGuid():N}") } });
            while (seen.GetValueOrDefault(id) < Watchers)
            {
                if (watch.Elapsed > TimeSpan.FromSeconds(120))
                {
                    throw new TimeoutException($"{seen.GetValueOrDefault(id)} of {Watchers} watchers saw {id} turn AT_RISK");
                }

                await Task.Delay(1);
            }
        }

        var seconds = watch.Elapsed.TotalSeconds;
        await stop.CancelAsync();
        await Task.WhenAll(readers).WaitAsync(TimeSpan.FromSeconds(60));
        return ((long)WatchedDeadlines * Watchers, seconds);
    }

    private static GrpcChannel Channel(string addresses) => ServiceAddresses.Parse(addresses).CreateChannel(new GrpcChannelOptions
    {
        HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true, PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan },
        MaxReceiveMessageSize = 64 * 1024 * 1024,
    });

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>User plus system CPU seconds of one process (fields 14 and 15 of /proc/PID/stat, in clock ticks of 1/100 s).</summary>
    private static double CpuSeconds(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>The postmaster's and every child's CPU seconds (the backends serving the storage instances, the WAL writer, the checkpointer).</summary>
    private static double PostgresCpuSeconds(int postmasterPid)
    {
        var total = CpuSeconds(postmasterPid);
        foreach (var dir in Directory.GetDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && ParentOf(pid) == postmasterPid)
            {
                total += CpuSeconds(pid);
            }
        }

        return total;
    }

    private static int? ParentOf(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return null;
        }
    }
}
