using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using Timeline.Domain.Events;
using Timeline.Domain.Validation;

namespace Timeline.StorageService.Storage;

/// <summary>
/// Opens subscriptions to the log (ARCHITECTURE §6, docs/adr/0002), the same on every backend: the
/// live feed comes from this instance's <see cref="LogBroadcaster"/>, the catch-up from
/// <see cref="IEventLog.ReadAfterAsync"/>.
/// </summary>
internal sealed class Subscriptions(IEventLog log, LogBroadcaster broadcaster, TimeProvider time, IOptions<StorageOptions> options, ILogger<Subscriptions> logger)
{
    /// <summary>
    /// Checks where the subscription starts and registers its live feed; the subscription's
    /// <see cref="Subscription.Head"/> is what its catch-up reads up to.
    /// </summary>
    /// <exception cref="ProblemException">OUT_OF_RANGE on <c>from_position</c> past the log's head
    /// (a negative one is the request's to refuse: <c>StorageRequests</c>).</exception>
    public async Task<Subscription> OpenAsync(LogPosition from, EventCriteria criteria, SubscriptionBatches batches, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(from.Value, nameof(from));

        if (from > broadcaster.HeadPosition)
        {
            // Another instance on the same database may have committed it, and the tail not read it yet.
            var head = await log.ReadHeadAsync(cancellationToken);
            if (from > head)
            {
                throw new ProblemException(ProblemKind.OutOfRange, "POSITION_BEYOND_HEAD", $"from_position: {from} is beyond the end of the log ({head})",
                    [new FieldViolation("from_position", $"beyond the end of the log ({head})")]);
            }
        }

        return new Subscription(log, broadcaster, time, options.Value, logger, from, criteria, batches);
    }
}

/// <summary>
/// One subscription, read by one loop: catch up from the database strictly after the start,
/// <see cref="StreamMessage.CaughtUp"/>, then live revisions from a bounded feed (both as
/// <see cref="StreamMessage.Revisions"/>, cut to the subscriber's <see cref="SubscriptionBatches"/>), with a
/// <see cref="StreamMessage.Checkpoint"/> at least every <c>CheckpointInterval</c> while nothing
/// matching is sent, whatever else commits, and while nothing commits at all (the same position
/// again: a heartbeat, so a subscriber tells a quiet log from a stalled service). Registering the live feed before reading the database,
/// and skipping what was already sent, gives no gap and no duplicate.
/// </summary>
internal sealed class Subscription : IDisposable
{
    private const int CatchUpPage = 500;

    private readonly IEventLog log;
    private readonly LogBroadcaster broadcaster;
    private readonly TimeProvider time;
    private readonly StorageOptions options;
    private readonly ILogger logger;
    private readonly LogPosition from;
    private readonly EventCriteria criteria;
    private LogBroadcaster.LiveFeed feed;

    public Subscription(
        IEventLog log, LogBroadcaster broadcaster, TimeProvider time, StorageOptions options, ILogger logger, LogPosition from, EventCriteria criteria, SubscriptionBatches batches)
    {
        Batches = batches;
        this.log = log;
        this.broadcaster = broadcaster;
        this.time = time;
        this.options = options;
        this.logger = logger;
        this.from = from;
        this.criteria = criteria;
        (feed, Head) = broadcaster.Register();
    }

    /// <summary>The head when the subscription started: its catch-up reads the database up to here.</summary>
    public LogPosition Head { get; }

    /// <summary>One revision per message, or batches within these bounds.</summary>
    public SubscriptionBatches Batches { get; }

    /// <exception cref="ProblemException">RESOURCE_EXHAUSTED when the subscriber fell a whole buffer
    /// behind; UNAVAILABLE when the service stops or the database cannot be read.</exception>
    public async IAsyncEnumerable<StreamMessage> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var last = from;
        var upTo = Head;

        // Catch up from the database; if the live feed overflowed meanwhile, register again and keep
        // reading. The next page is read while this one is written: the writer waits for the client
        // (HTTP/2 flow control), the reader for the database, and neither needs to wait for the other.
        Task<IReadOnlyList<WireRevision>>? next = null;

        // A page fills a batch of the largest size asked for.
        var pageSize = Math.Max(CatchUpPage, Batches.MaxRevisions);
        try
        {
            while (true)
            {
                next = last < upTo ? log.ReadAfterAsync(last, upTo, criteria, pageSize, cancellationToken) : null;
                while (next is not null)
                {
                    var page = await next;
                    last = page.Count < pageSize ? upTo : page[^1].LogPosition;
                    next = last < upTo ? log.ReadAfterAsync(last, upTo, criteria, pageSize, cancellationToken) : null;
                    if (page.Count > 0)
                    {
                        // The last of a page is sent at once; the batches before it go with it.
                        foreach (var (batch, lastOfPage) in Batches.Cut(page))
                        {
                            yield return new StreamMessage.Revisions(batch, MoreFollows: !lastOfPage);
                        }
                    }
                }

                if (!feed.Overflowed)
                {
                    break;
                }

                feed.Dispose();
                (feed, upTo) = broadcaster.Register();
            }
        }
        finally
        {
            // A stream that ends while a page is being read: let the read finish, its rows unused, its failure unobserved by anyone else.
            if (next is not null)
            {
                await ((Task)next).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }

        yield return new StreamMessage.CaughtUp(last);

        var matcher = new EventFilterMatcher(criteria);
        var reader = feed.Reader;
        var interval = options.CheckpointInterval;

        // One deadline for the next checkpoint, moved only when something is sent: a wake-up for
        // revisions that do not match must not postpone it (issue 14, item 5).
        var due = time.GetUtcNow() + interval;
        while (true)
        {
            var wait = due - time.GetUtcNow();
            if (wait <= TimeSpan.Zero)
            {
                yield return new StreamMessage.Checkpoint(last);
                due = time.GetUtcNow() + interval;
                continue;
            }

            bool more;
            using (var timer = new CancellationTokenSource(wait, time))
            using (var tick = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token))
            {
                try
                {
                    more = await reader.WaitToReadAsync(tick.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    continue;
                }
            }

            if (!more)
            {
                break;
            }

            // What is waiting is taken (up to a page of matching revisions), then sent in one write:
            // batches, or one message per revision.
            var matching = new List<WireRevision>();
            while (matching.Count < pageSize && reader.TryRead(out var group))
            {
                feed.Taken(group.Revisions.Count);
                foreach (var revision in group.Revisions)
                {
                    var position = revision.LogPosition;
                    if (position <= last)
                    {
                        continue;
                    }

                    last = position;
                    if (matcher.Matches(revision.ToRecord(), group.PreviousDeadlineIds.GetValueOrDefault(revision.Position)))
                    {
                        matching.Add(WireRevision.Of(revision));
                    }
                }
            }

            if (matching.Count > 0)
            {
                foreach (var (batch, lastTaken) in Batches.Cut(matching))
                {
                    yield return new StreamMessage.Revisions(batch, MoreFollows: !lastTaken);
                }

                due = time.GetUtcNow() + interval;
            }
        }

        // The feed ended: the subscriber fell behind, or the service is stopping.
        await reader.Completion;
        if (feed.Overflowed)
        {
            StorageLog.SubscriberOverflow(logger, last.Value);
            throw new ProblemException(ProblemKind.ResourceExhausted, "SUBSCRIBER_TOO_SLOW",
                $"the subscriber fell {options.SubscriberBufferSize} revisions behind; resume with from_position = {last}");
        }
    }

    public void Dispose() => feed.Dispose();
}
