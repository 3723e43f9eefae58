using Dapper;
using Grpc.Core;
using Microsoft.Extensions.Options;
using Timeline.Domain.Events;
using Timeline.Domain.Validation;
using Timeline.Storage.V1;
using Timeline.V1;

namespace Timeline.StorageService.Storage;

/// <summary>
/// One SubscribeEvents stream (ARCHITECTURE §6), with a single writer loop: catch up from the
/// database strictly after <c>from_position</c>, say <c>caught_up</c>, then send live revisions
/// from a bounded feed, with periodic checkpoints. Registering the live feed before reading the
/// database, and skipping what was already sent, gives no gap and no duplicate.
/// </summary>
internal sealed class Subscription(EventLog log, LogBroadcaster broadcaster, TimeProvider time, IOptions<StorageOptions> options, ILogger<Subscription> logger)
{
    private const int CatchUpPage = 500;

    /// <summary>The response header that tells a subscriber the log's head when its stream starts, so it can tell how far behind it is.</summary>
    public const string HeadPositionHeader = "timeline-head-position";

    /// <param name="announceHead">Called once the request is accepted, with the head the catch-up reads up to.</param>
    public async Task RunAsync(SubscribeEventsRequest request, IServerStreamWriter<SubscribeEventsResponse> stream, Func<long, Task> announceHead, CancellationToken cancellationToken)
    {
        if (request.FromPosition < 0)
        {
            throw ProblemException.Invalid("from_position", "must not be negative (0 = from the start)");
        }

        var filterParameters = FilterParameters.Bind(request.Filter, options.Value.Limits);
        var matcher = new EventFilterMatcher(request.Filter);
        var head = broadcaster.Head;
        if (request.FromPosition > head)
        {
            throw new ProblemException(ProblemKind.OutOfRange, "POSITION_BEYOND_HEAD", $"from_position: {request.FromPosition} is beyond the end of the log ({head})",
                [new FieldViolation("from_position", $"beyond the end of the log ({head})")]);
        }

        var (feed, registeredHead) = broadcaster.Register();
        try
        {
            await announceHead(registeredHead);
            var last = request.FromPosition;

            // Catch up from the database; if the live feed overflowed meanwhile, register again and keep reading.
            while (true)
            {
                last = await CatchUpAsync(last, registeredHead, filterParameters, stream, cancellationToken);
                if (!feed.Overflowed)
                {
                    break;
                }

                feed.Dispose();
                (feed, registeredHead) = broadcaster.Register();
            }

            await stream.WriteAsync(new SubscribeEventsResponse { CaughtUp = new CaughtUp { Position = last } }, cancellationToken);
            await FollowAsync(feed, last, matcher, stream, cancellationToken);
        }
        finally
        {
            feed.Dispose();
        }
    }

    private async Task<long> CatchUpAsync(long last, long upTo, DynamicParameters filter, IServerStreamWriter<SubscribeEventsResponse> stream, CancellationToken cancellationToken)
    {
        while (last < upTo)
        {
            var page = await log.ReadAfterAsync(last, upTo, filter, CatchUpPage, cancellationToken);
            foreach (var record in page)
            {
                await stream.WriteAsync(new SubscribeEventsResponse { Event = record }, cancellationToken);
            }

            if (page.Count < CatchUpPage)
            {
                return upTo;
            }

            last = page[^1].Position;
        }

        return Math.Max(last, upTo);
    }

    private async Task FollowAsync(LogBroadcaster.LiveFeed feed, long last, EventFilterMatcher matcher, IServerStreamWriter<SubscribeEventsResponse> stream, CancellationToken cancellationToken)
    {
        var reader = feed.Reader;
        var checkpointed = last;
        var interval = options.Value.CheckpointInterval;
        while (true)
        {
            using var timer = new CancellationTokenSource(interval, time);
            using var tick = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
            bool more;
            try
            {
                more = await reader.WaitToReadAsync(tick.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                if (last > checkpointed)
                {
                    await stream.WriteAsync(new SubscribeEventsResponse { Checkpoint = new Checkpoint { Position = last } }, cancellationToken);
                    checkpointed = last;
                }

                continue;
            }

            if (!more)
            {
                break;
            }

            while (reader.TryRead(out var group))
            {
                feed.Taken(group.Records.Count);
                foreach (var record in group.Records)
                {
                    if (record.Position <= last)
                    {
                        continue;
                    }

                    last = record.Position;
                    if (matcher.Matches(record, group.PreviousDeadlineIds.GetValueOrDefault(record.Position)))
                    {
                        await stream.WriteAsync(new SubscribeEventsResponse { Event = record }, cancellationToken);
                        checkpointed = last;
                    }
                }
            }
        }

        // The feed ended: the subscriber fell behind, or the service is stopping.
        await reader.Completion;
        if (feed.Overflowed)
        {
            StorageLog.SubscriberOverflow(logger, last);
            throw new ProblemException(ProblemKind.ResourceExhausted, "SUBSCRIBER_TOO_SLOW",
                $"the subscriber fell {options.Value.SubscriberBufferSize} revisions behind; resume with from_position = {last}");
        }
    }
}
