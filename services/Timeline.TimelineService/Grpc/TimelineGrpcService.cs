using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Timeline.Domain.Validation;
using Timeline.ServiceDefaults.Security;
using Timeline.TimelineServer.Chronologies;
using Timeline.TimelineServer.Deadlines;
using Timeline.V1;

namespace Timeline.TimelineServer.Grpc;

/// <summary>
/// The timeline.v1 API, thin: each method checks its request into a query (Chronologies/, Deadlines/),
/// waits for the position the caller asked for, asks, and maps. Refusals are thrown as <see cref="ProblemException"/>.
/// </summary>
internal sealed class TimelineGrpcService(TimelineReader reader, DeadlineProjection projection, DeadlineWatch watch, IOptions<TimelineOptions> options)
    : V1.TimelineService.TimelineServiceBase
{
    [Authorize(Policy = Scopes.TimelineRead)]
    public override async Task<GetTimelineResponse> GetTimeline(GetTimelineRequest request, ServerCallContext context)
    {
        var query = TimelineQuery.From(request);
        await MinPosition.WaitAsync(projection, options.Value, request.MinPosition, context);
        var page = await reader.ReadAsync(query, context.CancellationToken);
        return new GetTimelineResponse { Entries = { page.Entries }, NextPageToken = page.NextPageToken };
    }

    [Authorize(Policy = Scopes.TimelineRead)]
    public override async Task<ListDeadlinesResponse> ListDeadlines(ListDeadlinesRequest request, ServerCallContext context)
    {
        var query = DeadlineListQuery.Of(request, watch.Today);
        await MinPosition.WaitAsync(projection, options.Value, request.MinPosition, context);
        await projection.WaitUntilCaughtUpAsync(context.CancellationToken);
        var snapshot = projection.Current;
        var (items, next) = query.Page(snapshot, projection.RiskWindowDays);
        return new ListDeadlinesResponse
        {
            Deadlines = { items.Select(x => DeadlineMapping.ToProto(x.Status, x.Deadline)) },
            NextPageToken = next,
            ProjectionPosition = snapshot.Position,
            ProjectionLag = projection.LagAt(snapshot.Position),
        };
    }

    [Authorize(Policy = Scopes.TimelineRead)]
    [EnableRateLimiting(RateLimits.Streams)]
    public override async Task WatchDeadlines(WatchDeadlinesRequest request, IServerStreamWriter<WatchDeadlinesResponse> responseStream, ServerCallContext context)
    {
        var ids = DeadlineIds.Check(request.DeadlineIds);
        await MinPosition.WaitAsync(projection, options.Value, request.MinPosition, context);

        // The one writer of this stream: updates are written in order, one at a time.
        await foreach (var update in watch.WatchAsync(ids, context.CancellationToken))
        {
            await responseStream.WriteAsync(DeadlineMapping.ToProto(update, projection.LagAt(update.Position)), context.CancellationToken);
        }
    }

    [Authorize(Policy = Scopes.TimelineRead)]
    [EnableRateLimiting(RateLimits.Streams)]
    public override async Task ReplayDeadlines(ReplayDeadlinesRequest request, IServerStreamWriter<ReplayDeadlinesResponse> responseStream, ServerCallContext context)
    {
        var window = ReplayWindow.Of(request);
        await MinPosition.WaitAsync(projection, options.Value, request.MinPosition, context);
        await projection.WaitUntilCaughtUpAsync(context.CancellationToken);
        var snapshot = projection.Current;
        var lag = projection.LagAt(snapshot.Position);
        foreach (var (deadline, status) in window.Changes(snapshot, watch.Today(), projection.RiskWindowDays))
        {
            var change = new ReplayDeadlinesResponse { Change = DeadlineMapping.ToProto(status, deadline), ProjectionPosition = snapshot.Position, ProjectionLag = lag };
            await responseStream.WriteAsync(change, context.CancellationToken);
        }
    }
}
