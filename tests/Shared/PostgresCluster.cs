using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Timeline.Tests.Shared;

/// <summary>
/// A throwaway PostgreSQL cluster for tests, from the server binaries on this machine (Debian:
/// <c>/usr/lib/postgresql/&lt;version&gt;/bin</c>, or the directory <c>TIMELINE_POSTGRES_BIN</c> names):
/// <c>initdb</c> in a temp directory owned by the <c>postgres</c> user (initdb and postgres refuse
/// to run as root), the server on a free loopback port with durable settings (<c>fsync</c> and
/// <c>synchronous_commit</c> on: durability is what the tests check), a fresh database per test.
/// One cluster per test process is shared (<see cref="SharedAsync"/>); a test that stops, kills or
/// restarts a server starts one of its own (<see cref="StartNewAsync"/>). Every cluster is stopped
/// when the test process exits, and a watchdog process, once the test process has ended (also by a
/// crash or SIGKILL), stops what is still running and deletes the directory, so no postmaster and
/// no data outlive the tests.
/// Without the binaries a test skips (<see cref="InstallHint"/>), unless <c>TIMELINE_REQUIRE_POSTGRES=1</c>
/// (CI), where that is a failure.
/// </summary>
public sealed class PostgresCluster : IAsyncDisposable
{
    public const string InstallHint = "install postgresql (Debian: apt-get install postgresql) to run the PostgreSQL tests";

    /// <summary>Set to 1 (as CI does) to fail instead of skipping when no server is installed.</summary>
    public const string RequireVariable = "TIMELINE_REQUIRE_POSTGRES";

    /// <summary>A directory of server binaries to use instead of searching; one without them hides PostgreSQL (to try the skips).</summary>
    public const string BinariesVariable = "TIMELINE_POSTGRES_BIN";

    private static readonly Lock Gate = new();
    private static readonly List<PostgresCluster> Running = [];
    private static readonly HashSet<string> TestsOnPostgres = [];
    private static Task<PostgresCluster>? shared;
    private static int databases;

    private readonly string binaries;
    private readonly bool asPostgresUser;

    static PostgresCluster() => AppDomain.CurrentDomain.ProcessExit += (_, _) =>
    {
        StopAll();
        ReportTestsOnPostgres();
    };

    private PostgresCluster(string binaries, string directory, int port)
    {
        this.binaries = binaries;
        Directory = directory;
        Port = port;
        asPostgresUser = Environment.UserName == "root";
    }

    /// <summary>The cluster's own directory: <c>data/</c> (PGDATA), <c>server.log</c>, the socket.</summary>
    public string Directory { get; }

    public string DataDirectory => Path.Combine(Directory, "data");

    public int Port { get; }

    /// <summary>The server's log, for a test's failure message.</summary>
    public string Log => File.Exists(Path.Combine(Directory, "server.log")) ? File.ReadAllText(Path.Combine(Directory, "server.log")) : "";

