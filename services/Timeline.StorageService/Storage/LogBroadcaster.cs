using System.Threading.Channels;
using Timeline.Domain.Validation;

namespace Timeline.StorageService.Storage;

/// <summary>
/// Hands each committed revision to the live subscribers, in position order, each once. A writer
/// never waits for a reader: each subscriber has a bounded queue (see LiveFeed), and one whose
/// queue is full is marked as overflowed and ends its stream, to resume later from its last position.
/// The head is the last position delivered: every revision up to it is in the database.
/// </summary>
internal sealed class LogBroadcaster(int bufferSize, int maxSubscribers)
{
    private readonly Lock gate = new();
    private readonly HashSet<LiveFeed> feeds = [];
    private long head;

    public long Head
    {
        get
        {
            lock (gate)
            {
                return head;
            }
        }
    }

    public LogPosition HeadPosition => new(Head);

    public int Count
    {
        get
        {
            lock (gate)
            {
                return feeds.Count;
            }
        }
    }

    public void Initialize(long position)
    {
        lock (gate)
        {
            head = position;
        }
    }

    /// <summary>
    /// Registers a feed and returns the head at that moment: every revision after it will arrive
    /// through the feed, every revision up to it is already in the database.
    /// </summary>
    public (LiveFeed Feed, LogPosition Head) Register()
    {
        lock (gate)
        {
            if (feeds.Count >= maxSubscribers)
            {
                throw new ProblemException(ProblemKind.ResourceExhausted, "TOO_MANY_SUBSCRIBERS", $"the service already serves {maxSubscribers} subscriptions; try again later");
            }

            var feed = new LiveFeed(this, bufferSize);
            feeds.Add(feed);
            return (feed, new LogPosition(head));
        }
    }

    /// <summary>
    /// Hands committed revisions (in position order) to every feed: the ones after the head, the
    /// others were delivered already. For a source that reads the log itself: the single SQLite
    /// writer, or a tail reader of the database's committed prefix.
    /// </summary>
    public void Publish(CommitGroup committed) => Deliver(committed, requireNext: false);

    /// <summary>
    /// Like <see cref="Publish"/>, but only when the group continues the head without a gap: an
    /// instance's own commit, when other instances may have committed the positions before it and
    /// the tail has not read them yet. False when it does not (nothing is delivered then: the tail
    /// reader brings the group from the database in order).
    /// </summary>
    public bool TryPublishNext(CommitGroup committed) => Deliver(committed, requireNext: true);

    private bool Deliver(CommitGroup committed, bool requireNext)
    {
        var records = committed.Revisions;
        lock (gate)
        {
            var skip = 0;
            while (skip < records.Count && records[skip].Position <= head)
            {
                skip++;
            }

            if (skip == records.Count)
            {
                return true;
            }

            if (requireNext && records[skip].Position != head + 1)
            {
                return false;
            }

            var group = skip == 0 ? committed : committed with { Revisions = [.. records.Skip(skip)] };
            head = records[^1].Position;
            foreach (var feed in feeds)
            {
                feed.Offer(group);
            }

            return true;
        }
    }

    /// <summary>Ends every feed, e.g. at shutdown.</summary>
    public void CompleteAll(Exception? error = null)
    {
        lock (gate)
        {
            foreach (var feed in feeds)
            {
                feed.Complete(error);
            }
        }
    }

    private void Remove(LiveFeed feed)
    {
        lock (gate)
        {
            feeds.Remove(feed);
        }
    }

    /// <summary>
    /// One subscriber's queue of committed groups of revisions. A group is shared, read-only, by
    /// every feed. The feed takes a group while fewer than its capacity of revisions are waiting,
    /// so its memory stays under capacity plus one commit group, and a healthy reader never
    /// overflows however large a single commit is.
    /// </summary>
    internal sealed class LiveFeed(LogBroadcaster owner, int capacity) : IDisposable
    {
        private readonly Channel<CommitGroup> channel = System.Threading.Channels.Channel.CreateUnbounded<CommitGroup>(
            new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

        private int waiting;
        private volatile bool overflowed;

        public ChannelReader<CommitGroup> Reader => channel.Reader;

        /// <summary>True once the subscriber fell a whole buffer behind and revisions were dropped.</summary>
        public bool Overflowed => overflowed;

        public void Offer(CommitGroup committed)
        {
            if (overflowed)
            {
                return;
            }

            if (Volatile.Read(ref waiting) >= capacity)
            {
                overflowed = true;
                channel.Writer.TryComplete();
                return;
            }

            Interlocked.Add(ref waiting, committed.Revisions.Count);
            channel.Writer.TryWrite(committed);
        }

        /// <summary>The reader took a group off the queue.</summary>
        public void Taken(int count) => Interlocked.Add(ref waiting, -count);

        public void Complete(Exception? error) => channel.Writer.TryComplete(error);

        public void Dispose()
        {
            channel.Writer.TryComplete();
            owner.Remove(this);
        }
    }
}

/// <summary>
/// The revisions one transaction committed, in position order, with the deadline each one's
/// previous revision bore on (by position), so a deadline follower sees an event leave a deadline.
/// The same <see cref="StoredRevision"/> objects reach every feed, so each one's wire form
/// (<see cref="StoredRevision.Entry"/>) is made once however many subscribers send it.
/// </summary>
internal sealed record CommitGroup(IReadOnlyList<StoredRevision> Revisions, IReadOnlyDictionary<long, string> PreviousDeadlineIds);
