using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Timeline.Domain.Dates;
using Timeline.Domain.Validation;
using Timeline.ServiceDefaults.Security;
using Timeline.TimelineServer.Chronologies;
using Timeline.TimelineServer.Deadlines;
using Timeline.V1;

namespace Timeline.TimelineServer.Grpc;

/// <summary>The timeline.v1 API: validate, call, map. Refusals are thrown as <see cref="ProblemException"/>.</summary>
internal sealed class TimelineGrpcService(TimelineReader reader, DeadlineProjection projection, DeadlineWatch watch, IOptions<TimelineOptions> options)
    : V1.TimelineService.TimelineServiceBase
{
    /// <summary>The longest window ReplayDeadlines answers (from the last century of the calendar, any window up to 9999-12-31).</summary>
    private const int MaxReplayYears = 100;

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
        var ids = DeadlineIds(request.DeadlineIds);
        var pageSize = PageSizePolicy.Standard.Resolve(request.PageSize);
        var requestedAsOf = ProtoDates.ParseOptionalField("as_of", request.AsOf);
        var fingerprint = PageTokens.Fingerprint([.. ids.Order(StringComparer.Ordinal)]);
        var token = PageToken.Decode(request.PageToken, fingerprint);
        var tokenAsOf = token?.AsOf is { } pinned ? ProtoDates.ParseField("page_token", pinned) : (CalendarDay?)null;
        if (requestedAsOf is { } a && tokenAsOf is { } b && a != b)
        {
            throw ProblemException.Invalid("page_token", "belongs to a request with another as_of; repeat it unchanged", "INVALID_PAGE_TOKEN");
        }

        var asOf = requestedAsOf ?? tokenAsOf ?? watch.Today();
        await MinPosition.WaitAsync(projection, options.Value, request.MinPosition, context);
        await projection.WaitUntilCaughtUpAsync(context.CancellationToken);
        var snapshot = projection.Current;
        var page = snapshot.Select(ids)
            .Where(d => token?.After is not { } after || string.CompareOrdinal(d.DeadlineId, after) > 0)
            .Select(d => (Deadline: d, Status: d.Evaluate(asOf, projection.RiskWindowDays)))
            .Where(x => x.Status is not null)
            .Take(pageSize + 1)
            .ToList();

        var response = new ListDeadlinesResponse
        {
            Deadlines = { page.Take(pageSize).Select(x => DeadlineMapping.ToProto(x.Status!, x.Deadline)) },
            ProjectionPosition = snapshot.Position,
            ProjectionLag = projection.LagAt(snapshot.Position),
        };
        if (page.Count > pageSize)
        {
            var next = new PageToken(fingerprint, After: page[pageSize - 1].Deadline.DeadlineId, AsOf: FuzzyDateProto.FormatDay(asOf));
            response.NextPageToken = next.Encode();
        }

        return response;
    }

    [Authorize(Policy = Scopes.TimelineRead)]
    [EnableRateLimiting(RateLimits.Streams)]
    public override async Task WatchDeadlines(WatchDeadlinesRequest request, IServerStreamWriter<WatchDeadlinesResponse> responseStream, ServerCallContext context)
    {
        var ids = DeadlineIds(request.DeadlineIds);
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
        var ids = DeadlineIds(request.DeadlineIds);
        var violations = new List<FieldViolation>();
        var from = Required("from", request.From, violations);
        var to = Required("to", request.To, violations);
        if (from is { } f && to is { } t)
        {
            if (t < f)
            {
                violations.Add(new FieldViolation("to", "must not be before from"));
            }
            else if (f.Year <= DateOnly.MaxValue.Year - MaxReplayYears && t > f.AddYears(MaxReplayYears))
            {
                violations.Add(new FieldViolation("to", $"must be at most {MaxReplayYears} years after from"));
            }
        }

        if (violations.Count > 0)
        {
            throw ProblemException.Invalid(violations);
        }

        await MinPosition.WaitAsync(projection, options.Value, request.MinPosition, context);
        await projection.WaitUntilCaughtUpAsync(context.CancellationToken);

        // Only what has happened: the window ends today at the latest.
        var end = to!.Value < watch.Today() ? to.Value : watch.Today();
        var snapshot = projection.Current;
        var lag = projection.LagAt(snapshot.Position);
        var changes = snapshot.Select(ids)
            .SelectMany(d => d.Transitions(from!.Value, end, projection.RiskWindowDays).Select(s => (Deadline: d, Status: s)))
            .OrderBy(x => x.Status.AsOf)
            .ThenBy(x => x.Deadline.DeadlineId, StringComparer.Ordinal);
        foreach (var (deadline, status) in changes)
        {
            var change = new ReplayDeadlinesResponse { Change = DeadlineMapping.ToProto(status, deadline), ProjectionPosition = snapshot.Position, ProjectionLag = lag };
            await responseStream.WriteAsync(change, context.CancellationToken);
        }
    }

    private static CalendarDay? Required(string field, string value, List<FieldViolation> violations)
    {
        if (FuzzyDateProto.TryParseDay(value, out var day))
        {
            return day;
        }

        violations.Add(new FieldViolation(field, string.IsNullOrEmpty(value) ? "is required, a date YYYY-MM-DD" : "must be a date YYYY-MM-DD"));
        return null;
    }

    private static HashSet<string> DeadlineIds(IReadOnlyList<string> ids)
    {
        var violations = ids.Select((id, i) => (id, i))
            .Where(x => string.IsNullOrWhiteSpace(x.id))
            .Select(x => new FieldViolation($"deadline_ids[{x.i}]", "must not be empty"))
            .ToList();
        return violations.Count > 0 ? throw ProblemException.Invalid(violations) : new HashSet<string>(ids, StringComparer.Ordinal);
    }
}