    /// <summary>The postmaster's process id while it runs (from <c>postmaster.pid</c>).</summary>
    public int? ProcessId
    {
        get
        {
            var file = Path.Combine(DataDirectory, "postmaster.pid");
            return File.Exists(file) && int.TryParse(File.ReadLines(file).FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;
        }
    }

    /// <summary>The newest server binaries on this machine, or null when there are none.</summary>
    public static string? FindBinaries()
    {
        static bool Has(string directory) => File.Exists(Path.Combine(directory, "postgres")) && File.Exists(Path.Combine(directory, "initdb")) && File.Exists(Path.Combine(directory, "pg_ctl"));
        if (Environment.GetEnvironmentVariable(BinariesVariable) is { Length: > 0 } configured)
        {
            return Has(configured) ? configured : null;
        }

        const string Debian = "/usr/lib/postgresql";
        return System.IO.Directory.Exists(Debian)
            ? System.IO.Directory.GetDirectories(Debian)
                .Select(v => Path.Combine(v, "bin"))
                .Where(Has)
                .OrderByDescending(b => int.TryParse(Path.GetFileName(Path.GetDirectoryName(b)), NumberStyles.None, CultureInfo.InvariantCulture, out var major) ? major : 0)
                .FirstOrDefault()
            : null;
    }

    /// <summary>The binaries, or skips the test (fails it when <c>TIMELINE_REQUIRE_POSTGRES=1</c>).</summary>
    public static string RequireBinaries()
    {
        if (FindBinaries() is { } found)
        {
            return found;
        }

        if (Environment.GetEnvironmentVariable(RequireVariable) == "1")
        {
            throw new InvalidOperationException($"{RequireVariable}=1, but no PostgreSQL server binaries were found: {InstallHint}");
        }

        Assert.Skip(InstallHint);
        return null!;
    }

    /// <summary>The test process's shared cluster, started on first use.</summary>
    public static Task<PostgresCluster> SharedAsync()
    {
        var binaries = RequireBinaries();
        lock (Gate)
        {
            // Started once: when it cannot start, every PostgreSQL test of the process fails with the same reason.
            return shared ??= StartNewAsync(binaries);
        }
    }

    /// <summary>A cluster of the test's own (to stop, kill or restart), running.</summary>
    public static Task<PostgresCluster> StartNewAsync() => StartNewAsync(RequireBinaries());

    /// <summary>
    /// A server that another program initializes, starts and stops (Patroni, see <see cref="PatroniCluster"/>)
    /// in <paramref name="directory"/><c>/data</c> on <paramref name="port"/>: this object runs SQL on it,
    /// reads its pid and kills it; its owner stops it and deletes the directory.
    /// </summary>
    internal static PostgresCluster Managed(string binaries, string directory, int port)
    {
        NoteTest();
        return new PostgresCluster(binaries, directory, port);
    }

    private static Task<PostgresCluster> StartNewAsync(string binaries) =>
        CreateAsync(binaries, cluster =>
            // Skipping initdb's own fsyncs only spares its files a flush the page cache keeps anyway;
            // the server itself runs with fsync on.
            cluster.RunToolAsync("initdb", ["-D", cluster.DataDirectory, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"], TimeSpan.FromSeconds(120)));

    /// <summary>
    /// A streaming-replication standby of this (running) server: <c>pg_basebackup -R</c> into a
    /// cluster directory of its own, started on a port of its own, and returned once this server
    /// reports it streaming. With <paramref name="synchronous"/> this server then waits for the
    /// standby to flush each commit before acknowledging it (<c>synchronous_standby_names = '*'</c>,
    /// set here after the copy, so the standby, once promoted, does not wait for a standby of its own).
    /// </summary>
    public async Task<PostgresCluster> StartStandbyAsync(bool synchronous = true)
    {
        var standby = await CreateAsync(binaries, cluster =>
            cluster.RunToolAsync(
                "pg_basebackup",
                ["-h", "127.0.0.1", "-p", Port.ToString(CultureInfo.InvariantCulture), "-U", "postgres", "-D", cluster.DataDirectory, "-X", "stream", "-R", "--checkpoint=fast", "--no-sync"],
                TimeSpan.FromSeconds(120)));
        if (synchronous)
        {
            await ExecuteAsync("ALTER SYSTEM SET synchronous_standby_names = '*'");
            await ExecuteAsync("SELECT pg_reload_conf()");
        }

        var expected = synchronous ? "sync" : "async";
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (await ExecuteAsync("SELECT string_agg(state || ':' || sync_state, ',') FROM pg_stat_replication") != $"streaming:{expected}")
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"the standby on port {standby.Port} is not streaming ({expected}) after 60 s\nstandby server.log:\n{standby.Log}");
            }

            await Task.Delay(100);
        }

        return standby;
    }

    /// <summary>Promotes a standby to a primary (<c>pg_ctl promote</c>) and returns once it accepts writes.</summary>
    public async Task PromoteAsync()
    {
        await RunToolAsync("pg_ctl", ["promote", "-D", DataDirectory, "-w", "-t", "60"], TimeSpan.FromSeconds(90));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (await ExecuteAsync("SELECT pg_is_in_recovery()") != "f")
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"the promoted standby is still in recovery after 60 s\nserver.log:\n{Log}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>A cluster directory owned by the server's user, watched, filled by <paramref name="initialize"/>, then started.</summary>
    private static async Task<PostgresCluster> CreateAsync(string binaries, Func<PostgresCluster, Task> initialize)
    {
        NoteTest();
        var directory = Path.Combine(Path.GetTempPath(), "timeline-pg-" + Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(directory);
        var cluster = new PostgresCluster(binaries, directory, FreePort());
        lock (Gate)
        {
            Running.Add(cluster);
        }

        try
        {
            if (cluster.asPostgresUser)
            {
                await RunAsync("chown", ["postgres:postgres", directory], asPostgres: false, TimeSpan.FromSeconds(30));
            }

            cluster.StartWatchdog();
            await initialize(cluster);
            await cluster.StartAsync();
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts the server (again, on the same port and data) and waits until it accepts connections.</summary>
    public async Task StartAsync()
    {
        string[] settings =
        [
            "-c", "listen_addresses=127.0.0.1", "-c", $"port={Port}", "-c", $"unix_socket_directories={Directory}",
            "-c", "fsync=on", "-c", "synchronous_commit=on", "-c", "full_page_writes=on",
            "-c", "max_connections=400", "-c", "shared_buffers=64MB", "-c", "max_wal_size=256MB",
            "-c", "log_min_messages=warning", "-c", "log_line_prefix=%m:%p:",
        ];
        try
        {
            await RunToolAsync("pg_ctl", ["start", "-D", DataDirectory, "-l", Path.Combine(Directory, "server.log"), "-w", "-t", "120", "-o", string.Join(' ', settings)], TimeSpan.FromSeconds(150));
        }
        catch (InvalidOperationException ex)
        {
            throw new InvalidOperationException($"{ex.Message}\nserver.log:\n{Log}", ex);
        }
    }

    /// <summary>Stops the server: <c>fast</c> (clean: sessions ended, checkpoint) or <c>immediate</c> (like a crash: no checkpoint, recovery at the next start).</summary>
    public Task StopAsync(string mode = "fast") =>
        RunToolAsync("pg_ctl", ["stop", "-D", DataDirectory, "-m", mode, "-w", "-t", "60"], TimeSpan.FromSeconds(90));

    /// <summary>A signal to the postmaster and every process of the server: STOP pauses the server (a stalled host), CONT resumes it.</summary>
    public async Task SignalAsync(string signal)
    {
        if (ProcessId is not { } pid)
        {
            return;
        }

        using var kill = Process.Start("kill", [$"-{signal}", .. new[] { pid }.Concat(ChildrenOf(pid)).Select(p => p.ToString(CultureInfo.InvariantCulture))])!;
        await kill.WaitForExitAsync();
    }

    /// <summary>SIGKILL to the postmaster and every process of the server, as a power cut for the process would.</summary>
    public async Task KillAsync()
    {
        if (ProcessId is not { } pid)
        {
            return;
        }

        var processes = new[] { pid }.Concat(ChildrenOf(pid)).ToList();
        foreach (var id in processes)
        {
            try
            {
                using var process = Process.GetProcessById(id);
                process.Kill();
            }
            catch (ArgumentException)
            {
                // Already gone.
            }
        }

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (processes.Any(IsAlive) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }
    }

    /// <summary>Stops the server (fast) and starts it again on the same port and data.</summary>
    public async Task RestartAsync()
    {
        await StopAsync();
        await StartAsync();
    }

    /// <summary>Creates a fresh, empty database and returns an Npgsql connection string for it.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        NoteTest();
        var name = $"t{Environment.ProcessId}_{Interlocked.Increment(ref databases)}_{Guid.NewGuid().ToString("N")[..6]}";
        await ExecuteAsync($"CREATE DATABASE {name}");
        return ConnectionString(name);
    }

    /// <summary>Drops a database made by <see cref="CreateDatabaseAsync"/>, ending its sessions; best effort.</summary>
    public async Task DropDatabaseAsync(string connectionString)
    {
        var database = connectionString.Split(';').Select(p => p.Split('=', 2)).FirstOrDefault(p => p[0] == "Database")?[1];
        if (database is not null)
        {
            try
            {
                await ExecuteAsync($"DROP DATABASE IF EXISTS {database} WITH (FORCE)");
            }
            catch (InvalidOperationException)
            {
                // The server is stopped or gone; the cluster is deleted at exit anyway.
            }
        }
    }

    public string ConnectionString(string database) => $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Timeout=5;Command Timeout=30";

    /// <summary>Runs SQL with psql and returns what it printed (unaligned, tuples only).</summary>
    public async Task<string> ExecuteAsync(string sql, string database = "postgres") =>
        (await RunAsync(Path.Combine(binaries, "psql"), ["-h", "127.0.0.1", "-p", Port.ToString(CultureInfo.InvariantCulture), "-U", "postgres", "-d", database, "-v", "ON_ERROR_STOP=1", "-Atc", sql], asPostgres: false, TimeSpan.FromSeconds(60))).Trim();

    public async ValueTask DisposeAsync()
    {
        lock (Gate)
        {
            Running.Remove(this);
        }

        await Task.Run(() => Stop(deleteDirectory: true));
    }

    /// <summary>Counts the test as one that ran on PostgreSQL (for CI's figures: proof that they ran, not skipped).</summary>
    private static void NoteTest()
    {
        if (TestContext.Current.Test?.UniqueID is { } id)
        {
            lock (Gate)
            {
                TestsOnPostgres.Add(id);
            }
        }
    }

    /// <summary>At exit, with <c>TIMELINE_TEST_FIGURES</c> set (CI): how many of this project's tests ran on PostgreSQL, on which server.</summary>
    private static void ReportTestsOnPostgres()
    {
        int count;
        lock (Gate)
        {
            count = TestsOnPostgres.Count;
        }

        if (count > 0 && Environment.GetEnvironmentVariable("TIMELINE_TEST_FIGURES") is { Length: > 0 } path)
        {
            File.AppendAllText(path, $"{System.Reflection.Assembly.GetEntryAssembly()?.GetName().Name}: {count} tests ran on PostgreSQL ({FindBinaries()}){Environment.NewLine}");
        }
    }

    private static void StopAll()
    {
        List<PostgresCluster> all;
        lock (Gate)
        {
            all = [.. Running];
            Running.Clear();
        }

        // At exit only the servers are stopped (quick); deleting their directories (a database per
        // test: tens of thousands of files) is left to the watchdogs, which run once this process
        // has ended, so the exit is not held up (the test runner gives up on an exit that takes 10 s).
        foreach (var cluster in all)
        {
            cluster.Stop(deleteDirectory: false);
        }
    }

    /// <summary>Immediate stop (nothing to keep), and the directory removed if asked.</summary>
    private void Stop(bool deleteDirectory)
    {
        if (ProcessId is not null)
        {
            try
            {
                RunToolAsync("pg_ctl", ["stop", "-D", DataDirectory, "-m", "immediate", "-w", "-t", "30"], TimeSpan.FromSeconds(45)).GetAwaiter().GetResult();
            }
            catch (InvalidOperationException)
            {
                KillAsync().GetAwaiter().GetResult();
            }
        }

        if (!deleteDirectory)
        {
            return;
        }

        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // The watchdog deletes it.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>
    /// A shell, detached from this process's output, that waits for this process to end and then
    /// stops the server (SIGQUIT, then SIGKILL) and deletes the directory: it also runs after a crash.
    /// </summary>
    private void StartWatchdog()
    {
        var pidFile = Path.Combine(DataDirectory, "postmaster.pid");
        var script = $$"""
            exec </dev/null >/dev/null 2>&1
            while kill -0 {{Environment.ProcessId}}; do sleep 1; done
            pid=$(head -n 1 '{{pidFile}}' 2>/dev/null)
            if [ -n "$pid" ]; then kill -QUIT "$pid"; sleep 3; kill -KILL "$pid"; fi
            rm -rf '{{Directory}}'
            """;
        var info = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(script);
        using var watchdog = Process.Start(info);
    }

    private Task<string> RunToolAsync(string tool, IReadOnlyList<string> args, TimeSpan timeout) =>
        RunAsync(Path.Combine(binaries, tool), args, asPostgresUser, timeout);

    /// <summary>Runs a program to its end (as the <c>postgres</c> user when <paramref name="asPostgres"/>) and returns its output; fails on a non-zero exit or after <paramref name="timeout"/>.</summary>
    internal static async Task<string> RunAsync(string file, IReadOnlyList<string> args, bool asPostgres, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        if (asPostgres)
        {
            info.UserName = "postgres";
        }

        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {file}");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{Path.GetFileName(file)} {string.Join(' ', args)} did not finish within {timeout}");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(file)} {string.Join(' ', args)} exited {process.ExitCode}: {await error}{await output}");
        }

        return await output;
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static IEnumerable<int> ChildrenOf(int parent)
    {
        foreach (var dir in System.IO.Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(dir, "stat"));
            }
            catch (IOException)
            {
                continue;
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }

            // "pid (comm) state ppid ...": comm may hold spaces, so read after its closing parenthesis.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            if (fields.Length > 1 && int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var ppid) && ppid == parent)
            {
                yield return pid;
            }
        }
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            return !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
    }
}
