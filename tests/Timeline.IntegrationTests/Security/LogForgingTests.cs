using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace Timeline.IntegrationTests.Security;

/// <summary>
/// No line of a service's log can be forged from a request (docs/SECURITY.md): the storage service
/// runs as a process of its own, logging at Information, and is sent real requests whose path and
/// query carry CR LF (a fake "Application is shutting down..." entry), ESC sequences (colours,
/// clearing the screen) and an OSC sequence (the terminal's title). Its output holds every request
/// it logged, escaped, and no line it did not start itself; request logging (path and query) is
/// off until switched on, and then escaped too.
/// </summary>
public sealed partial class LogForgingTests : IAsyncDisposable
{
    private const string Forged = "Application is shutting down...";
    private const string SecretInUrl = "secret-in-url-7d3e";
    private static readonly TimeSpan Timeout = StorageInFolder.Timeout;
    private readonly StorageInFolder storage = new();

    /// <summary>Request targets as sent on the wire: percent-encoded, as any HTTP client sends them.</summary>
    private static readonly string[] Targets =
    [
        $"/v1/events/x%0D%0Ainfo:%20Microsoft.Hosting.Lifetime%5B0%5D%0D%0A%20%20%20%20%20%20{Uri.EscapeDataString(Forged)}%1B%5D0;owned%07%1B%5B2J%1B%5B31m?token={SecretInUrl}",
        $"/v1/events?filter.tags=a%0D%0A{Uri.EscapeDataString(Forged)}%1B%5D0;owned%07&token={SecretInUrl}",
        $"/nowhere%0D%0A{Uri.EscapeDataString(Forged)}%1B%5B2J?token={SecretInUrl}",
        $"/v1/events/%E2%80%AEdesrever%0A{Uri.EscapeDataString(Forged)}/history",

        // Refused by the HTTP/JSON guard (an unknown query parameter), which logs the path it refused.
        $"/v1/events/y%0D%0A{Uri.EscapeDataString(Forged)}%1B%5B2J?no_such_field=1&token={SecretInUrl}",
    ];

    [Fact]
    public async Task Requests_carrying_line_breaks_and_terminal_escapes_forge_no_log_line_and_query_strings_stay_out()
    {
        var json = await StartAsync([]);
        foreach (var target in Targets)
        {
            await SendAsync(json, target);
        }

        var output = await SettledOutputAsync(expectEscaped: 1);
        AssertNothingForged(output);
        Assert.DoesNotContain("Request starting", output, StringComparison.Ordinal);
        Assert.DoesNotContain(SecretInUrl, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_request_logging_switched_on_every_path_and_query_is_logged_escaped()
    {
        var json = await StartAsync(["--Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics", "Information"]);
        foreach (var target in Targets)
        {
            await SendAsync(json, target);
        }

        var output = await SettledOutputAsync(expectEscaped: 6);
        AssertNothingForged(output);
        Assert.Contains("Request starting", output, StringComparison.Ordinal);
        Assert.Contains(@"\u001B]0;owned\u0007", output, StringComparison.Ordinal);
    }

    public ValueTask DisposeAsync() => storage.DisposeAsync();

    /// <summary>Every line is an entry's first line (<c>info: Category[id]</c>) or indented under one; no terminal control at all.</summary>
    private static void AssertNothingForged(string output)
    {
        Assert.DoesNotContain('\u001B', output);
        Assert.DoesNotContain('\u0007', output);
        Assert.DoesNotContain('\u202E', output);
        foreach (var line in output.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0))
        {
            Assert.True(EntryLine().IsMatch(line), $"a line the service did not start: '{line}'\n{output}");
            Assert.False(line.TrimStart().StartsWith(Forged, StringComparison.Ordinal), $"a forged line: '{line}'");
        }
    }

    private async Task<Uri> StartAsync(string[] settings)
    {
        var port = StorageInFolder.FreePort();
        await storage.StartAsync(["--HttpJsonUrls", $"http://127.0.0.1:{port}", .. settings], logLevel: "Information");
        return new Uri($"http://127.0.0.1:{port}");
    }

    /// <summary>The output once the escaped requests have been logged (or the timeout passed).</summary>
    private async Task<string> SettledOutputAsync(int expectEscaped)
    {
        await storage.WaitForOutputAsync(@"\u000A", expectEscaped);
        return storage.Output;
    }

    /// <summary>One HTTP/1.1 request written byte for byte on a socket; the answer is read to its end.</summary>
    private static async Task SendAsync(Uri json, string target)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(json.Host, json.Port, TestContext.Current.CancellationToken);
        var stream = client.GetStream();
        var request = $"GET {target} HTTP/1.1\r\nHost: {json.Authority}\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request), TestContext.Current.CancellationToken);
        using var reader = new StreamReader(stream);
        var answer = await reader.ReadToEndAsync(TestContext.Current.CancellationToken).WaitAsync(Timeout, TestContext.Current.CancellationToken);
        Assert.StartsWith("HTTP/1.1 4", answer, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^((trce|dbug|info|warn|fail|crit): \S+\[\d+\]|      \S.*)$")]
    private static partial Regex EntryLine();
}
