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

    // When storage last sent anything on the subscription (a TransportClock timestamp).
    private long _lastHeard;

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
            projection.MarkFailed(e, _lastHeard);
            TimelineServiceLog.SubscriptionLost(logger, e, projection.Current.Position, options.Value.ReconnectMinDelay);
            return false;
        }
    }

    /// <summary>
    /// One subscription, until it ends or fails; <see cref="_connected"/> once it got a message.
    /// Storage sends at least a checkpoint every <c>Storage:CheckpointInterval</c>, so a subscription
    /// silent for <see cref="TimelineOptions.StorageTimeout"/> (headers included) is a stalled storage
    /// (a paused process, a black-holed network): it is ended as UNAVAILABLE and made again, instead
    /// of waiting for HTTP/2 keep-alive pings to give up half a minute later.
    /// </summary>
    private async Task SubscribeAsync(CancellationToken stoppingToken)
    {
        var from = projection.Current.Position;
        var silence = options.Value.StorageTimeout;
        TimelineServiceLog.Subscribing(logger, options.Value.StorageAddress, from);
        var request = new SubscribeEventsRequest
        {
            FromPosition = from,
            Filter = new EventFilter { DeadlineEffectsOnly = true },

            // Catch-up in batches (a rebuild reads the whole log): as many as storage puts in one.
            MaxBatchRevisions = 1_000,
        };
        using var quiet = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        quiet.CancelAfter(silence);
        try
        {
            using var call = storage.SubscribeEvents(request, cancellationToken: quiet.Token);
            var headers = await call.ResponseHeadersAsync;
            if (long.TryParse(headers.GetValue(EventStoreHeaders.HeadPosition), NumberStyles.None, CultureInfo.InvariantCulture, out var head))
            {
                projection.SawStorageHead(head);
            }

            await foreach (var message in call.ResponseStream.ReadAllAsync(quiet.Token))
            {
                quiet.CancelAfter(silence);
                _lastHeard = projection.TransportClock.GetTimestamp();
                if (!_connected)
                {
                    _connected = true;
                    projection.MarkConnected();
                }

                switch (message.MessageCase)
                {
                    case SubscribeEventsResponse.MessageOneofCase.Batch:
                        projection.Apply(message.Batch.Events);
                        break;
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
        catch (Exception e) when (quiet.IsCancellationRequested && !stoppingToken.IsCancellationRequested && e is OperationCanceledException or RpcException)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, $"storage sent nothing for {silence.TotalSeconds:0.#} s (Timeline:StorageTimeout); it may be stalled"));
        }
    }
}
