using System.Net;
using System.Net.Sockets;

namespace Timeline.Tests.Shared;

/// <summary>
/// A loopback TCP link the test controls, standing for the network between two machines: it
/// forwards every connection to <see cref="Target"/> until <see cref="Cut"/>, which behaves as a
/// partition does on a real network: nothing is refused or reset, bytes simply stop arriving
/// (on open connections and on new ones), so each side finds out only through its own timeouts.
/// <see cref="Heal"/> lets the bytes through again: connections that their ends gave up on during
/// the cut are closed then, the others carry on.
/// </summary>
public sealed class TcpProxy : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource stop = new();
    private readonly Lock gate = new();
    private readonly List<TcpClient> open = [];
    private readonly Task accepting;
    private TaskCompletionSource healed = Healed();

    public TcpProxy(int target)
    {
        Target = target;
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        accepting = Task.Run(AcceptAsync);
    }

    /// <summary>Where the link leads (a loopback port).</summary>
    public int Target { get; }

    /// <summary>The link's own loopback port, given to the side that connects.</summary>
    public int Port { get; }

    public bool IsCut => !healed.Task.IsCompleted;

    /// <summary>Stops every byte in both directions, on open connections and new ones.</summary>
    public void Cut()
    {
        lock (gate)
        {
            if (!IsCut)
            {
                healed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    /// <summary>Lets the bytes through again.</summary>
    public void Heal()
    {
        lock (gate)
        {
            healed.TrySetResult();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        listener.Stop();
        Heal();
        lock (gate)
        {
            foreach (var client in open)
            {
                client.Dispose();
            }

            open.Clear();
        }

        await accepting.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        stop.Dispose();
    }

    private static TaskCompletionSource Healed()
    {
        var source = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        source.SetResult();
        return source;
    }

    private async Task AcceptAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient incoming;
            try
            {
                incoming = await listener.AcceptTcpClientAsync(stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(() => ConnectAsync(incoming));
        }
    }

    private async Task ConnectAsync(TcpClient incoming)
    {
        var outgoing = new TcpClient();
        lock (gate)
        {
            open.Add(incoming);
            open.Add(outgoing);
        }

        try
        {
            // A connection made during a cut gets no answer until the cut heals.
            await WhileCutAsync();
            await outgoing.ConnectAsync(IPAddress.Loopback, Target, stop.Token);
            var up = PumpAsync(incoming.GetStream(), outgoing.GetStream());
            var down = PumpAsync(outgoing.GetStream(), incoming.GetStream());
            await Task.WhenAny(up, down);
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
        finally
        {
            lock (gate)
            {
                open.Remove(incoming);
                open.Remove(outgoing);
            }

            incoming.Dispose();
            outgoing.Dispose();
        }
    }

    private Task WhileCutAsync()
    {
        Task wait;
        lock (gate)
        {
            wait = healed.Task;
        }

        return wait.WaitAsync(stop.Token);
    }

    /// <summary>Copies bytes one way; what arrives during a cut is held (not delivered) until it heals.</summary>
    private async Task PumpAsync(NetworkStream from, NetworkStream to)
    {
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var read = await from.ReadAsync(buffer, stop.Token);
            await WhileCutAsync();
            if (read == 0)
            {
                return;
            }

            await to.WriteAsync(buffer.AsMemory(0, read), stop.Token);
        }
    }
}
