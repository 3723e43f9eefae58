using Grpc.Core;
using Timeline.Domain.Validation;
using Timeline.TimelineServer.Deadlines;
using Timeline.TimelineServer.Grpc;

namespace Timeline.TimelineServer.Page;

/// <summary>
/// Every deadline's status for all the open page feeds of this replica (docs/PAGE.md): one watch
/// (<see cref="DeadlineWatch"/>, as WatchDeadlines runs it, over every deadline) whose statuses are
/// formatted once as server-sent events and shared, as the same bytes, by every page. A page that
/// subscribes gets the current status of each deadline and the caught-up marker as one item of its
/// queue (shared, not copied), then each change as it comes; both under one lock, so a page misses
/// no change and sees none twice. The watch runs while at least one page is subscribed.
/// </summary>
public sealed class DeadlineFeed(DeadlineProjection projection, DeadlineWatch watch, ILogger<DeadlineFeed> logger)
{
    private readonly Lock _gate = new();
    private Run? _run;

    /// <summary>What a page's feed offers the shared statuses to.</summary>
    public interface ISubscriber
    {
        /// <summary>False when the page's queue is full: the feed then ends the page's stream.</summary>
        bool Offer(FeedItem item);

        /// <summary>The page is too slow, or the shared watch failed (with the feed-error it is to be told).</summary>
        void End(FeedItem? error);
    }

    /// <summary>The statuses from now on, until the returned subscription is disposed.</summary>
    public IDisposable Subscribe(ISubscriber subscriber)
    {
        Run run;
        var refused = false;
        lock (_gate)
        {
            if (_run is null)
            {
                var started = new Run();
                _run = started;
                _ = Task.Run(() => WatchAsync(started));
            }

            run = _run;
            run.Subscribers.Add(subscriber);

            // A page that joins a running watch: the current statuses, then the changes.
            refused = run.IsCaughtUp && !subscriber.Offer(run.Snapshot(projection));
        }

        if (refused)
        {
            subscriber.End(null);
        }

        return new Subscription(this, run, subscriber);
    }

    private void Unsubscribe(Run run, ISubscriber subscriber)
    {
        lock (_gate)
        {
            if (!run.Subscribers.Remove(subscriber) || run.Subscribers.Count > 0 || _run != run)
            {
                return;
            }

            // The last page left: stop the watch (the next page starts another).
            _run = null;
        }

        try
        {
            run.Stop.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The watch had ended already.
        }
    }

    private async Task WatchAsync(Run run)
    {
        FeedItem? error = null;
        try
        {
            await foreach (var update in watch.WatchAsync([], run.Stop.Token))
            {
                var proto = DeadlineMapping.ToProto(update, projection.LagAt(update.Position));
                var frame = FeedItem.Of(LiveFeed.Frame(update is WatchUpdate.CaughtUp ? "deadlines-caught-up" : "deadline", LiveFeed.Json.Format(proto), id: null));
                List<ISubscriber>? slow = null;
                lock (_gate)
                {
                    if (update is WatchUpdate.Status status)
                    {
                        run.Change(status.Value.DeadlineId, frame, update.Position);
                        if (run.IsCaughtUp)
                        {
                            foreach (var subscriber in run.Subscribers)
                            {
                                if (!subscriber.Offer(frame))
                                {
                                    (slow ??= []).Add(subscriber);
                                }
                            }
                        }
                    }
                    else
                    {
                        // The first full set: every page subscribed so far gets it at once.
                        run.CaughtUp((WatchUpdate.CaughtUp)update);
                        var snapshot = run.Snapshot(projection);
                        foreach (var subscriber in run.Subscribers)
                        {
                            if (!subscriber.Offer(snapshot))
                            {
                                (slow ??= []).Add(subscriber);
                            }
                        }
                    }
                }

                foreach (var subscriber in slow ?? [])
                {
                    subscriber.End(null);
                }
            }
        }
        catch (OperationCanceledException) when (run.Stop.IsCancellationRequested)
        {
        }
        catch (ProblemException e)
        {
            error = LiveFeed.FeedError(StatusCode.Unavailable, e.Message, retry: true);
        }
        catch (Exception e)
        {
            TimelineServiceLog.LiveFeedFailed(logger, e);
            error = LiveFeed.FeedError(StatusCode.Internal, "the live feed failed on the server; reconnecting", retry: true);
        }

        List<ISubscriber> left;
        lock (_gate)
        {
            if (_run == run)
            {
                _run = null;
            }

            left = [.. run.Subscribers];
            run.Subscribers.Clear();
        }

        run.Stop.Dispose();
        if (error is not null)
        {
            // Each page is told why and ends its stream; it reconnects, and its new subscription starts another watch.
            foreach (var subscriber in left)
            {
                subscriber.End(error);
            }
        }
    }

    /// <summary>One watch and the pages it feeds; guarded by the feed's lock.</summary>
    private sealed class Run
    {
        private readonly Dictionary<string, FeedItem> _statuses = new(StringComparer.Ordinal);
        private FeedItem? _snapshot;
        private WatchUpdate.CaughtUp? _caughtUp;
        private long _position;

        public CancellationTokenSource Stop { get; } = new();

        public List<ISubscriber> Subscribers { get; } = [];

        public bool IsCaughtUp => _caughtUp is not null;

        /// <summary>A deadline's new status (it keeps its place: statuses are sent in the watch's first order).</summary>
        public void Change(string deadlineId, FeedItem frame, long position)
        {
            _statuses[deadlineId] = frame;
            _position = Math.Max(_position, position);
            _snapshot = null;
        }

        public void CaughtUp(WatchUpdate.CaughtUp caughtUp)
        {
            _caughtUp = caughtUp;
            _position = Math.Max(_position, caughtUp.Position);
            _snapshot = null;
        }

        /// <summary>Every current status and the caught-up marker, built once per change and shared by the pages that join meanwhile.</summary>
        public FeedItem Snapshot(DeadlineProjection projection)
        {
            if (_snapshot is null)
            {
                var marker = _caughtUp! with { Position = _position };
                var proto = DeadlineMapping.ToProto(marker, projection.LagAt(marker.Position));
                var frames = new List<byte[]>(_statuses.Count + 1);
                frames.AddRange(_statuses.Values.Select(f => f.Frames[0]));
                frames.Add(LiveFeed.Frame("deadlines-caught-up", LiveFeed.Json.Format(proto), id: null));
                _snapshot = new FeedItem([.. frames]);
            }

            return _snapshot;
        }
    }

    private sealed class Subscription(DeadlineFeed feed, Run run, ISubscriber subscriber) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                feed.Unsubscribe(run, subscriber);
            }
        }
    }
}

/// <summary>
/// What a page's queue holds: one or more whole server-sent events as UTF-8, immutable, so one item
/// can sit in every page's queue at once (the shared deadline statuses) without a copy per page.
/// </summary>
public sealed class FeedItem
{
    public FeedItem(byte[][] frames)
    {
        Frames = frames;
        Bytes = frames.Sum(f => (long)f.Length);
    }

    public byte[][] Frames { get; }

    public long Bytes { get; }

    public static FeedItem Of(byte[] frame) => new([frame]);
}
