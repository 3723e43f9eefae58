using Timeline.TimelineServer.Deadlines;
using Timeline.V1;
using DomainStatus = Timeline.Domain.Deadlines.DeadlineStatus;
using FuzzyDateProto = Timeline.Domain.Dates.FuzzyDateProto;

namespace Timeline.TimelineServer.Grpc;

/// <summary>Domain deadline statuses to their contract messages.</summary>
internal static class DeadlineMapping
{
    public static DeadlineStatus ToProto(DomainStatus status, TrackedDeadline deadline) => new()
    {
        DeadlineId = status.DeadlineId,
        Title = status.Title,
        Responsible = status.Responsible ?? "",
        State = (DeadlineState)status.State,
        Due = FuzzyDateProto.ToProto(status.Due),
        OriginalDue = FuzzyDateProto.ToProto(status.OriginalDue),
        DaysRemaining = status.DaysRemaining,
        AsOf = FuzzyDateProto.FormatDay(status.AsOf),
        Since = FuzzyDateProto.FormatDay(status.Since),
        Reasons =
        {
            status.Reasons.Select(reason => new DeadlineReason
            {
                EventId = reason.Event.EventId,
                Revision = reason.Event.Revision,
                Effect = (DeadlineEffectType)reason.Event.Effect,
                Title = reason.Event.Title,
                Occurred = deadline.Events.TryGetValue(reason.Event.EventId, out var tracked) ? tracked.Record.Occurred : null,
                Explanation = reason.Explanation,
            }),
        },
    };

    /// <param name="lag">How far <paramref name="update"/>'s snapshot is behind storage's known head.</param>
    public static WatchDeadlinesResponse ToProto(WatchUpdate update, long lag)
    {
        var response = update switch
        {
            WatchUpdate.Status s => new WatchDeadlinesResponse { Status = ToProto(s.Value, s.Deadline) },
            WatchUpdate.CaughtUp c => new WatchDeadlinesResponse { CaughtUp = new WatchCaughtUp { AsOf = FuzzyDateProto.FormatDay(c.AsOf) } },
            _ => throw new ArgumentOutOfRangeException(nameof(update)),
        };
        response.ProjectionPosition = update.Position;
        response.ProjectionLag = lag;
        return response;
    }
}
