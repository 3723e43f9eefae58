using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Timeline.IntegrationTests.Export;

/// <summary>
/// Headless Chromium driven over the DevTools protocol (a WebSocket on loopback): one page whose
/// viewport the test sets, on which it evaluates JavaScript to read element positions, and which
/// it captures as PNG. Only what the rendering tests need; every wait has a timeout.
/// </summary>
internal sealed partial class Chromium : IAsyncDisposable
{
    public const string DefaultPath = "/usr/bin/chromium";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly Process process;
    private readonly ClientWebSocket socket = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonNode>> pending = new();
    private readonly ConcurrentQueue<(string Method, JsonNode? Params)> events = new();
    private readonly CancellationTokenSource stop = new();
    private readonly string profile;
    private int nextId;
    private string sessionId = "";
    private Task reading = Task.CompletedTask;

    private Chromium(Process process, string profile)
    {
        this.process = process;
        this.profile = profile;
    }

    /// <summary>Chromium's path here, or null when it is not installed.</summary>
    public static string? Find() => File.Exists(DefaultPath) ? DefaultPath : null;

    public static async Task<Chromium> StartAsync(string folder)
    {
        var path = Find() ?? throw new InvalidOperationException($"Chromium is not installed at {DefaultPath}");
        var profile = Path.Combine(folder, "chromium-profile-" + Guid.NewGuid().ToString("N"));
        var start = new ProcessStartInfo(path) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--hide-scrollbars", "--force-device-scale-factor=1", "--font-render-hinting=none",
            "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", "--allow-file-access-from-files", $"--user-data-dir={profile}", "about:blank",
        })
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Chromium did not start");
        var browser = new Chromium(process, profile);
        try
        {
            var endpoint = await ReadEndpointAsync(process).WaitAsync(Timeout);
            await browser.socket.ConnectAsync(new Uri(endpoint), CancellationToken.None).WaitAsync(Timeout);
            browser.reading = browser.ReadAsync();
            var target = await browser.SendAsync("Target.createTarget", new JsonObject { ["url"] = "about:blank" }, session: false);
            var attached = await browser.SendAsync("Target.attachToTarget", new JsonObject { ["targetId"] = target["targetId"]!.GetValue<string>(), ["flatten"] = true }, session: false);
            browser.sessionId = attached["sessionId"]!.GetValue<string>();
            await browser.SendAsync("Page.enable");
            await browser.SendAsync("Runtime.enable");
            return browser;
        }
        catch
        {
            await browser.DisposeAsync();
            throw;
        }
    }

    /// <summary>A window of this size in CSS pixels; <paramref name="mobile"/> as a phone would lay the page out.</summary>
    public Task ViewportAsync(int width, int height, bool mobile) =>
        SendAsync("Emulation.setDeviceMetricsOverride", new JsonObject { ["width"] = width, ["height"] = height, ["deviceScaleFactor"] = 1, ["mobile"] = mobile });

    /// <summary>Opens the page and waits for its load event.</summary>
    public async Task NavigateAsync(string path)
    {
        events.Clear();
        await SendAsync("Page.navigate", new JsonObject { ["url"] = new Uri(path).AbsoluteUri });
        await WaitForEventAsync("Page.loadEventFired");
    }

    /// <summary>Evaluates an expression (awaiting a promise) and returns its value as JSON.</summary>
    public async Task<JsonNode?> EvaluateAsync(string expression)
    {
        var result = await SendAsync("Runtime.evaluate", new JsonObject { ["expression"] = expression, ["returnByValue"] = true, ["awaitPromise"] = true });
        if (result["exceptionDetails"] is { } error)
        {
            throw new InvalidOperationException($"the page's script failed: {error.ToJsonString()}");
        }

        return result["result"]?["value"];
    }

    /// <summary>Waits until the expression is true in the page.</summary>
    public async Task WaitUntilAsync(string expression)
    {
        var giveUp = DateTime.UtcNow + Timeout;
        while (DateTime.UtcNow < giveUp)
        {
            if ((await EvaluateAsync($"Boolean({expression})"))?.GetValue<bool>() == true)
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"the page never made `{expression}` true");
    }

    /// <summary>The viewport as a PNG file.</summary>
    public async Task ScreenshotAsync(string path)
    {
        var shot = await SendAsync("Page.captureScreenshot", new JsonObject { ["format"] = "png" });
        await File.WriteAllBytesAsync(path, Convert.FromBase64String(shot["data"]!.GetValue<string>()));
    }

    /// <summary>Messages the page wrote to its console as errors, and uncaught exceptions.</summary>
    public IReadOnlyList<string> PageErrors() =>
        [.. events.Where(e => e.Method == "Runtime.exceptionThrown" || (e.Method == "Runtime.consoleAPICalled" && e.Params?["type"]?.GetValue<string>() == "error"))
            .Select(e => e.Params?.ToJsonString() ?? e.Method)];

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        try
        {
            if (socket.State == WebSocketState.Open)
            {
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));
            }
        }
        catch (Exception e) when (e is WebSocketException or TimeoutException or OperationCanceledException)
        {
        }

        socket.Dispose();
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        process.Dispose();
        await reading.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        stop.Dispose();
        try
        {
            Directory.Delete(profile, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static async Task<string> ReadEndpointAsync(Process process)
    {
        while (await process.StandardError.ReadLineAsync() is { } line)
        {
            if (DevToolsLine().Match(line) is { Success: true } match)
            {
                // Keep draining stderr so Chromium never blocks on a full pipe.
                _ = process.StandardError.ReadToEndAsync();
                _ = process.StandardOutput.ReadToEndAsync();
                return match.Groups[1].Value;
            }
        }

        throw new InvalidOperationException($"Chromium exited ({process.ExitCode}) without a DevTools endpoint");
    }

    private async Task<JsonNode> SendAsync(string method, JsonObject? parameters = null, bool session = true)
    {
        var id = Interlocked.Increment(ref nextId);
        var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters ?? new JsonObject() };
        if (session)
        {
            message["sessionId"] = sessionId;
        }

        var answer = new TaskCompletionSource<JsonNode>(TaskCreationOptions.RunContinuationsAsynchronously);
        pending[id] = answer;
        await socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, stop.Token).WaitAsync(Timeout);
        var response = await answer.Task.WaitAsync(Timeout);
        if (response["error"] is { } error)
        {
            throw new InvalidOperationException($"{method}: {error.ToJsonString()}");
        }

        return response["result"] ?? new JsonObject();
    }

    private async Task WaitForEventAsync(string method)
    {
        var giveUp = DateTime.UtcNow + Timeout;
        while (!events.Any(e => e.Method == method))
        {
            if (DateTime.UtcNow > giveUp)
            {
                throw new TimeoutException($"Chromium sent no {method}");
            }

            await Task.Delay(50);
        }
    }

    private async Task ReadAsync()
    {
        var buffer = new byte[1 << 20];
        using var message = new MemoryStream();
        try
        {
            while (!stop.IsCancellationRequested && socket.State == WebSocketState.Open)
            {
                var received = await socket.ReceiveAsync(buffer, stop.Token);
                message.Write(buffer, 0, received.Count);
                if (!received.EndOfMessage)
                {
                    continue;
                }

                var node = JsonNode.Parse(message.ToArray());
                message.SetLength(0);
                if (node?["id"] is { } id && pending.TryRemove(id.GetValue<int>(), out var answer))
                {
                    answer.TrySetResult(node);
                }
                else if (node?["method"] is { } method)
                {
                    events.Enqueue((method.GetValue<string>(), node["params"]));
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or JsonException)
        {
        }
        finally
        {
            foreach (var waiting in pending.Values)
            {
                waiting.TrySetCanceled();
            }
        }
    }

    [GeneratedRegex(@"DevTools listening on (ws://\S+)")]
    private static partial Regex DevToolsLine();
}
