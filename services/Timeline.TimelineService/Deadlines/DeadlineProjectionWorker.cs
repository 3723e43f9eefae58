using System.Globalization;
using Grpc.Core;
using Microsoft.Extensions.Options;
using Timeline.Storage.V1;
using Timeline.V1;

namespace Timeline.TimelineServer.Deadlines;

/// <summary>
/// Keeps <see cref="DeadlineProjection"/> current: subscribes to storage's deadline events from
/// position 0, and after any failure resubscribes from the last position seen (no gap, no
/// duplicate), waiting longer after each consecutive failure (<see cref="ReconnectBackoff"/>).
/// A subscription that delivered messages before it ended starts the back-off afresh.
/// </summary>
public sealed class DeadlineProjectionWorker(
    DeadlineProjection projection,
    EventStoreService.EventStoreServiceClient storage,
    IOptions<TimelineOptions> options,
    ILogger<DeadlineProjectionWorker> logger) : BackgroundService
{
    private bool _connected;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reconnects = ReconnectBackoff.Create(
            options.Value,
            (failure, delay) =>
            {
                projection.MarkFailed(failure);
                TimelineServiceLog.SubscriptionLost(logger, failure, projection.Current.Position, delay);
            },
            TimeProvider.System);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var rebuilt = await reconnects.ExecuteAsync(SubscribeOnceAsync, stoppingToken);
                if (!rebuilt)
                {
                    // A subscription that had delivered messages ended: pause the shortest delay, then start over.
                    await Task.Delay(options.Value.ReconnectMinDelay, TimeProvider.System, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled && stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>
    /// One attempt of the back-off: a subscription, until it ends. Throws (so the back-off waits and
    /// tries again) when it failed or ended before delivering anything; returns when one that had
    /// delivered messages ended (false) or when storage's log turned out to end before our position
    /// and the projection was reset to rebuild from the start (true).
    /// </summary>
    private async ValueTask<bool> SubscribeOnceAsync(CancellationToken stoppingToken)
    {
        _connected = false;
        try
        {
            await SubscribeAsync(stoppingToken);
            var ended = new RpcException(new Status(StatusCode.Unavailable, "the storage subscription ended"));
            if (!_connected)
            {
                throw ended;
            }

            // Storage ended the stream (e.g. shutting down): resubscribe.
            projection.MarkFailed(ended);
            TimelineServiceLog.SubscriptionLost(logger, ended, projection.Current.Position, options.Value.ReconnectMinDelay);
            return false;
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.OutOfRange)
        {
            // Our position is beyond the end of storage's log: it is not the log we projected. Rebuild.
            TimelineServiceLog.Rebuilding(logger, e, projection.Current.Position);
            projection.Reset();
            return true;
        }
        catch (Exception e) when (_connected && !stoppingToken.IsCancellationRequested)
        {
            projection.MarkFailed(e);
            TimelineServiceLog.SubscriptionLost(logger, e, projection.Current.Position, options.Value.ReconnectMinDelay);
            return false;
        }
    }

    /// <summary>One subscription, until it ends or fails; <see cref="_connected"/> once it got a message.</summary>
    private async Task SubscribeAsync(CancellationToken stoppingToken)
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

        await foreach (var message in call.ResponseStream.ReadAllAsync(stoppingToken))
        {
            if (!_connected)
            {
                _connected = true;
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
    }
}
