using System.Threading.Channels;
using Timeline.Domain.Validation;
using Timeline.V1;

namespace Timeline.StorageService.Storage;

/// <summary>
/// Hands each committed revision to the live subscribers. The writer never waits for a reader:
/// each subscriber has a bounded queue (see LiveFeed), and one whose queue is full is marked as overflowed and
/// ends its stream, to resume later from its last position.
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
    public (LiveFeed Feed, long Head) Register()
    {
        lock (gate)
        {
            if (feeds.Count >= maxSubscribers)
            {
                throw new ProblemException(ProblemKind.ResourceExhausted, "TOO_MANY_SUBSCRIBERS", $"the service already serves {maxSubscribers} subscriptions; try again later");
            }

            var feed = new LiveFeed(this, bufferSize);
            feeds.Add(feed);
            return (feed, head);
        }
    }

    /// <summary>Called by the writer after each commit, with the new revisions in position order.</summary>
    public void Publish(CommitGroup committed)
    {
        if (committed.Records.Count == 0)
        {
            return;
        }

        lock (gate)
        {
            head = committed.Records[^1].Position;
            foreach (var feed in feeds)
            {
                feed.Offer(committed);
            }
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

            Interlocked.Add(ref waiting, committed.Records.Count);
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
/// </summary>
internal sealed record CommitGroup(IReadOnlyList<EventRecord> Records, IReadOnlyDictionary<long, string> PreviousDeadlineIds);
