using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

namespace Timeline.Tests.Shared;

/// <summary>
/// PostgreSQL under an HA manager, as a deployment runs it: one etcd (Debian <c>etcd-server</c>,
/// 3.4) and a Patroni (Debian <c>patroni</c>, 3.0, its <c>etcd3:</c> client) per PostgreSQL node,
/// with <c>synchronous_mode</c> on (an acknowledged commit is flushed on the synchronous standby
/// too, and Patroni promotes only that standby), <c>use_pg_rewind</c> (a former primary rejoins as
/// a standby) and short timings (<c>ttl</c> 10 s, <c>loop_wait</c> 1 s, <c>retry_timeout</c> 4 s:
/// <c>loop_wait + 2 × retry_timeout ≤ ttl</c>, as Patroni requires). Everything runs as the
/// <c>postgres</c> user in a temp directory it owns; the tests kill, cut off and restart nodes.
/// <para>
/// Every link between the machines the test stands for goes through a <see cref="TcpProxy"/> the test
/// can cut: each Patroni reaches etcd through a link of its own (<see cref="PatroniNode.EtcdLink"/>,
/// with <c>use_proxies</c> so that Patroni does not learn etcd's own address from its member list and go around it),
/// and the other nodes reach a node's PostgreSQL (replication) and Patroni REST API (leader race)
/// through its <see cref="PatroniNode.PostgresLink"/> and <see cref="PatroniNode.ApiLink"/>, the
/// addresses it advertises. A storage instance on a node's machine uses its PostgreSQL port
/// directly (<see cref="PatroniNode.Port"/>). With two nodes, <see cref="Isolate"/> cuts one node's
/// links (its etcd, and both directions between the nodes) while it keeps running.
/// </para>
/// Skipped like <see cref="PostgresCluster"/> when etcd or Patroni is not installed (a failure with
/// <c>TIMELINE_REQUIRE_POSTGRES=1</c>). Disposing kills every process and deletes the directory; a
/// watchdog does the same once the test process has ended, however it ended.
/// </summary>
public sealed class PatroniCluster : IAsyncDisposable
{
    public const string InstallHint = "install etcd and Patroni (Debian: apt-get install etcd-server patroni) to run the Patroni failover tests";

    /// <summary>Patroni's leader key lifetime, loop and DCS retry (seconds), as in docs/SCALING.md "three machines".</summary>
    public const int Ttl = 10, LoopWait = 1, RetryTimeout = 4;

