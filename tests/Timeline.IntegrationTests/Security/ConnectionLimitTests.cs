using System.Diagnostics;
using System.Net.Sockets;
using Grpc.Core;
using Grpc.Net.Client;
using Timeline.Storage.V1;

namespace Timeline.IntegrationTests.Security;

/// <summary>
/// Connections are bounded (docs/SECURITY.md): the storage service as a process of its own with
/// <c>Kestrel:Limits:MaxConcurrentConnections</c> 4 and <c>Kestrel:Limits:KeepAliveTimeout</c>
/// 2 s, held by real sockets that connect and never send a byte (no HTTP/2 preface). Past the limit
/// a connection is closed at once and the service logs why; a call gets UNAVAILABLE; the silent
/// connections are closed after the timeout, and calls get in again.
/// </summary>
public sealed class ConnectionLimitTests : IAsyncDisposable
{
    private const int Limit = 4;
    private static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Timeout = StorageInFolder.Timeout;
    private readonly List<TcpClient> sockets = [];
    private readonly StorageInFolder storage = new();

    [Fact]
    public async Task Past_the_limit_a_connection_is_refused_and_silent_connections_are_closed_after_the_idle_timeout()
    {
        var address = await storage.StartAsync(
            ["--HttpJsonUrls", "", "--Kestrel:Limits:MaxConcurrentConnections", Limit.ToString(), "--Kestrel:Limits:KeepAliveTimeout", IdleTimeout.ToString("c")]);
        Assert.Equal(StatusCode.OK, await ListAsync(address));

        // One more than the limit of connections that never speak. The server may still count the first
        // call's connection for a moment after its channel is gone, so which one is refused is not known:
        // one is closed at once (and the service says why), the limit's worth are held.
        var opened = Stopwatch.StartNew();
        var silent = new List<Task<TimeSpan>>();
        for (var i = 0; i <= Limit; i++)
        {
            silent.Add(ClosedByServerAsync(await ConnectAsync(address), opened));
            await Task.Delay(TimeSpan.FromMilliseconds(100), TestContext.Current.CancellationToken);
        }

        var refused = await await Task.WhenAny(silent);
        Assert.True(refused < IdleTimeout, $"no connection past the limit was refused at once: the first to close stayed open {refused.TotalSeconds:F1} s");
        Assert.Equal(StatusCode.Unavailable, await ListAsync(address));
        await storage.WaitForOutputAsync("maximum number of concurrent connections");

        // The silent ones are closed after the idle timeout (Kestrel checks once a second), not held for ever.
        var closedAfter = await Task.WhenAll(silent).WaitAsync(Timeout, TestContext.Current.CancellationToken);
        Assert.All(closedAfter, t => Assert.True(t < IdleTimeout + TimeSpan.FromSeconds(15), $"a silent connection was held {t.TotalSeconds:F1} s"));
        Assert.True(closedAfter.Count(t => t >= IdleTimeout - TimeSpan.FromMilliseconds(500)) >= Limit - 1, $"the held connections were not kept until the idle timeout: {string.Join(", ", closedAfter.Select(t => $"{t.TotalSeconds:F1} s"))}");
        Assert.Equal(StatusCode.OK, await ListAsync(address));
    }

    public async ValueTask DisposeAsync()
    {
        sockets.ForEach(s => s.Dispose());
        await storage.DisposeAsync();
    }

    private async Task<TcpClient> ConnectAsync(Uri address)
    {
        var socket = new TcpClient();
        sockets.Add(socket);
        await socket.ConnectAsync(address.Host, address.Port, TestContext.Current.CancellationToken);
        return socket;
    }

    /// <summary>How long after <paramref name="since"/> started the server closed the connection (a read returns nothing, or the connection is reset).</summary>
    private static async Task<TimeSpan> ClosedByServerAsync(TcpClient socket, Stopwatch since)
    {
        var buffer = new byte[1024];
        try
        {
            while (await socket.GetStream().ReadAsync(buffer).AsTask().WaitAsync(Timeout) > 0)
            {
                // A server may send its own preface (SETTINGS) or GOAWAY before closing.
            }
        }
        catch (IOException)
        {
            // Reset by the server: closed too.
        }

        return since.Elapsed;
    }

    /// <summary>A call on a channel of its own (so a new connection).</summary>
    private static async Task<StatusCode> ListAsync(Uri address)
    {
        using var channel = GrpcChannel.ForAddress(address);
        try
        {
            await new EventStoreService.EventStoreServiceClient(channel).ListEventsAsync(new ListEventsRequest(), deadline: DateTime.UtcNow.AddSeconds(20), cancellationToken: TestContext.Current.CancellationToken)
                .ResponseAsync.WaitAsync(Timeout, TestContext.Current.CancellationToken);
            return StatusCode.OK;
        }
        catch (RpcException e)
        {
            return e.StatusCode;
        }
    }
}
