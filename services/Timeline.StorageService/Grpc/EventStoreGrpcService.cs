using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Timeline.Domain.Dates;
using Timeline.Domain.Events;
using Timeline.Domain.Validation;
using Timeline.ServiceDefaults.Security;
using Timeline.Storage.V1;
using Timeline.StorageService.Storage;
using Timeline.V1;
using Stopwatch = System.Diagnostics.Stopwatch;

namespace Timeline.StorageService.Grpc;

/// <summary>The EventStoreService RPCs: check the request (<see cref="StorageRequests"/>), call the log behind its seam
/// (<see cref="IEventLog"/>, whichever backend), map the answer. Refusals are
/// <see cref="ProblemException"/>s, turned into gRPC errors by the shared interceptor.</summary>
internal sealed class EventStoreGrpcService(
    IEventLog log,
    Subscriptions subscriptions,
    EventIds ids,
    StorageMetrics metrics,
    IOptions<StorageOptions> options) : EventStoreService.EventStoreServiceBase
{
    private readonly StorageRequests requests = new(options.Value.Limits);

    [Authorize(Policy = Scopes.EventsWrite)]
    [EnableRateLimiting(RateLimits.Appends)]
    public override async Task<AppendEventsResponse> AppendEvents(AppendEventsRequest request, ServerCallContext context)
    {
        try
        {
            var response = await AppendAsync(request, context);
            metrics.Appended(stored: true);
            return response;
        }
        catch (ProblemException)
        {
            metrics.Appended(stored: false);
            throw;
        }
    }

    private async Task<AppendEventsResponse> AppendAsync(AppendEventsRequest request, ServerCallContext context)
    {
        var normalized = requests.Check(request);
        foreach (var e in normalized.Where(e => e.EventId.Length == 0))
        {
            e.EventId = ids.Next();
        }

        var appended = await log.AppendAsync(normalized, SecurityDefaults.CallerName(context.GetHttpContext()));
        return new AppendEventsResponse
        {
            Results = { appended.Select(a => new AppendResult { EventId = a.EventId, Revision = a.Revision.Value, Position = a.Position.Value, NoOp = a.NoOp, Event = a.Record }) },
        };
    }

    [Authorize(Policy = Scopes.EventsRead)]
    public override async Task<GetEventResponse> GetEvent(GetEventRequest request, ServerCallContext context)
    {
        var version = requests.Check(request);
        var record = await log.ReadEventAsync(request.EventId, version, context.CancellationToken)
            ?? throw NotFound(request.EventId, request.KnownAt is null ? null : "at that time");
        if (record.Retracted && request.KnownAt is null && request.Revision == 0)
        {
            throw new ProblemException(ProblemKind.NotFound, "EVENT_RETRACTED",
                $"event '{request.EventId}' was retracted at revision {record.Revision}; its history is still available",
                [new FieldViolation("event_id", "retracted")]);
        }

        return new GetEventResponse { Event = record };
    }

    [Authorize(Policy = Scopes.EventsRead)]
    public override async Task<GetEventHistoryResponse> GetEventHistory(GetEventHistoryRequest request, ServerCallContext context)
    {
        requests.Check(request);
        var revisions = await log.ReadHistoryAsync(request.EventId, context.CancellationToken);
        if (revisions.Count == 0)
        {
            throw NotFound(request.EventId, null);
        }

        return new GetEventHistoryResponse { Revisions = { revisions } };
    }

    [Authorize(Policy = Scopes.EventsRead)]
    public override async Task<ListEventsResponse> ListEvents(ListEventsRequest request, ServerCallContext context)
    {
        var started = Stopwatch.GetTimestamp();
        var query = requests.Check(request);
        var page = await log.ListAsync(query.Criteria, query.KnownAt, query.After, query.PageSize, context.CancellationToken);
        metrics.Listed(Stopwatch.GetElapsedTime(started));
        return new ListEventsResponse
        {
            Events = { page.Events },
            NextPageToken = page.Last is { } last ? PageToken.Encode(last, query.Fingerprint) : string.Empty,
            NextEarliest = page.NextEarliest is { } day ? FuzzyDateProto.FormatDay(CalendarDay.FromDayNumber(day)) : string.Empty,
        };
    }

    /// <summary>
    /// SubscribeEvents, served with <see cref="SubscriptionFrame"/>s in place of
    /// <see cref="SubscribeEventsResponse"/>s (the same bytes on the wire; stored revisions are not
    /// parsed and serialized again): the service's binder (<c>GuardedMethodProvider</c>) binds this
    /// method to the contract's route, with its marshaller, so the generated override is not declared.
    /// </summary>
    [Authorize(Policy = Scopes.EventsRead)]
    [EnableRateLimiting(RateLimits.Streams)]
    public async Task SubscribeEvents(SubscribeEventsRequest request, IServerStreamWriter<SubscriptionFrame> responseStream, ServerCallContext context)
    {
        var (from, criteria, batches) = requests.Check(request);
        using var subscription = await subscriptions.OpenAsync(from, criteria, batches, context.CancellationToken);
        await SubscriptionStream.WriteAsync(subscription, responseStream, context);
    }

    private static ProblemException NotFound(string eventId, string? when) =>
        new(ProblemKind.NotFound, "EVENT_NOT_FOUND", $"no event '{NewEventValidator.Quote(eventId)}'{(when is null ? "" : " " + when)}",
            [new FieldViolation("event_id", "not found")]);
}