    private const string Etcd = "/usr/bin/etcd";

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(3) };

    private readonly string binaries;
    private readonly List<TcpProxy> links = [];
    private Process? etcd;

    private PatroniCluster(string binaries, string directory)
    {
        this.binaries = binaries;
        Directory = directory;
    }

    /// <summary>The cluster's directory: <c>etcd/</c>, and per node <c>nodeN/</c> with <c>data/</c>, <c>patroni.yml</c> and <c>server.log</c> (Patroni's and PostgreSQL's output).</summary>
    public string Directory { get; }

    public IReadOnlyList<PatroniNode> Nodes { get; private set; } = [];

    /// <summary>The etcd client port (behind the nodes' links).</summary>
    public int EtcdPort { get; private set; }

    /// <summary>
    /// For a failure message: the end of etcd's, Patroni's and PostgreSQL's output, all of it kept in
    /// a file outside the cluster's directory (which is deleted), named here.
    /// </summary>
    public string Logs
    {
        get
        {
            var logs = Nodes.Select(n => (n.Name + " (Patroni and PostgreSQL)", n.Server.Log)).Append(("etcd", ReadOrEmpty(Path.Combine(Directory, "etcd.log")))).ToList();
            var kept = Path.Combine(Path.GetTempPath(), "timeline-tests", Path.GetFileName(Directory) + ".log");
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(kept)!);
            File.WriteAllText(kept, string.Join('\n', logs.Select(l => $"--- {l.Item1}\n{l.Item2}")));
            return $"(all of it in {kept})\n" + string.Join('\n', logs.Select(l => $"--- {l.Item1}\n{Tail(l.Item2)}"));
        }
    }

    /// <summary>The binaries, or skips the test (fails it when <c>TIMELINE_REQUIRE_POSTGRES=1</c>).</summary>
    public static string RequireBinaries()
    {
        var binaries = PostgresCluster.RequireBinaries();
        if (File.Exists(Etcd) && FindPatroni() is not null)
        {
            return binaries;
        }

        if (Environment.GetEnvironmentVariable(PostgresCluster.RequireVariable) == "1")
        {
            throw new InvalidOperationException($"{PostgresCluster.RequireVariable}=1, but {Etcd} or patroni is missing: {InstallHint}");
        }

        Assert.Skip(InstallHint);
        return null!;
    }

    /// <summary>Starts etcd and <paramref name="nodes"/> Patroni nodes; returns once the first is the primary and every other one its streaming standby.</summary>
    public static async Task<PatroniCluster> StartAsync(int nodes = 2)
    {
        var binaries = RequireBinaries();
        var directory = Path.Combine(Path.GetTempPath(), "timeline-patroni-" + Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(directory);
        var cluster = new PatroniCluster(binaries, directory);
        try
        {
            await cluster.StartNodesAsync(nodes);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>The node Patroni made the primary (it holds the leader key and its PostgreSQL takes writes), other than <paramref name="not"/>; waits up to <paramref name="within"/>.</summary>
    public async Task<PatroniNode> WaitForPrimaryAsync(TimeSpan within, PatroniNode? not = null)
    {
        PatroniNode? primary = null;
        await WaitAsync(
            async () =>
            {
                foreach (var node in Nodes.Where(n => n != not && n.IsRunning))
                {
                    if (await node.IsPrimaryAsync())
                    {
                        primary = node;
                        return true;
                    }
                }

                return false;
            },
            within,
            not is null ? "a primary" : $"a primary other than {not.Name}");
        return primary!;
    }

    /// <summary>Waits until <paramref name="standby"/> streams from <paramref name="primary"/> as its synchronous standby.</summary>
    public Task WaitForSyncStandbyAsync(PatroniNode primary, PatroniNode standby, TimeSpan within) => WaitAsync(
        async () =>
        {
            try
            {
                return await primary.Server.ExecuteAsync($"SELECT count(*) FROM pg_stat_replication WHERE application_name = '{standby.Name}' AND state = 'streaming' AND sync_state = 'sync'") == "1"
                    && await standby.Server.ExecuteAsync("SELECT pg_is_in_recovery()") == "t";
            }
            catch (InvalidOperationException)
            {
                return false;
            }
        },
        within,
        $"{standby.Name} streaming from {primary.Name} as its synchronous standby");

    /// <summary>Cuts <paramref name="node"/> off from etcd and from the other nodes (both directions), leaving it and its PostgreSQL running.</summary>
    public void Isolate(PatroniNode node)
    {
        node.EtcdLink.Cut();
        foreach (var other in Nodes)
        {
            other.PostgresLink.Cut();
            other.ApiLink.Cut();
        }
    }

    /// <summary>Heals every cut link.</summary>
    public void HealAll()
    {
        foreach (var link in links)
        {
            link.Heal();
        }
    }

    /// <summary>Polls <paramref name="condition"/> every 100 ms; fails with the cluster's logs after <paramref name="within"/>.</summary>
    public async Task WaitAsync(Func<Task<bool>> condition, TimeSpan within, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > within)
            {
                throw new InvalidOperationException($"no {what} after {within.TotalSeconds:0} s\n{Logs}");
            }

            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes)
        {
            node.KillPatroni();
        }

        foreach (var node in Nodes)
        {
            await node.Server.DisposeAsync();
        }

        Stop(etcd);
        foreach (var link in links)
        {
            await link.DisposeAsync();
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

    internal static void Stop(Process? process)
    {
        if (process is null)
        {
            return;
        }

        try
        {
            process.Kill();
            process.WaitForExit(10_000);
        }
        catch (InvalidOperationException)
        {
            // Not running.
        }
    }

    /// <summary>A program started as the <c>postgres</c> user (when this process is root) with its output appended to <paramref name="log"/> and its pid written to <paramref name="pidFile"/>.</summary>
    internal static Process Launch(string log, string pidFile, string program, params string[] args)
    {
        var command = $"echo $$ > '{pidFile}'; exec {program} {string.Join(' ', args.Select(a => $"'{a}'"))} >> '{log}' 2>&1 < /dev/null";
        var info = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, WorkingDirectory = Path.GetTempPath() };
        if (Environment.UserName == "root")
        {
            info.UserName = "postgres";
        }

        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(command);
        return Process.Start(info) ?? throw new InvalidOperationException($"cannot start {program}");
    }

    internal static async Task<JsonElement?> GetJsonAsync(int port, string path)
    {
        try
        {
            using var response = await Http.GetAsync(new Uri($"http://127.0.0.1:{port}{path}"));
            return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonElement>() : null;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException)
        {
            return null;
        }
    }

    private static string? FindPatroni() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin").Split(':').Select(d => Path.Combine(d, "patroni")).FirstOrDefault(File.Exists);

    private static string ReadOrEmpty(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadAllText(path) : "";
        }
        catch (IOException)
        {
            return "";
        }
    }

    private static string Tail(string log) => log.Length > 6_000 ? log[^6_000..] : log;

    private async Task StartNodesAsync(int count)
    {
        var asRoot = Environment.UserName == "root";
        if (asRoot)
        {
            await PostgresCluster.RunAsync("chown", ["postgres:postgres", Directory], asPostgres: false, TimeSpan.FromSeconds(30));
        }

        StartWatchdog();
        EtcdPort = PostgresCluster.FreePort();
        var peerPort = PostgresCluster.FreePort();
        var etcdUrl = $"http://127.0.0.1:{EtcdPort}";
        etcd = Launch(
            Path.Combine(Directory, "etcd.log"),
            Path.Combine(Directory, "etcd.pid"),
            Etcd,
            "--name", "etcd1", "--data-dir", Path.Combine(Directory, "etcd"),
            "--listen-client-urls", etcdUrl, "--advertise-client-urls", etcdUrl,
            "--listen-peer-urls", $"http://127.0.0.1:{peerPort}", "--initial-advertise-peer-urls", $"http://127.0.0.1:{peerPort}",
            "--initial-cluster", $"etcd1=http://127.0.0.1:{peerPort}", "--initial-cluster-state", "new", "--initial-cluster-token", Path.GetFileName(Directory));
        await WaitAsync(
            async () => await GetJsonAsync(EtcdPort, "/health") is { } health && health.GetProperty("health").GetString() == "true",
            TimeSpan.FromSeconds(60),
            "healthy etcd");

        var nodes = new List<PatroniNode>();
        for (var i = 1; i <= count; i++)
        {
            var directory = Path.Combine(Directory, $"node{i}");
            System.IO.Directory.CreateDirectory(directory);
            var port = PostgresCluster.FreePort();
            var apiPort = PostgresCluster.FreePort();
            TcpProxy etcdLink = new(EtcdPort), postgresLink = new(port), apiLink = new(apiPort);
            links.AddRange([etcdLink, postgresLink, apiLink]);
            var node = new PatroniNode($"node{i}", PostgresCluster.Managed(binaries, directory, port), apiPort, etcdLink, postgresLink, apiLink);
            await File.WriteAllTextAsync(node.ConfigFile, Configuration(node));
            nodes.Add(node);
        }

        if (asRoot)
        {
            await PostgresCluster.RunAsync("chown", ["-R", "postgres:postgres", Directory], asPostgres: false, TimeSpan.FromSeconds(30));
        }

        Nodes = nodes;

        // The first node initializes the cluster; the others copy it (pg_basebackup) and follow.
        nodes[0].StartPatroni();
        await WaitForPrimaryAsync(TimeSpan.FromSeconds(90));
        foreach (var node in nodes.Skip(1))
        {
            node.StartPatroni();
        }

        foreach (var node in nodes.Skip(1))
        {
            await WaitForSyncStandbyAsync(nodes[0], node, TimeSpan.FromSeconds(90));
        }
    }

    /// <summary>
    /// The node's patroni.yml: the recipe of docs/SCALING.md "three machines" with loopback
    /// addresses, the advertised ones (<c>connect_address</c>) being the node's links.
    /// </summary>
    private string Configuration(PatroniNode node) => $"""
        scope: timeline
        namespace: /service/
        name: {node.Name}
        log:
          level: INFO
        restapi:
          listen: 127.0.0.1:{node.ApiPort}
          connect_address: 127.0.0.1:{node.ApiLink.Port}
        etcd3:
          hosts: 127.0.0.1:{node.EtcdLink.Port}
          use_proxies: true
        bootstrap:
          dcs:
            ttl: {Ttl}
            loop_wait: {LoopWait}
            retry_timeout: {RetryTimeout}
            maximum_lag_on_failover: 1048576
            synchronous_mode: true
            postgresql:
              use_pg_rewind: true
              use_slots: true
              parameters:
                wal_log_hints: 'on'
                synchronous_commit: 'on'
                fsync: 'on'
                full_page_writes: 'on'
                max_connections: 400
                max_wal_senders: 10
                max_replication_slots: 10
                wal_keep_size: 256MB
          initdb:
          - encoding: UTF8
          - locale: C
          - auth: trust
        postgresql:
          listen: 127.0.0.1:{node.Port}
          connect_address: 127.0.0.1:{node.PostgresLink.Port}
          data_dir: {node.Server.DataDirectory}
          bin_dir: {binaries}
          pgpass: {Path.Combine(node.Server.Directory, "pgpass")}
          authentication:
            superuser:
              username: postgres
            replication:
              username: postgres
            rewind:
              username: postgres
          pg_hba:
          - local all all trust
          - host all all 127.0.0.1/32 trust
          - host replication all 127.0.0.1/32 trust
          parameters:
            unix_socket_directories: '{node.Server.Directory}'
            shared_buffers: 64MB
            max_wal_size: 256MB
            log_min_messages: warning
            log_line_prefix: '%m:%p: '
        """;

    /// <summary>
    /// A shell, detached from this process's output, that waits for this process to end and then
    /// kills what is still running (Patroni first, so it restarts nothing) and deletes the directory.
    /// </summary>
    private void StartWatchdog()
    {
        var script = $$"""
            exec </dev/null >/dev/null 2>&1
            while kill -0 {{Environment.ProcessId}}; do sleep 1; done
            for f in '{{Directory}}'/node*/patroni.pid; do kill -KILL $(cat "$f"); done
            for f in '{{Directory}}'/node*/data/postmaster.pid; do kill -KILL $(head -n 1 "$f"); done
            kill -KILL $(cat '{{Directory}}/etcd.pid')
            sleep 1
            rm -rf '{{Directory}}'
            """;
        var info = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(script);
        using var watchdog = Process.Start(info);
    }
}

