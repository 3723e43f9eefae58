using System.Collections.Concurrent;
using System.Threading.Channels;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Timeline.V1;

namespace Timeline.Benchmarks.Bare;

/// <summary>
/// The baseline server of S7 and S8: Kestrel and gRPC with nothing behind them, serving the
/// contract's TimelineService. WatchDeadlines registers a stream (one writer loop fed by a
/// bounded channel, as the house style asks of every server stream); ListDeadlines is an echo,
/// and when its page_token carries a serialized WatchDeadlinesResponse it first fans that
/// message out to every open stream. Run by the benchmark as a separate process, Server GC,
/// like the services.
/// </summary>
internal static class BareServer
{
    public const string Flag = "--serve-bare";

    public static async Task RunAsync(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args.Where(a => a != Flag).ToArray());
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(endpoint => endpoint.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton<Watchers>();
        var app = builder.Build();
        app.MapGrpcService<BareTimelineService>();
        await app.RunAsync();
    }

    internal sealed class Watchers
    {
        private readonly ConcurrentDictionary<Channel<WatchDeadlinesResponse>, byte> open = new();

        public Channel<WatchDeadlinesResponse> Add()
        {
            var channel = Channel.CreateBounded<WatchDeadlinesResponse>(new BoundedChannelOptions(256) { SingleReader = true, FullMode = BoundedChannelFullMode.DropOldest });
            open[channel] = 0;
            return channel;
        }

        public void Remove(Channel<WatchDeadlinesResponse> channel) => open.TryRemove(channel, out _);

        public int Broadcast(WatchDeadlinesResponse message)
        {
            var sent = 0;
            foreach (var channel in open.Keys)
            {
                sent += channel.Writer.TryWrite(message) ? 1 : 0;
            }

            return sent;
        }
    }

    internal sealed class BareTimelineService(Watchers watchers) : Timeline.V1.TimelineService.TimelineServiceBase
    {
        public override async Task WatchDeadlines(WatchDeadlinesRequest request, IServerStreamWriter<WatchDeadlinesResponse> responseStream, ServerCallContext context)
        {
            var channel = watchers.Add();
            try
            {
                await responseStream.WriteAsync(new WatchDeadlinesResponse { CaughtUp = new WatchCaughtUp { AsOf = "2025-01-01" } }, context.CancellationToken);
                await foreach (var message in channel.Reader.ReadAllAsync(context.CancellationToken))
                {
                    await responseStream.WriteAsync(message, context.CancellationToken);
                }
            }
            catch (OperationCanceledException)
            {
            }
            finally
            {
                watchers.Remove(channel);
            }
        }

        public override Task<ListDeadlinesResponse> ListDeadlines(ListDeadlinesRequest request, ServerCallContext context)
        {
            if (request.PageToken.Length > 0)
            {
                watchers.Broadcast(WatchDeadlinesResponse.Parser.ParseFrom(Convert.FromBase64String(request.PageToken)));
            }

            return Task.FromResult(new ListDeadlinesResponse { NextPageToken = request.PageToken });
        }
    }
}
