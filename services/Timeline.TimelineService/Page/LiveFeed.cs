using System.Buffers;
using System.Globalization;
using System.Text;
using System.Threading.Channels;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Primitives;
using Timeline.Domain.Validation;
using Timeline.ServiceDefaults;
using Timeline.ServiceDefaults.HttpJson;
using Timeline.Storage.V1;
using Timeline.TimelineServer.Deadlines;
using Timeline.V1;

namespace Timeline.TimelineServer.Page;

/// <summary>
/// The page's live feed, as server-sent events (docs/PAGE.md): the chronology's new revisions
/// (storage's subscription, with the page's filter) and every deadline's status (one watch shared by
/// every page of this replica, <see cref="DeadlineFeed"/>). Each revision and each checkpoint
/// carries its log position as the event id, so a page that lost its connection sends the last one
/// back (<c>Last-Event-ID</c>) and gets exactly what came after it, on this replica or another.
/// Deadline statuses are state, sent whole on every connection. One writer loop; the sources feed
/// it through a queue bounded by the bytes it holds, and a page that lets it fill is disconnected
/// (it resumes from its last id) rather than allowed to hold up the others.
/// </summary>
public sealed class LiveFeed(
    EventStoreService.EventStoreServiceClient storage,
    DeadlineProjection projection,
    DeadlineFeed deadlines,
    ErrorDomain domain,
    IHostApplicationLifetime lifetime,
    ILogger<LiveFeed> logger)
{
    /// <summary>Protobuf JSON (lowerCamelCase names, default values left out), as the HTTP/JSON routes write it.</summary>
    internal static readonly JsonFormatter Json = new(JsonFormatter.Settings.Default);

    /// <summary>
    /// Bytes one page may have waiting before it is disconnected. An item is refused only once this
    /// much waits, so the deadline statuses a page is sent on connecting (one shared item, however
    /// many deadlines there are) always fit.
    /// </summary>
    public const long MaxQueuedBytes = 1024 * 1024;

    /// <summary>How often the feed says how far storage's log has gone, so the page can tell when it is behind.</summary>
    public static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(1);

    /// <summary>Written bytes are flushed to the connection at least this often (and whenever the queue is empty).</summary>
    private const int FlushBytes = 16 * 1024;

    /// <summary>How many recent revisions' entry events are kept for the other pages (a power of two).</summary>
    private const int RecentEntries = 256;

    private readonly RecentEntry?[] _recentEntries = new RecentEntry?[RecentEntries];

    /// <summary>The last progress event, shared by every page until the figures change.</summary>
    private volatile ProgressItem? _progress;

    public async Task StreamAsync(HttpContext context)
    {
        var response = context.Response;
        PageEndpoints.Secure(response);
        EventFilter filter;
        long? resumeAfter;
        try
        {
            filter = Filter(context.Request.Query);
            resumeAfter = After(context.Request);
            await projection.WaitUntilCaughtUpAsync(context.RequestAborted);
        }
        catch (ProblemException problem)
        {
            await JsonStatus.WriteAsync(response, ProblemStatus.From(problem, domain.Name), context.RequestAborted);
            return;
        }

        // A first connection starts where the projection has read the log to: the page then reads
        // the chronology (which holds every position up to it) and adds what the feed brings after.
        var after = resumeAfter ?? projection.Current.Position;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache, no-store";
        PageEndpoints.Unbuffered(context);

        // A service that stops ends its feeds at once (pages resume elsewhere), not after Kestrel's shutdown timeout.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        var queue = new PageQueue(stop, logger);
        queue.Send(Frame("hello", $"{{\"position\":\"{after}\",\"resumed\":{(resumeAfter is null ? "false" : "true")}}}", after));
        var sources = new[]
        {
            Guard(EntriesAsync(filter, after, queue.Send, stop.Token), queue, stop),
            Guard(ProgressAsync(queue, stop.Token), queue, stop),
        };
        var subscription = deadlines.Subscribe(queue);
        try
        {
            await WriteAsync(queue, response.BodyWriter, stop.Token);
        }
        catch (OperationCanceledException)
        {
            // The page went away, a source ended the stream, or the page fell behind.
        }
        catch (IOException)
        {
            // The connection broke while writing.
        }
        finally
        {
            subscription.Dispose();
            await stop.CancelAsync();
            await Task.WhenAll(sources);
        }
    }

    /// <summary>The writer loop: each item's bytes as they are (shared items are not copied first), flushed in pieces so the connection's buffer stays small.</summary>
    private static async Task WriteAsync(PageQueue queue, System.IO.Pipelines.PipeWriter body, CancellationToken cancellationToken)
    {
        var unflushed = 0;
        await foreach (var item in queue.ReadAllAsync(cancellationToken))
        {
            foreach (var frame in item.Frames)
            {
                body.Write(new ReadOnlySpan<byte>(frame));
                unflushed += frame.Length;
                if (unflushed >= FlushBytes)
                {
                    unflushed = 0;
                    if ((await body.FlushAsync(cancellationToken)).IsCompleted)
                    {
                        return;
                    }
                }
            }

            if (queue.IsEmpty && unflushed > 0)
            {
                unflushed = 0;
                if ((await body.FlushAsync(cancellationToken)).IsCompleted)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Every revision after <paramref name="after"/> that matches the filter, then each as it is stored; checkpoints move the id on.</summary>
    private async Task EntriesAsync(EventFilter filter, long after, Action<byte[]> send, CancellationToken cancellationToken)
    {
        using var call = storage.SubscribeEvents(new SubscribeEventsRequest { FromPosition = after, Filter = filter }, cancellationToken: cancellationToken);
        await foreach (var message in call.ResponseStream.ReadAllAsync(cancellationToken))
        {
            switch (message.MessageCase)
            {
                case SubscribeEventsResponse.MessageOneofCase.Event:
                    send(EntryFrame(message.Event));
                    break;
                case SubscribeEventsResponse.MessageOneofCase.CaughtUp:
                    send(Frame("caught-up", $"{{\"position\":\"{message.CaughtUp.Position}\"}}", message.CaughtUp.Position));
                    break;
                case SubscribeEventsResponse.MessageOneofCase.Checkpoint:
                    send(Frame("checkpoint", $"{{\"position\":\"{message.Checkpoint.Position}\"}}", message.Checkpoint.Position));
                    break;
            }
        }
    }

    /// <summary>
    /// A revision as an <c>entry</c> event. Every page whose filter takes it gets the same bytes: the
    /// last few revisions' events are kept by log position (a position is one revision), so a revision
    /// that reaches 1,000 pages is formatted about once, not 1,000 times.
    /// </summary>
    private byte[] EntryFrame(EventRecord revision)
    {
        var slot = (int)(revision.Position & (RecentEntries - 1));
        if (Volatile.Read(ref _recentEntries[slot]) is { } recent && recent.Position == revision.Position)
        {
            return recent.Frame;
        }

        var frame = Frame("entry", Json.Format(revision), revision.Position);
        Volatile.Write(ref _recentEntries[slot], new RecentEntry(revision.Position, frame));
        return frame;
    }

    private async Task ProgressAsync(PageQueue queue, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(ProgressInterval);
        do
        {
            queue.Send(Progress());
        }
        while (await timer.WaitForNextTickAsync(cancellationToken));
    }

    /// <summary>Storage's known head, the projection's lag and whether it follows storage, as one event shared by the pages while the figures hold.</summary>
    private FeedItem Progress()
    {
        var (head, lag, live) = (projection.StorageHead, projection.Lag, projection.IsLive);
        if (_progress is { } last && last.Head == head && last.Lag == lag && last.Live == live)
        {
            return last.Item;
        }

        var item = FeedItem.Of(Frame("progress", $"{{\"storageHead\":\"{head}\",\"projectionLag\":\"{lag}\",\"live\":{(live ? "true" : "false")}}}", id: null));
        _progress = new ProgressItem(head, lag, live, item);
        return item;
    }

    /// <summary>Runs a source; when it fails, the page is told why and the stream ends (the page reconnects).</summary>
    private async Task Guard(Task source, PageQueue queue, CancellationTokenSource stop)
    {
        try
        {
            await source;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return;
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled && stop.IsCancellationRequested)
        {
            return;
        }
        catch (RpcException e)
        {
            var retry = e.StatusCode is not (StatusCode.InvalidArgument or StatusCode.OutOfRange or StatusCode.PermissionDenied or StatusCode.Unauthenticated);
            queue.Send(FeedError(e.StatusCode, e.Status.Detail, retry));
        }
        catch (ProblemException e)
        {
            queue.Send(FeedError(StatusCode.Unavailable, e.Message, retry: true));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            TimelineServiceLog.LiveFeedFailed(logger, e);
            queue.Send(FeedError(StatusCode.Internal, "the live feed failed on the server; reconnecting", retry: true));
        }

        // Let the error reach the page, then end the stream.
        await Task.Delay(TimeSpan.FromMilliseconds(50), CancellationToken.None);
        await stop.CancelAsync();
    }

    /// <summary>Why the feed stopped, and whether the page should reconnect.</summary>
    internal static FeedItem FeedError(StatusCode code, string message, bool retry) =>
        FeedItem.Of(Frame("feed-error", $"{{\"code\":{(int)code},\"message\":{System.Text.Json.JsonSerializer.Serialize(message)},\"retry\":{(retry ? "true" : "false")}}}", id: null));

    /// <summary>One server-sent event; data is one line of JSON (protobuf JSON writes no raw newline).</summary>
    internal static string Message(string type, string data, long? id)
    {
        var text = new StringBuilder();
        if (id is { } position)
        {
            text.Append("id: ").Append(position.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        text.Append("event: ").Append(type).Append('\n');
        text.Append("data: ").Append(data.Replace("\n", "", StringComparison.Ordinal).Replace("\r", "", StringComparison.Ordinal)).Append("\n\n");
        return text.ToString();
    }

    /// <summary><see cref="Message"/> as the UTF-8 bytes written to the connection.</summary>
    internal static byte[] Frame(string type, string data, long? id) => Encoding.UTF8.GetBytes(Message(type, data, id));

    private sealed record RecentEntry(long Position, byte[] Frame);

    private sealed record ProgressItem(long Head, long Lag, bool Live, FeedItem Item);

    /// <summary>
    /// One page's queue: what its sources and the shared deadline statuses wait in until the writer
    /// loop writes them, bounded by <see cref="MaxQueuedBytes"/>. Items are shared, never copied.
    /// </summary>
    private sealed class PageQueue(CancellationTokenSource stop, ILogger logger) : DeadlineFeed.ISubscriber
    {
        private readonly Channel<FeedItem> _items = Channel.CreateUnbounded<FeedItem>(new UnboundedChannelOptions { SingleReader = true });
        private long _bytes;

        /// <summary>Nothing waits (every item has at least one byte).</summary>
        public bool IsEmpty => Interlocked.Read(ref _bytes) == 0;

        public void Send(byte[] frame) => Send(FeedItem.Of(frame));

        public void Send(FeedItem item)
        {
            if (!Offer(item))
            {
                End(null);
            }
        }

        public bool Offer(FeedItem item)
        {
            if (Interlocked.Read(ref _bytes) >= MaxQueuedBytes)
            {
                return false;
            }

            return Enqueue(item);
        }

        private bool Enqueue(FeedItem item)
        {
            Interlocked.Add(ref _bytes, item.Bytes);
            return _items.Writer.TryWrite(item);
        }

        public void End(FeedItem? error)
        {
            if (error is null)
            {
                // The page reads too slowly: end its stream; it comes back from its last id.
                TimelineServiceLog.LiveFeedTooSlow(logger, MaxQueuedBytes);
            }
            else
            {
                Enqueue(error);
            }

            _ = EndAsync(error is null ? TimeSpan.Zero : TimeSpan.FromMilliseconds(50));
        }

        public async IAsyncEnumerable<FeedItem> ReadAllAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await foreach (var item in _items.Reader.ReadAllAsync(cancellationToken))
            {
                Interlocked.Add(ref _bytes, -item.Bytes);
                yield return item;
            }
        }

        /// <summary>Ends the stream (after a moment, when there is an error for the page to read first).</summary>
        private async Task EndAsync(TimeSpan delay)
        {
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, CancellationToken.None);
            }

            try
            {
                await stop.CancelAsync();
            }
            catch (ObjectDisposedException)
            {
                // The stream had ended already.
            }
        }
    }

    /// <summary>The page's filter, named as GetTimeline's query parameters are (<c>filter.tags</c>...); checked by storage when it subscribes.</summary>
    internal static EventFilter Filter(IQueryCollection query)
    {
        var filter = new EventFilter();
        Add(filter.Tags, query["filter.tags"]);
        Add(filter.Actors, query["filter.actors"]);
        Add(filter.Kinds, query["filter.kinds"]);
        Add(filter.Countries, query["filter.countries"]);
        var from = query["filter.occurred_from"].ToString();
        var to = query["filter.occurred_to"].ToString();
        ProtoDates.ParseOptionalField("filter.occurred_from", from);
        ProtoDates.ParseOptionalField("filter.occurred_to", to);
        filter.OccurredFrom = from;
        filter.OccurredTo = to;
        return filter;
    }

    /// <summary>The position to resume after: <c>Last-Event-ID</c>, else the <c>after</c> parameter, else none (a first connection).</summary>
    internal static long? After(HttpRequest request)
    {
        var header = request.Headers["Last-Event-ID"].ToString();
        var (field, text) = header.Length > 0 ? ("Last-Event-ID", header) : ("after", request.Query["after"].ToString());
        if (text.Length == 0)
        {
            return null;
        }

        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var position)
            ? position
            : throw ProblemException.Invalid(field, $"must be a log position (a whole number, 0 or more), got '{NewEventValidator.Quote(text)}'");
    }

    private static void Add(Google.Protobuf.Collections.RepeatedField<string> field, StringValues values)
    {
        foreach (var value in values)
        {
            if (!string.IsNullOrEmpty(value))
            {
                field.Add(value);
            }
        }
    }
}
