using System.Diagnostics;
using Grpc.Core;
using Timeline.Storage.V1;
using Timeline.Tests.Shared;
using Timeline.Tests.Shared.Processes;
using static Timeline.StorageService.Tests.Assertions;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace Timeline.StorageService.Tests;

/// <summary>
/// What can happen to a SQLite file that nobody planned for, each with the storage service as a
/// real process: a second process on the same file, bytes overwritten in a copy of a real
/// database, the file unlinked or replaced while the service runs, the disk full (a tmpfs of a few
/// MiB) and SIGTERM while it is full, and the file modes of everything the service creates.
/// </summary>
public sealed class SqliteFileFaultTests : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly string directory = Path.Combine(Path.GetTempPath(), "timeline-tests", "file-" + Guid.NewGuid().ToString("N"));
    private readonly List<string> mounts = [];

    public SqliteFileFaultTests() => Directory.CreateDirectory(directory);

    [Fact]
    public async Task A_second_process_on_the_same_file_is_refused_at_start_with_one_line()
    {
        await using var database = await StorageDatabase.CreateAsync(StorageBackend.Sqlite, directory);
        await using var first = new StorageProcess(database);
        await first.StartAsync(StartTimeout);
        await first.Client.AppendEventsAsync(Events.Batch("before", 3, "lock"), deadline: Deadline(), cancellationToken: TestContext.Current.CancellationToken);

        await using var second = StorageProcess.Launch(database);
        var code = await second.ExitedAsync(StartTimeout);

        var lines = ErrorLines(second.Output);
        Assert.True(code == ServiceMainExit.Failure, $"exit {code}:\n{second.Output}");
        var line = Assert.Single(lines);
        Assert.StartsWith("timeline-storage: cannot start: the SQLite database ", line, StringComparison.Ordinal);
        Assert.Contains("in use by another storage process", line, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", second.Output, StringComparison.Ordinal);

        // The first one is untouched: it still serves and appends.
        Assert.Equal(ServingStatus.Serving, await first.HealthAsync());
        await first.Client.AppendEventsAsync(Events.Batch("after", 3, "lock"), deadline: Deadline(), cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(6, (await Events.ReadAllAsync(first.Client)).Count);

        // Once it has stopped, the file is free again.
        Assert.Equal(0, await first.StopAsync(TimeSpan.FromSeconds(30)));
        await using var third = new StorageProcess(database);
        await third.StartAsync(StartTimeout);
        Assert.Equal(6, (await Events.ReadAllAsync(third.Client)).Count);
    }

    [Fact]
    public async Task Bytes_overwritten_in_a_copy_of_a_real_database_are_refused_at_start_and_stop_writes_when_met_at_run_time()
    {
        // A real database: 2,400 events written by the service, closed cleanly (the WAL checkpointed into the file).
        var original = await StorageDatabase.CreateAsync(StorageBackend.Sqlite, directory);
        await using (var writer = new StorageProcess(original))
        {
            await writer.StartAsync(StartTimeout);
            for (var b = 0; b < 24; b++)
            {
                await writer.Client.AppendEventsAsync(Events.Batch($"b{b}", 100, "damage"), deadline: Deadline(), cancellationToken: TestContext.Current.CancellationToken);
            }

            Assert.Equal(0, await writer.StopAsync(TimeSpan.FromSeconds(30)));
        }

        // An undamaged copy starts; a copy with 64 KiB of random bytes in the middle does not.
        var intact = await CopyAsync(original, "intact");
        await using (var control = new StorageProcess(intact))
        {
            await control.StartAsync(StartTimeout);
            Assert.Equal(2400, (await Events.ReadAllAsync(control.Client)).Count);
        }

        var damaged = await CopyAsync(original, "damaged");
        var length = new FileInfo(damaged.SqlitePath).Length;
        var noise = new byte[64 * 1024];
        new Random(27).NextBytes(noise);
        await using (var file = new FileStream(damaged.SqlitePath, FileMode.Open, FileAccess.Write))
        {
            file.Position = length / 2 / 4096 * 4096;
            await file.WriteAsync(noise, TestContext.Current.CancellationToken);
        }

        var before = File.ReadAllBytes(damaged.SqlitePath);
        await using (var refused = StorageProcess.Launch(damaged))
        {
            var code = await refused.ExitedAsync(StartTimeout);
            Assert.True(code == ServiceMainExit.Failure, $"exit {code}:\n{refused.Output}");
            var line = Assert.Single(ErrorLines(refused.Output));
            Assert.Contains("is damaged (quick_check: ", line, StringComparison.Ordinal);
            Assert.Contains("restore it from a backup", line, StringComparison.Ordinal);
        }

        Assert.Equal(before, File.ReadAllBytes(damaged.SqlitePath));

        // The same file opened without the check (Storage:IntegrityCheckTimeout=0), as if the damage
        // happened after the start: the first damaged page a read meets stops every append.
        await using var unchecked_ = new StorageProcess(damaged, ["--Storage:IntegrityCheckTimeout=00:00:00"]);
        await unchecked_.StartAsync(StartTimeout);
        var internalErrors = await ReadEverythingAsync(unchecked_.Client);
        Assert.True(internalErrors > 0, $"no read met the damage:\n{unchecked_.Output}");
        Assert.Equal(ServingStatus.NotServing, await unchecked_.HealthAsync());
        for (var i = 0; i < 5; i++)
        {
            var refusal = await FailsWith(StatusCode.Unavailable, () => unchecked_.Client.AppendEventsAsync(Events.Batch($"late{i}", 3, "damage"), deadline: Deadline(), cancellationToken: TestContext.Current.CancellationToken).ResponseAsync);
            Assert.Equal("STORAGE_WRITES_STOPPED", Reason(refusal));
            Assert.Contains("is damaged", refusal.Message, StringComparison.Ordinal);
        }

        Assert.Equal(0, await unchecked_.StopAsync(TimeSpan.FromSeconds(30)));
        Figures.Report($"damaged copy: refused at start in one line; opened unchecked, {internalErrors} reads met the damage, 5 of 5 appends refused, health NOT_SERVING");
    }

    [Theory]
    [InlineData("deleted")]
    [InlineData("replaced")]
    public async Task A_file_deleted_or_replaced_while_running_stops_appends_and_health(string what)
    {
        await using var database = await StorageDatabase.CreateAsync(StorageBackend.Sqlite, directory);
        await using var storage = new StorageProcess(database);
        await storage.StartAsync(StartTimeout);
        await storage.Client.AppendEventsAsync(Events.Batch("before", 3, "unlink"), deadline: Deadline(), cancellationToken: TestContext.Current.CancellationToken);

        if (what == "deleted")
        {
            File.Delete(database.SqlitePath);
        }
        else
        {
            var other = Path.Combine(directory, "other.db");
            File.WriteAllBytes(other, []);
            File.Move(other, database.SqlitePath, overwrite: true);
        }

        Assert.Equal(ServingStatus.NotServing, await storage.HealthAsync());
        var refusal = await FailsWith(StatusCode.Unavailable, () => storage.Client.AppendEventsAsync(Events.Batch("after", 3, "unlink"), deadline: Deadline(), cancellationToken: TestContext.Current.CancellationToken).ResponseAsync);
        Assert.Equal("STORAGE_WRITES_STOPPED", Reason(refusal));
        Assert.Contains("deleted or replaced", refusal.Message, StringComparison.Ordinal);
        Assert.Equal(0, await storage.StopAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task A_full_disk_refuses_appends_turns_health_not_serving_and_sigterm_still_exits_cleanly_with_nothing_lost()
    {
        var disk = Path.Combine(directory, "disk");
        MountTmpfs(disk, "6m");
        var database = await StorageDatabase.CreateAsync(StorageBackend.Sqlite, disk);
        var filler = Path.Combine(disk, "filler");
        var acknowledged = new List<string>();
        await using var storage = new StorageProcess(database);
        await storage.StartAsync(StartTimeout);

        async Task<StatusCode?> AppendAsync(string name)
        {
            try
            {
                await storage.Client.AppendEventsAsync(Big(name), deadline: Deadline(), cancellationToken: TestContext.Current.CancellationToken);
                acknowledged.Add(name);
                return null;
            }
            catch (RpcException e)
            {
                return e.StatusCode;
            }
        }

        for (var i = 0; i < 5; i++)
        {
            Assert.Null(await AppendAsync($"ok{i}"));
        }

        // Full: appends are refused with UNAVAILABLE (never anything else) and health says NOT_SERVING.
        Fill(filler);
        var refused = 0;
        for (var i = 0; i < 60 && refused < 3; i++)
        {
            var code = await AppendAsync($"full{i}");
            Assert.True(code is null or StatusCode.Unavailable, $"append answered {code}");
            refused += code is null ? 0 : 1;
        }

        Assert.True(refused == 3, $"appends kept succeeding on a full disk:\n{storage.Output}");
        Assert.Equal(ServingStatus.NotServing, await storage.HealthAsync());

        // Space returns: appends succeed again, and health follows.
        File.Delete(filler);
        Assert.Null(await AppendAsync("space-again"));
        Assert.Equal(ServingStatus.Serving, await storage.HealthAsync());

        // Full again, then SIGTERM: a clean exit (no SIGABRT, no unhandled exception), the exit code
        // saying whether the file could be closed cleanly, one line about it.
        Fill(filler);
        for (var i = 0; i < 60 && await AppendAsync($"again{i}") is null; i++)
        {
        }

        var exit = await storage.StopAsync(TimeSpan.FromSeconds(60));
        var output = storage.Output;
        Assert.DoesNotContain("Unhandled exception", output, StringComparison.Ordinal);
        Assert.True(exit is 0 or ServiceMainExit.Failure, $"exit {exit}:\n{output}");
        if (exit != 0)
        {
            var line = Assert.Single(ErrorLines(output));
            Assert.StartsWith("timeline-storage: stopped, but not cleanly: ", line, StringComparison.Ordinal);
        }

        // Space back, the next start recovers everything acknowledged, once.
        File.Delete(filler);
        await storage.StartAsync(StartTimeout);
        var stored = await Events.ReadAllAsync(storage.Client);
        var lost = acknowledged.Count(a => !stored.ContainsKey($"{a}-0"));
        Figures.Report($"full disk (tmpfs 6 MiB): acknowledged={acknowledged.Count} refused while full={refused} exit after SIGTERM while full={exit} lost={lost}");
        Assert.Equal(0, lost);
        Assert.Equal(acknowledged.Count * 20, stored.Count);
        Assert.Equal(0, await storage.StopAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task The_database_its_side_files_and_a_new_directory_are_the_owners_only_and_existing_modes_are_kept()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Skip("Unix file modes");
            return;
        }

        var fresh = Path.Combine(directory, "new", "data");
        await using (var database = await StorageDatabase.CreateAsync(StorageBackend.Sqlite, fresh))
        {
            await using var storage = new StorageProcess(database);
            await storage.StartAsync(StartTimeout);
            await storage.Client.AppendEventsAsync(Events.Batch("modes", 3, "modes"), deadline: Deadline(), cancellationToken: TestContext.Current.CancellationToken);
            var owner = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            Assert.Equal(owner | UnixFileMode.UserExecute, File.GetUnixFileMode(fresh));
            foreach (var file in new[] { "", "-wal", "-shm", ".lock" })
            {
                Assert.True(File.Exists(database.SqlitePath + file), $"{database.SqlitePath + file} is missing");
                Assert.Equal(owner, File.GetUnixFileMode(database.SqlitePath + file));
            }
        }

        // A directory and a file that exist keep the modes they have (the owner chose them).
        var existing = Path.Combine(directory, "existing");
        Directory.CreateDirectory(existing);
        var open = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        File.SetUnixFileMode(existing, open | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        await using (var database = await StorageDatabase.CreateAsync(StorageBackend.Sqlite, existing))
        {
            File.WriteAllBytes(database.SqlitePath, []);
            File.SetUnixFileMode(database.SqlitePath, open);
            await using var storage = new StorageProcess(database);
            await storage.StartAsync(StartTimeout);
            await storage.Client.AppendEventsAsync(Events.Batch("kept", 3, "modes"), deadline: Deadline(), cancellationToken: TestContext.Current.CancellationToken);
            Assert.Equal(open, File.GetUnixFileMode(database.SqlitePath));
            Assert.Equal(open | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute, File.GetUnixFileMode(existing));
        }
    }

    public void Dispose()
    {
        foreach (var mount in mounts)
        {
            Run("umount", ["-l", mount]);
        }

        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static DateTime Deadline() => DateTime.UtcNow.AddSeconds(30);

    /// <summary>A batch of 20 events with 2 KB summaries: a few fill a few MiB quickly.</summary>
    private static AppendEventsRequest Big(string name)
    {
        var request = Events.Batch(name, 20, "disk");
        foreach (var e in request.Events)
        {
            e.Summary = new string('x', 2000) + name;
        }

        return request;
    }

    /// <summary>Lines the service wrote about itself on stderr (its one-line refusals), not its log.</summary>
    private static List<string> ErrorLines(string output) =>
        [.. output.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.StartsWith("timeline-storage:", StringComparison.Ordinal))];

    /// <summary>Every list page and a subscription from the start; the number of INTERNAL answers.</summary>
    private static async Task<int> ReadEverythingAsync(EventStoreService.EventStoreServiceClient client)
    {
        var internalErrors = 0;
        foreach (var request in new[] { new ListEventsRequest { PageSize = 1000 }, new ListEventsRequest { PageSize = 1000, KnownAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTime(DateTime.UtcNow) } })
        {
            try
            {
                var token = "";
                do
                {
                    request.PageToken = token;
                    token = (await client.ListEventsAsync(request, deadline: Deadline(), cancellationToken: TestContext.Current.CancellationToken)).NextPageToken;
                }
                while (token.Length > 0);
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Internal)
            {
                internalErrors++;
            }
        }

        try
        {
            using var call = client.SubscribeEvents(new SubscribeEventsRequest(), deadline: Deadline(), cancellationToken: TestContext.Current.CancellationToken);
            while (await call.ResponseStream.MoveNext(TestContext.Current.CancellationToken) && call.ResponseStream.Current.MessageCase != SubscribeEventsResponse.MessageOneofCase.CaughtUp)
            {
            }
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Internal)
        {
            internalErrors++;
        }

        return internalErrors;
    }

    private async Task<StorageDatabase> CopyAsync(StorageDatabase original, string name)
    {
        var target = Path.Combine(directory, name);
        Directory.CreateDirectory(target);
        var copy = await StorageDatabase.CreateAsync(StorageBackend.Sqlite, target);
        File.Copy(original.SqlitePath, copy.SqlitePath);
        return copy;
    }

    /// <summary>Fills the tmpfs until the kernel says it is full.</summary>
    private static void Fill(string path)
    {
        var chunk = new byte[64 * 1024];
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1);
        try
        {
            while (true)
            {
                file.Write(chunk);
                file.Flush();
            }
        }
        catch (IOException)
        {
            // ENOSPC: full.
        }
    }

    private void MountTmpfs(string path, string size)
    {
        Assert.SkipUnless(Environment.UserName == "root", "mounting a small tmpfs for the full-disk test needs root");
        Directory.CreateDirectory(path);
        Assert.True(Run("mount", ["-t", "tmpfs", "-o", $"size={size},mode=0700", "tmpfs", path]) == 0, $"mount -t tmpfs on {path} failed");
        mounts.Add(path);
    }

    private static int Run(string tool, string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(tool, args) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        process.WaitForExit(30_000);
        return process.ExitCode;
    }

    /// <summary>ServiceMain's exit codes, as the process reports them.</summary>
    private static class ServiceMainExit
    {
        public const int Failure = 1;
    }
}