/// <summary>One PostgreSQL node and its Patroni (see <see cref="PatroniCluster"/>).</summary>
public sealed class PatroniNode
{
    private Process? patroni;

    internal PatroniNode(string name, PostgresCluster server, int apiPort, TcpProxy etcdLink, TcpProxy postgresLink, TcpProxy apiLink)
    {
        Name = name;
        Server = server;
        ApiPort = apiPort;
        EtcdLink = etcdLink;
        PostgresLink = postgresLink;
        ApiLink = apiLink;
    }

    public string Name { get; }

    /// <summary>The node's PostgreSQL, for SQL and its pid (Patroni starts and stops it).</summary>
    public PostgresCluster Server { get; }

    /// <summary>The PostgreSQL port on the node's own machine.</summary>
    public int Port => Server.Port;

    /// <summary>Patroni's REST API on the node's own machine.</summary>
    public int ApiPort { get; }

    /// <summary>This node's Patroni to etcd.</summary>
    public TcpProxy EtcdLink { get; }

    /// <summary>The other nodes to this node's PostgreSQL (its advertised address: replication).</summary>
    public TcpProxy PostgresLink { get; }

    /// <summary>The other nodes to this node's Patroni REST API (its advertised address: the leader race).</summary>
    public TcpProxy ApiLink { get; }

