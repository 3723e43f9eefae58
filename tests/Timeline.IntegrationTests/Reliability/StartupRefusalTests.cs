using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Timeline.Tests.Shared;

namespace Timeline.IntegrationTests.Reliability;

/// <summary>
/// The real service processes (<c>dotnet Timeline.*Service.dll</c>, as built next to this test)
/// started with settings they refuse: each prints one line on stderr naming the setting and what
/// to change, exits 78 (EX_CONFIG; 1 for what is not a setting), and shows no stack trace and no
/// unhandled exception (exit 134, SIGABRT) anywhere.
/// </summary>
public sealed class StartupRefusalTests : IDisposable
{
    private const string Storage = "Timeline.StorageService.dll";
    private const string Timeline = "Timeline.TimelineService.dll";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly string directory = Path.Combine(Path.GetTempPath(), "timeline-startup", Guid.NewGuid().ToString("N"));

    public StartupRefusalTests() => Directory.CreateDirectory(directory);

    public void Dispose()
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // Left for the temp folder's own cleanup.
        }
    }

    public static TheoryData<string, string[], string[]> Refusals => new()
    {
        // service, settings, what the one line must name
        { Storage, ["--urls", "http://0.0.0.0:0"], ["Refusing to listen on http://0.0.0.0:0 with no tokens configured"] },
        { Timeline, ["--urls", "http://127.0.0.1:0", "--HttpJsonUrls", "http://0.0.0.0:0"], ["Refusing to listen on http://0.0.0.0:0 with no tokens configured"] },
        { Storage, ["--urls", "htp:/nowhere"], ["urls: 'htp:/nowhere'"] },
        { Storage, ["--urls", "http://127.0.0.1:99999"], ["port 99999 is outside 0..65535"] },
        { Timeline, ["--HttpJsonUrls", "nonsense"], ["HttpJsonUrls: 'nonsense'"] },
        { Storage, ["--Grpc:MaxReceiveMessageBytes", "four megabytes"], ["Grpc:MaxReceiveMessageBytes: 'four megabytes'"] },
        { Storage, ["--Storage:CheckpointInterval", "soon"], ["'soon' at 'Storage:CheckpointInterval'"] },
        {
            Storage,
            ["--Storage:SubscriberBufferSize", "-1", "--Storage:Limits:MaxBatchSize", "0", "--Auth:Tokens:ingest:Sha256", "my-secret-token", "--Auth:Tokens:ingest:Scopes:0", "events:write"],
            ["Storage:SubscriberBufferSize must be at least 1", "Storage:Limits:MaxBatchSize must be at least 1", "Auth:Tokens:ingest:Sha256 must be the SHA-256"]
        },
        {
            Timeline,
            ["--Timeline:RiskWindowDays", "-5", "--Timeline:StorageAddress", "storage:5201", "--Timeline:ReconnectMaxDelay", "00:00:00.010", "--Timeline:HealthGrace", "-00:00:01",
                "--Auth:Tokens:reader:Sha256", TestTokens.Hash("t"), "--Auth:Tokens:reader:Scopes:0", "timeline:reed"],
            ["Timeline:RiskWindowDays must be from 0 to 3650", "Timeline:StorageAddress 'storage:5201'", "Timeline:ReconnectMaxDelay", "Timeline:HealthGrace must not be negative",
                "Auth:Tokens:reader:Scopes:0 'timeline:reed' is not a scope"]
        },
        // A secret anyone could guess, and one secret under two names (tokens are known by their hash only).
        { Storage, ["--Auth:Tokens:ingest:Sha256", TestTokens.Hash(""), "--Auth:Tokens:ingest:Scopes:0", "events:write"], ["Auth:Tokens:ingest:Sha256 is the SHA-256 of the empty string"] },
        { Timeline, ["--Auth:Tokens:reader:Sha256", TestTokens.Hash("a"), "--Auth:Tokens:reader:Scopes:0", "timeline:read"], ["Auth:Tokens:reader:Sha256 is the SHA-256 of a secret of only 1 character"] },
        { Storage, ["--Auth:Tokens:ingest:Sha256", TestTokens.Hash("x9~"), "--Auth:Tokens:ingest:Scopes:0", "events:write"], ["Auth:Tokens:ingest:Sha256 is the SHA-256 of a secret of only 3 characters"] },
        { Storage, ["--Auth:Tokens:ingest:Sha256", TestTokens.Hash("changeme").ToLowerInvariant(), "--Auth:Tokens:ingest:Scopes:0", "events:write"], ["Auth:Tokens:ingest:Sha256 is the SHA-256 of a common placeholder secret"] },
        {
            Storage,
            ["--Auth:Tokens:zeta:Sha256", TestTokens.Hash("one-secret-for-two-names"), "--Auth:Tokens:zeta:Scopes:0", "events:read",
                "--Auth:Tokens:alpha:Sha256", TestTokens.Hash("one-secret-for-two-names").ToLowerInvariant(), "--Auth:Tokens:alpha:Scopes:0", "events:write"],
            ["Auth:Tokens:alpha and Auth:Tokens:zeta have the same Sha256"]
        },
        // Each backend checks its own settings (Storage/Sqlite, Storage/Postgres), in the one line with the shared ones.
        { Storage, ["--Storage:Provider", "mysql"], ["Storage:Provider must be 'sqlite' or 'postgres', not 'mysql'"] },
        { Storage, ["--Storage:Provider", "postgres"], ["Storage:ConnectionString is required with Storage:Provider=postgres"] },
        {
            Storage,
            ["--Storage:Provider", "Postgres", "--Storage:ConnectionString", "Hots=db.example", "--Storage:TailInterval", "00:00:00", "--Storage:MaxTransactionAttempts", "0", "--Storage:SubscriberBufferSize", "0"],
            ["Storage:ConnectionString is not a PostgreSQL connection string", "Storage:TailInterval must be longer than zero", "Storage:MaxTransactionAttempts must be at least 1", "Storage:SubscriberBufferSize must be at least 1"]
        },
        {
            Storage,
            ["--Storage:DatabasePath", " ", "--Storage:IntegrityCheckTimeout", "-00:00:01", "--Storage:ReadTimeLimit", "00:00:00"],
            ["Storage:DatabasePath is empty", "Storage:IntegrityCheckTimeout must not be negative", "Storage:ReadTimeLimit must be longer than zero"]
        },
        { Storage, ["--Kestrel:Limits:MaxConcurrentConnections", "0"], ["Kestrel:Limits:MaxConcurrentConnections: '0'"] },
        { Timeline, ["--Kestrel:Limits:KeepAliveTimeout", "forever"], ["Kestrel:Limits:KeepAliveTimeout: 'forever'"] },
        { Storage, ["--Kestrel:Endpoints:Grpc:Url", "https://127.0.0.1:0", "--Kestrel:Endpoints:Grpc:Certificate:Path", "/nonexistent/tls.pfx"], ["Kestrel:Endpoints:Grpc:Certificate: cannot use the certificate '/nonexistent/tls.pfx'"] },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task A_refused_setting_is_one_line_and_exit_78(string service, string[] settings, string[] named)
    {
        var (exit, stdout, stderr) = await RunAsync(service, settings);

        AssertOneLine(stdout, stderr, named);
        Assert.Equal(78, exit);
    }

    [Fact]
    public async Task A_certificate_with_the_wrong_password_is_refused_in_one_line()
    {
        using var certificate = TestCertificates.SelfSigned();
        var pfx = TestCertificates.WritePfx(certificate, directory, "right");

        var (exit, stdout, stderr) = await RunAsync(Timeline, ["--Kestrel:Endpoints:Tls:Url", "https://127.0.0.1:0", "--Kestrel:Endpoints:Tls:Certificate:Path", pfx, "--Kestrel:Endpoints:Tls:Certificate:Password", "wrong"]);

        AssertOneLine(stdout, stderr, "Kestrel:Endpoints:Tls:Certificate: cannot use the certificate");
        Assert.Equal(78, exit);
    }

    [Fact]
    public async Task A_port_in_use_is_one_line_and_exit_1()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var (exit, stdout, stderr) = await RunAsync(Storage, ["--urls", $"http://127.0.0.1:{port}"]);

        AssertOneLine(stdout, stderr, "address already in use");
        Assert.Equal(1, exit);
    }

    [Fact]
    public async Task A_database_that_cannot_be_opened_is_one_line_and_exit_1()
    {
        var blocked = Path.Combine(directory, "a-file");
        await File.WriteAllTextAsync(blocked, "not a folder", cancellationToken: TestContext.Current.CancellationToken);

        var (exit, stdout, stderr) = await RunAsync(Storage, ["--Storage:DatabasePath", Path.Combine(blocked, "timeline.db")]);

        AssertOneLine(stdout, stderr, "cannot start");
        Assert.Equal(1, exit);
    }

    private static void AssertOneLine(string stdout, string stderr, params string[] named)
    {
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(lines.Length == 1, $"stderr is not one line:\n{stderr}\nstdout:\n{stdout}");
        Assert.All(named, name => Assert.Contains(name, lines[0]));
        foreach (var output in new[] { stdout, stderr })
        {
            Assert.DoesNotContain("Unhandled exception", output);
            Assert.DoesNotMatch(@"(?m)^\s+at \S+\(", output);
        }
    }

    private async Task<(int Exit, string Stdout, string Stderr)> RunAsync(string service, string[] settings)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var defaults = new[] { "--urls", "http://127.0.0.1:0", "--HttpJsonUrls", "", "--Storage:DatabasePath", Path.Combine(directory, "timeline.db") };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, service) }.Concat(defaults).Concat(settings))
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(Timeout);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{service} {string.Join(' ', settings)} did not exit: it started instead of refusing\n{await stdout}");
        }

        return (process.ExitCode, await stdout, await stderr);
    }
}
