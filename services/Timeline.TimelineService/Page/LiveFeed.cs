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
using Timeline.TimelineServer.Grpc;
using Timeline.V1;

namespace Timeline.TimelineServer.Page;

/// <summary>
/// The page's live feed, as server-sent events (docs/PAGE.md): the chronology's new revisions
/// (storage's subscription, with the page's filter) and every deadline's status (the same watch as
/// WatchDeadlines). Each revision and each checkpoint carries its log position as the event id,
/// so a page that lost its connection sends the last one back (<c>Last-Event-ID</c>) and gets
/// exactly what came after it, on this replica or another. Deadline statuses are state, sent whole
/// on every connection. One writer loop; the three sources feed it through a queue bounded by
/// what it holds, and a page that lets it fill is disconnected (it resumes from its last id)
/// rather than allowed to hold up the others.
/// </summary>
public sealed class LiveFeed(
    EventStoreService.EventStoreServiceClient storage,
    DeadlineProjection projection,
    DeadlineWatch watch,
    ErrorDomain domain,
    IHostApplicationLifetime lifetime,
    ILogger<LiveFeed> logger)
{
    /// <summary>Protobuf JSON (lowerCamelCase names, default values left out), as the HTTP/JSON routes write it.</summary>
    internal static readonly JsonFormatter Json = new(JsonFormatter.Settings.Default);

    /// <summary>Messages one page may have waiting before it is disconnected.</summary>
    public const int MaxQueued = 4096;

    /// <summary>How often the feed says how far storage's log has gone, so the page can tell when it is behind.</summary>
    public static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(1);

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
            var status = ProblemStatus.From(problem, domain.Name);
            await JsonStatus.WriteAsync(response, ProblemStatus.HttpStatus((Google.Rpc.Code)status.Code), status, context.RequestAborted);
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
        var queue = Channel.CreateBounded<string>(new BoundedChannelOptions(MaxQueued) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        void Send(string message)
        {
            if (!queue.Writer.TryWrite(message))
            {
                // The page reads too slowly: end its stream; it comes back from its last id.
                TimelineServiceLog.LiveFeedTooSlow(logger, MaxQueued);
                stop.Cancel();
            }
        }

        Send(Message("hello", $"{{\"position\":\"{after}\",\"resumed\":{(resumeAfter is null ? "false" : "true")}}}", after));
        var sources = new[]
        {
            Guard(EntriesAsync(filter, after, Send, stop.Token), Send, stop),
            Guard(DeadlinesAsync(Send, stop.Token), Send, stop),
            Guard(ProgressAsync(Send, stop.Token), Send, stop),
        };
        try
        {
            await foreach (var message in queue.Reader.ReadAllAsync(stop.Token))
            {
                await response.WriteAsync(message, stop.Token);
                if (queue.Reader.Count == 0)
                {
                    await response.Body.FlushAsync(stop.Token);
                }
            }
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
            await stop.CancelAsync();
            await Task.WhenAll(sources);
        }
    }

    /// <summary>Every revision after <paramref name="after"/> that matches the filter, then each as it is stored; checkpoints move the id on.</summary>
    private async Task EntriesAsync(EventFilter filter, long after, Action<string> send, CancellationToken cancellationToken)
    {
        using var call = storage.SubscribeEvents(new SubscribeEventsRequest { FromPosition = after, Filter = filter }, cancellationToken: cancellationToken);
        await foreach (var message in call.ResponseStream.ReadAllAsync(cancellationToken))
        {
            switch (message.MessageCase)
            {
                case SubscribeEventsResponse.MessageOneofCase.Event:
                    send(Message("entry", Json.Format(message.Event), message.Event.Position));
                    break;
                case SubscribeEventsResponse.MessageOneofCase.CaughtUp:
                    send(Message("caught-up", $"{{\"position\":\"{message.CaughtUp.Position}\"}}", message.CaughtUp.Position));
                    break;
                case SubscribeEventsResponse.MessageOneofCase.Checkpoint:
                    send(Message("checkpoint", $"{{\"position\":\"{message.Checkpoint.Position}\"}}", message.Checkpoint.Position));
                    break;
            }
        }
    }

    /// <summary>Every deadline's status now, a marker, then each change (as WatchDeadlines sends them).</summary>
    private async Task DeadlinesAsync(Action<string> send, CancellationToken cancellationToken)
    {
        await foreach (var update in watch.WatchAsync([], cancellationToken))
        {
            var proto = DeadlineMapping.ToProto(update, projection.LagAt(update.Position));
            send(Message(update is WatchUpdate.CaughtUp ? "deadlines-caught-up" : "deadline", Json.Format(proto), id: null));
        }
    }

    private async Task ProgressAsync(Action<string> send, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(ProgressInterval);
        do
        {
            send(Message("progress", $"{{\"storageHead\":\"{projection.StorageHead}\",\"projectionLag\":\"{projection.Lag}\",\"live\":{(projection.IsLive ? "true" : "false")}}}", id: null));
        }
        while (await timer.WaitForNextTickAsync(cancellationToken));
    }

    /// <summary>Runs a source; when it fails, the page is told why and the stream ends (the page reconnects).</summary>
    private async Task Guard(Task source, Action<string> send, CancellationTokenSource stop)
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
            send(Message("feed-error", $"{{\"code\":{(int)e.StatusCode},\"message\":{System.Text.Json.JsonSerializer.Serialize(e.Status.Detail)},\"retry\":{(retry ? "true" : "false")}}}", id: null));
        }
        catch (ProblemException e)
        {
            send(Message("feed-error", $"{{\"code\":14,\"message\":{System.Text.Json.JsonSerializer.Serialize(e.Message)},\"retry\":true}}", id: null));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            TimelineServiceLog.LiveFeedFailed(logger, e);
            send(Message("feed-error", "{\"code\":13,\"message\":\"the live feed failed on the server; reconnecting\",\"retry\":true}", id: null));
        }

        // Let the error reach the page, then end the stream.
        await Task.Delay(TimeSpan.FromMilliseconds(50), CancellationToken.None);
        await stop.CancelAsync();
    }

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
