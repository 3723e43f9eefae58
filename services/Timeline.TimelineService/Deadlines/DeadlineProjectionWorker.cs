using System.Globalization;
using Grpc.Core;
using Microsoft.Extensions.Options;
using Timeline.Storage.V1;
using Timeline.V1;

namespace Timeline.TimelineServer.Deadlines;

/// <summary>
/// Keeps <see cref="DeadlineProjection"/> current: subscribes to storage's deadline events from
/// position 0, and after any failure resubscribes from the last position seen (no gap, no
/// duplicate), waiting longer after each consecutive failure.
/// </summary>
/// <remarks>
/// The back-off is transport time, not valid time, so it runs on the system clock: a test or a
/// demo that freezes the injected <see cref="TimeProvider"/> must not freeze reconnection.
/// </remarks>
public sealed class DeadlineProjectionWorker(
    DeadlineProjection projection,
    EventStoreService.EventStoreServiceClient storage,
    IOptions<TimelineOptions> options,
    ILogger<DeadlineProjectionWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = options.Value.ReconnectMinDelay;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await SubscribeAsync(stoppingToken))
                {
                    delay = options.Value.ReconnectMinDelay;
                }

                // Storage ended the stream (e.g. shutting down): resubscribe.
                projection.MarkFailed(new RpcException(new Status(StatusCode.Unavailable, "the storage subscription ended")));
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled && stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.OutOfRange)
            {
                // Our position is beyond the end of storage's log: it is not the log we projected. Rebuild.
                TimelineServiceLog.Rebuilding(logger, e, projection.Current.Position);
                projection.Reset();
                continue;
            }
            catch (Exception e)
            {
                projection.MarkFailed(e);
                TimelineServiceLog.SubscriptionLost(logger, e, projection.Current.Position, delay);
            }

            try
            {
                await Task.Delay(delay, TimeProvider.System, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, options.Value.ReconnectMaxDelay.Ticks));
        }
    }

    /// <summary>One subscription, until it ends or fails. True when it got at least one message.</summary>
    private async Task<bool> SubscribeAsync(CancellationToken stoppingToken)
    {
        var from = projection.Current.Position;
        TimelineServiceLog.Subscribing(logger, options.Value.StorageAddress, from);
        var request = new SubscribeEventsRequest
        {
            FromPosition = from,
            Filter = new EventFilter { DeadlineEffectsOnly = true },
        };
        using var call = storage.SubscribeEvents(request, cancellationToken: stoppingToken);
        var headers = await call.ResponseHeadersAsync;
        if (long.TryParse(headers.GetValue(EventStoreHeaders.HeadPosition), NumberStyles.None, CultureInfo.InvariantCulture, out var head))
        {
            projection.SawStorageHead(head);
        }

        var received = false;
        await foreach (var message in call.ResponseStream.ReadAllAsync(stoppingToken))
        {
            if (!received)
            {
                received = true;
                projection.MarkConnected();
            }

            switch (message.MessageCase)
            {
                case SubscribeEventsResponse.MessageOneofCase.Event:
                    projection.Apply(message.Event);
                    break;
                case SubscribeEventsResponse.MessageOneofCase.CaughtUp:
                    projection.MarkCaughtUp(message.CaughtUp.Position);
                    break;
                case SubscribeEventsResponse.MessageOneofCase.Checkpoint:
                    projection.Advance(message.Checkpoint.Position);
                    break;
                case SubscribeEventsResponse.MessageOneofCase.None:
                default:
                    break;
            }
        }

        return received;
    }
}