    public bool IsRunning => patroni is { HasExited: false };

    internal string ConfigFile => Path.Combine(Server.Directory, "patroni.yml");

    /// <summary>Whether Patroni says this node is the primary holding the leader key (HTTP 200 on <c>/primary</c>) and its PostgreSQL takes writes.</summary>
    public async Task<bool> IsPrimaryAsync()
    {
        if (await PatroniCluster.GetJsonAsync(ApiPort, "/primary") is null)
        {
            return false;
        }

        try
        {
            return await Server.ExecuteAsync("SELECT pg_is_in_recovery()") == "f";
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>What Patroni's REST API says of this node (<c>role</c>, <c>state</c>, <c>timeline</c>…), or null when it does not answer.</summary>
    public Task<JsonElement?> StatusAsync() => PatroniCluster.GetJsonAsync(ApiPort, "/patroni");

    /// <summary>Starts (or starts again) this node's Patroni, which starts its PostgreSQL.</summary>
    public void StartPatroni()
    {
        if (IsRunning)
        {
            throw new InvalidOperationException($"{Name}'s Patroni is running");
        }

        patroni?.Dispose();
        patroni = PatroniCluster.Launch(Path.Combine(Server.Directory, "server.log"), Path.Combine(Server.Directory, "patroni.pid"), "patroni", ConfigFile);
    }

    /// <summary>SIGKILL to this node's Patroni and to its PostgreSQL (postmaster and every backend), as a machine's power cut would.</summary>
    public async Task KillAsync()
    {
        KillPatroni();
        await Server.KillAsync();
    }

    internal void KillPatroni() => PatroniCluster.Stop(patroni);
}
