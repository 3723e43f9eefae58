using System.Net;
using System.Net.Sockets;
using Timeline.Cli;
using Timeline.ServiceDefaults;
using Timeline.StorageService;
using Timeline.Tests.Shared;

namespace Timeline.IntegrationTests.Cli;

/// <summary>
/// The CLI pointed at the wrong thing: each failure returns promptly with one message naming the
/// address, where it came from, and what was expected there. Real listeners on loopback: a raw
/// socket that accepts and never answers, a closed port, an HTTP/1.1 (HTTP/JSON) port, TLS and
/// cleartext ports, and the two real services swapped.
/// </summary>
public sealed class CliConnectionTests : IAsyncLifetime
{
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(20);
    private CliHost host = null!;

    public async ValueTask InitializeAsync() => host = await CliHost.StartAsync();

    public async ValueTask DisposeAsync() => await host.DisposeAsync();

    [Fact]
    public async Task A_unary_call_to_a_port_that_accepts_and_never_answers_ends_at_the_timeout()
    {
        using var silent = new SilentListener();

        var (exit, _, stderr) = await RunAsync(["deadlines", "--timeline", silent.Address, "--timeout", "1s"]);

        Assert.Equal(1, exit);
        Assert.Contains($"no answer from the timeline service at {silent.Address} (--timeline) within 1s (--timeout)", stderr, StringComparison.Ordinal);
        Assert.True(silent.Accepted > 0, "the listener saw no connection");
    }

