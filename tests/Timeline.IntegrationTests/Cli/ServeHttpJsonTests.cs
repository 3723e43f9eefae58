using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Timeline.IntegrationTests.Cli;

/// <summary>
/// `timeline serve` as a user runs it (its own process): besides gRPC it opens each service's
/// HTTP/JSON port, as the standalone services do, so the README's curl lines answer; it prints
/// both addresses of each service; --no-http opens none; a busy HTTP/JSON port or a wrong address
/// is one line naming the flag that moves it.
/// </summary>
public sealed partial class ServeHttpJsonTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    private readonly string folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "timeline-tests", Guid.NewGuid().ToString("N"))).FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public async Task Serve_opens_an_http_json_port_for_each_service_and_each_answers_http_1_1_requests()
    {
        var ct = TestContext.Current.CancellationToken;
        var (storagePort, timelinePort) = (FreePort(), FreePort());
        await using var serve = ServeProcess.Start(
            ["serve", "--database", Path.Combine(folder, "t.db"), "--storage", "http://127.0.0.1:0", "--timeline", "http://127.0.0.1:0",
             "--storage-http", $"http://127.0.0.1:{storagePort}", "--timeline-http", $"http://127.0.0.1:{timelinePort}"]);

        var banner = await serve.WaitForAsync("Serving.", Timeout);
        var storage = StartLine().Match(banner.Split('\n').Single(l => l.StartsWith("storage service", StringComparison.Ordinal)));
        var timeline = StartLine().Match(banner.Split('\n').Single(l => l.StartsWith("timeline service", StringComparison.Ordinal)));
        Assert.True(storage.Success && timeline.Success, banner);
        Assert.Equal($"http://127.0.0.1:{storagePort}/", storage.Groups["json"].Value);
        Assert.Equal($"http://127.0.0.1:{timelinePort}/", timeline.Groups["json"].Value);
        Assert.NotEqual("http://127.0.0.1:0/", storage.Groups["grpc"].Value);

        using var http = new HttpClient { DefaultRequestVersion = HttpVersion.Version11, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact, Timeout = Timeout };
        using var append = await http.PostAsync(
            $"http://127.0.0.1:{storagePort}/v1/events:append",
            new StringContent(await File.ReadAllTextAsync(Path.Combine(RepoPaths.Samples, "mali-minusma-2023-10.json"), ct), Encoding.UTF8, "application/json"),
            ct);
        Assert.True(append.IsSuccessStatusCode, await append.Content.ReadAsStringAsync(ct));
        Assert.Equal(HttpVersion.Version11, append.Version);

        using var events = await http.GetAsync($"http://127.0.0.1:{storagePort}/v1/events?filter.tags=minusma&page_size=10", ct);
        using var listed = JsonDocument.Parse(await events.Content.ReadAsStringAsync(ct));
        Assert.Equal(HttpStatusCode.OK, events.StatusCode);
        Assert.Equal(HttpVersion.Version11, events.Version);
        Assert.Contains("unsc-2023-06-30-res-2690", listed.RootElement.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("eventId").GetString()));

        using var deadlines = await http.GetAsync($"http://127.0.0.1:{timelinePort}/v1/deadlines?as_of=2023-10-16", ct);
        Assert.Equal(HttpStatusCode.OK, deadlines.StatusCode);
        Assert.Equal(HttpVersion.Version11, deadlines.Version);
        using var listedDeadlines = JsonDocument.Parse(await deadlines.Content.ReadAsStringAsync(ct));
        Assert.Equal(JsonValueKind.Object, listedDeadlines.RootElement.ValueKind);

        using var chronology = await http.GetAsync($"http://127.0.0.1:{timelinePort}/v1/timeline?filter.tags=mali&as_of=2023-10-16", ct);
        using var entries = JsonDocument.Parse(await chronology.Content.ReadAsStringAsync(ct));
        Assert.Equal(HttpStatusCode.OK, chronology.StatusCode);
        Assert.NotEmpty(entries.RootElement.GetProperty("entries").EnumerateArray());

        Assert.Equal(0, await serve.StopAsync(Timeout));
    }

    [Fact]
    public async Task Serve_with_no_http_prints_and_opens_only_grpc()
    {
        var jsonPort = FreePort();
        await using var serve = ServeProcess.Start(
            ["serve", "--database", Path.Combine(folder, "t.db"), "--storage", "http://127.0.0.1:0", "--timeline", "http://127.0.0.1:0", "--no-http"]);

        var banner = await serve.WaitForAsync("Serving.", Timeout);

        Assert.Matches(@"storage service\s+http://127\.0\.0\.1:\d+/ \(gRPC\)  \(SQLite: ", banner);
        Assert.Matches(@"timeline service\s+http://127\.0\.0\.1:\d+/ \(gRPC\)\r?\n", banner);
        Assert.DoesNotContain("HTTP/JSON", banner, StringComparison.Ordinal);
        Assert.Equal(0, await serve.StopAsync(Timeout));

        var both = await CliProcess.RunAsync(
            ["serve", "--database", Path.Combine(folder, "t.db"), "--no-http", "--storage-http", $"http://127.0.0.1:{jsonPort}"], Timeout, TestContext.Current.CancellationToken);
        Assert.Equal(global::Timeline.Cli.Infrastructure.ParseErrors.UsageExitCode, both.ExitCode); // a command line that cannot be run as given
        Assert.Contains("--no-http opens no HTTP/JSON port and --storage-http names one: give one or the other", both.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--storage-http", "storage service")]
    [InlineData("--timeline-http", "timeline service")]
    public async Task A_busy_http_json_port_is_one_line_naming_the_flag_that_moves_it(string flag, string role)
    {
        using var busy = new TcpListener(IPAddress.Loopback, 0);
        busy.Start();
        var port = ((IPEndPoint)busy.LocalEndpoint).Port;
        string[] other = flag == "--storage-http" ? ["--timeline-http", "http://127.0.0.1:0"] : ["--storage-http", "http://127.0.0.1:0"];

        var line = await RefusedAsync([flag, $"http://127.0.0.1:{port}", .. other]);

        Assert.Equal(
            $"error: port {port} is in use; pass {flag} http://127.0.0.1:<another port> for the {role}'s HTTP/JSON (or --no-http for none), or stop what listens on 127.0.0.1:{port}",
            line);
    }

    [Theory]
    [InlineData("localhost:5211")]
    [InlineData("https://127.0.0.1:5211")]
    [InlineData("http://127.0.0.1:5211/v1")]
    [InlineData("5211")]
    public async Task An_http_json_address_serve_cannot_listen_on_is_refused_naming_the_flag(string address)
    {
        var line = await RefusedAsync(["--storage-http", address]);

        Assert.Equal(
            $"error: --storage-http: '{address}' is not an address to listen on; give one http address, e.g. http://127.0.0.1:5211 (port 0 picks a free one), or --no-http for none",
            line);
        Assert.False(File.Exists(Path.Combine(folder, "t.db")), "serve created its database before refusing");
    }

    [Fact]
    public async Task An_http_json_address_beyond_loopback_without_tokens_is_refused_in_one_line()
    {
        var line = await RefusedAsync(["--storage-http", "http://0.0.0.0:0"]);

        Assert.StartsWith("error: Refusing to listen on http://0.0.0.0:0/ with no tokens configured", line, StringComparison.Ordinal);
        Assert.EndsWith("or bind to loopback.", line, StringComparison.Ordinal);
    }

    /// <summary>`serve` on free gRPC ports with <paramref name="args"/>: it must print nothing on stdout, one line on stderr (returned) and exit 1.</summary>
    private async Task<string> RefusedAsync(string[] args)
    {
        var (exitCode, stdout, stderr) = await CliProcess.RunAsync(
            ["serve", "--database", Path.Combine(folder, "t.db"), "--storage", "http://127.0.0.1:0", "--timeline", "http://127.0.0.1:0", .. args],
            Timeout,
            TestContext.Current.CancellationToken);

        Assert.Equal(1, exitCode);
        Assert.Equal("", stdout);
        return Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)).TrimEnd('\r');
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GeneratedRegex(@"^(storage|timeline) service\s+(?<grpc>http://\S+) \(gRPC\), (?<json>http://\S+) \(HTTP/JSON\)")]
    private static partial Regex StartLine();

    /// <summary>`timeline serve ...` running in a process of its own until <see cref="StopAsync"/> (SIGTERM, as Ctrl-C or a service manager stops it).</summary>
    private sealed class ServeProcess : IAsyncDisposable
    {
        private readonly Process process;
        private readonly StringBuilder output = new();

        private ServeProcess(Process process)
        {
            this.process = process;
            process.OutputDataReceived += (_, e) => Append(e.Data);
            process.ErrorDataReceived += (_, e) => Append(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        private string Output
        {
            get
            {
                lock (output)
                {
                    return output.ToString();
                }
            }
        }

        public static ServeProcess Start(IReadOnlyList<string> args)
        {
            Assert.True(File.Exists(RepoPaths.CliDll), $"the CLI is not built at {RepoPaths.CliDll}");
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Path.GetTempPath() };
            start.ArgumentList.Add("exec");
            start.ArgumentList.Add(RepoPaths.CliDll);
            foreach (var arg in args)
            {
                start.ArgumentList.Add(arg);
            }

            start.Environment["NO_COLOR"] = "1";
            return new ServeProcess(Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start"));
        }

        /// <summary>Everything printed, once <paramref name="text"/> has been; fails if the process ends first.</summary>
        public async Task<string> WaitForAsync(string text, TimeSpan timeout)
        {
            var started = Stopwatch.StartNew();
            while (!Output.Contains(text, StringComparison.Ordinal))
            {
                Assert.False(process.HasExited, $"serve ended before printing '{text}':\n{Output}");
                Assert.True(started.Elapsed < timeout, $"serve did not print '{text}' within {timeout}:\n{Output}");
                await Task.Delay(50, TestContext.Current.CancellationToken);
            }

            return Output;
        }

        /// <summary>SIGTERM, then its exit code.</summary>
        public async Task<int> StopAsync(TimeSpan timeout)
        {
            using (var term = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await term.WaitForExitAsync(TestContext.Current.CancellationToken);
            }

            await process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(timeout, TestContext.Current.CancellationToken);
            return process.ExitCode;
        }

        public async ValueTask DisposeAsync()
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            }

            process.Dispose();
        }

        private void Append(string? line)
        {
            if (line is not null)
            {
                lock (output)
                {
                    output.Append(line).Append('\n');
                }
            }
        }
    }
}