    [Fact]
    public async Task A_stream_to_a_port_that_accepts_and_never_answers_ends_at_the_timeout_too()
    {
        using var silent = new SilentListener();

        var watch = await RunAsync(["watch", "--timeline", silent.Address, "--timeout", "1s"]);
        var replay = await RunAsync(["replay", "--from", "2023-01-01", "--to", "2023-12-31", "--timeline", silent.Address, "--timeout", "1s"]);

        Assert.Equal((1, 1), (watch.ExitCode, replay.ExitCode));
        Assert.Contains($"no answer from the timeline service at {silent.Address} (--timeline) within 1s", watch.Stderr, StringComparison.Ordinal);
        Assert.Contains($"no answer from the timeline service at {silent.Address} (--timeline) within 1s", replay.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_call_has_a_default_deadline_without_the_flag()
    {
        var root = CliApp.BuildRootCommand(CliContext.ForWriters(TextWriter.Null, TextWriter.Null));
        var options = new CommonOptions(CliContext.ForWriters(TextWriter.Null, TextWriter.Null));
        var parsed = new System.CommandLine.RootCommand { Options = { options.Timeout } };

        Assert.Equal(TimeSpan.FromSeconds(30), options.CallTimeout(parsed.Parse("")));
        Assert.Equal(TimeSpan.FromMilliseconds(500), options.CallTimeout(parsed.Parse("--timeout 500ms")));
        Assert.Equal(TimeSpan.FromMinutes(2), options.CallTimeout(parsed.Parse("--timeout 2m")));
        Assert.NotEmpty(root.Parse("show --timeout soon").Errors);
        Assert.NotEmpty(root.Parse("show --timeout 0").Errors);
    }

    [Fact]
    public async Task Nothing_listening_names_the_address_and_the_flag_it_came_from()
    {
        var closed = ClosedPort();

        var (exit, _, stderr) = await RunAsync(["history", "x", "--storage", closed]);

        Assert.Equal(1, exit);
        Assert.Contains($"nothing is listening at {closed} (--storage), where the storage service was expected (connection refused)", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Error connecting to subchannel", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_http_json_port_where_grpc_belongs_is_named_as_such()
    {
        var folder = Path.Combine(host.Folder, "json");
        Directory.CreateDirectory(folder);
        await using var storage = StorageServiceApp.Create(
            ["--urls", "http://127.0.0.1:0", "--HttpJsonUrls", "http://127.0.0.1:0", "--Storage:DatabasePath", Path.Combine(folder, "t.db"), "--Logging:LogLevel:Default", "Warning"]);
        await storage.StartAsync(cancellationToken: TestContext.Current.CancellationToken).WaitAsync(Prompt, TestContext.Current.CancellationToken);
        var json = storage.HttpJsonAddress()!.ToString().TrimEnd('/');

        var (exit, _, stderr) = await RunAsync(["history", "x", "--storage", json]);

        Assert.Equal(1, exit);
        Assert.Contains($"{json} (--storage) answers HTTP/1.1, not gRPC (HTTP/2): is it the HTTP/JSON port?", stderr, StringComparison.Ordinal);
        await storage.StopAsync(cancellationToken: TestContext.Current.CancellationToken).WaitAsync(Prompt, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Https_to_a_cleartext_port_says_to_use_http()
    {
        var timeline = host.Services.TimelineAddress;
        var https = $"https://{timeline.Authority}";

        var (exit, _, stderr) = await RunAsync(["deadlines", "--timeline", https]);

        Assert.Equal(1, exit);
        Assert.Contains($"{https} (--timeline) does not speak TLS: it answers cleartext gRPC. Use http://{timeline.Authority} for the timeline service.", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Http_to_a_tls_port_says_to_use_https()
    {
        var folder = Path.Combine(host.Folder, "tls");
        Directory.CreateDirectory(folder);
        using var certificate = TestCertificates.SelfSigned();
        var pfx = TestCertificates.WritePfx(certificate, folder, "pw");
        await using var storage = StorageServiceApp.Create(
        [
            "--Kestrel:Endpoints:Tls:Url", "https://127.0.0.1:0", "--Kestrel:Endpoints:Tls:Certificate:Path", pfx, "--Kestrel:Endpoints:Tls:Certificate:Password", "pw",
            "--Storage:DatabasePath", Path.Combine(folder, "t.db"), "--Logging:LogLevel:Default", "Warning",
        ]);
        await storage.StartAsync(cancellationToken: TestContext.Current.CancellationToken).WaitAsync(Prompt, TestContext.Current.CancellationToken);
        var tls = storage.BoundAddresses().Single(a => a.Scheme == "https");
        var http = $"http://{tls.Authority}";

        var (exit, _, stderr) = await RunAsync(["history", "x", "--storage", http]);

        Assert.Equal(1, exit);
        Assert.Contains($"{http} (--storage) speaks TLS: use https://{tls.Authority} for the storage service.", stderr, StringComparison.Ordinal);
        await storage.StopAsync(cancellationToken: TestContext.Current.CancellationToken).WaitAsync(Prompt, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Swapped_addresses_say_they_look_swapped_instead_of_service_is_unimplemented()
    {
        var storage = host.Services.StorageAddress.ToString().TrimEnd('/');
        var timeline = host.Services.TimelineAddress.ToString().TrimEnd('/');

        var history = await RunAsync(["history", "x", "--storage", timeline, "--timeline", storage]);
        var deadlines = await RunAsync(["deadlines", "--storage", timeline, "--timeline", storage]);

        Assert.Equal((1, 1), (history.ExitCode, deadlines.ExitCode));
        Assert.Contains($"{timeline} (--storage) answers gRPC but is not the storage service: it has no timeline.storage.v1.EventStoreService; it is the timeline service. Are --storage and --timeline swapped?", history.Stderr, StringComparison.Ordinal);
        Assert.Contains($"{storage} (--timeline) answers gRPC but is not the timeline service: it has no timeline.v1.TimelineService; it is the storage service.", deadlines.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Service is unimplemented", history.Stderr + deadlines.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_or_unreachable_address_from_the_environment_names_the_variable()
    {
        var closed = ClosedPort();

        var bad = await RunAsync(["history", "x"], new() { [CliContext.StorageAddressVariable] = "127.0.0.1:5201" });
        var unreachable = await RunAsync(["history", "x"], new() { [CliContext.StorageAddressVariable] = closed });

        Assert.Equal((1, 1), (bad.ExitCode, unreachable.ExitCode));
        Assert.StartsWith("error: TIMELINE_STORAGE_ADDRESS: '127.0.0.1:5201' is not an http(s) address of the storage service", bad.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("--storage:", bad.Stderr, StringComparison.Ordinal);
        Assert.Contains($"nothing is listening at {closed} (from TIMELINE_STORAGE_ADDRESS)", unreachable.Stderr, StringComparison.Ordinal);
    }

    /// <summary>The CLI in-process, with only the arguments given (no --storage/--timeline added).</summary>
    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string[] args, Dictionary<string, string>? environment = null)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var context = CliContext.ForWriters(stdout, stderr, name => environment is not null && environment.TryGetValue(name, out var v) ? v : null);
        var exit = await CliApp.RunAsync(context, args, ct: TestContext.Current.CancellationToken)
            .WaitAsync(Prompt, TestContext.Current.CancellationToken);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    /// <summary>A loopback port that was just free: nothing listens there.</summary>
    private static string ClosedPort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return $"http://127.0.0.1:{port}";
    }

    /// <summary>Accepts every connection and never sends a byte.</summary>
    internal sealed class SilentListener : IDisposable
    {
        private readonly TcpListener listener = new(IPAddress.Loopback, 0);
        private readonly List<TcpClient> clients = [];
        private readonly CancellationTokenSource stop = new();
        private int accepted;

        public SilentListener()
        {
            listener.Start();
            Address = $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";
            _ = AcceptAsync();
        }

        public string Address { get; }

        public int Accepted => Volatile.Read(ref accepted);

        public void Dispose()
        {
            stop.Cancel();
            listener.Stop();
            lock (clients)
            {
                clients.ForEach(c => c.Dispose());
            }

            stop.Dispose();
        }

        private async Task AcceptAsync()
        {
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    var client = await listener.AcceptTcpClientAsync(stop.Token);
                    Interlocked.Increment(ref accepted);
                    lock (clients)
                    {
                        clients.Add(client);
                    }
                }
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
            }
        }
    }
}
