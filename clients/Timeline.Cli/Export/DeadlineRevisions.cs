using Grpc.Core;
using Timeline.Domain.Dates;
using Timeline.V1;

namespace Timeline.Cli.Export;

/// <summary>A deadline's version as a calendar event: how many times its status changed, and when it last changed.</summary>
internal sealed record DeadlineRevision(int Sequence, DateTimeOffset LastModified);

/// <summary>
/// Versions for the deadlines of an export, from the timeline service's replay of their status
/// changes. SEQUENCE is the number of changes up to the export's day (0 for a deadline whose status
/// never moved since it was set), one more if the exported status itself (which may lie after
/// today, where replay stops) differs from the last change replayed. LAST-MODIFIED is the start of
/// the day the current status began (its <c>since</c>, in valid time: when it changed in the world,
/// whenever that became known), never later than now. DTSTAMP stays the instant of the export.
/// </summary>
internal static class DeadlineRevisions
{
    public static async Task<Dictionary<string, DeadlineRevision>> ReadAsync(
        TimelineClient timeline, IReadOnlyList<DeadlineStatus> statuses, DateTimeOffset now, CancellationToken ct)
    {
        var result = new Dictionary<string, DeadlineRevision>(StringComparer.Ordinal);
        if (statuses.Count == 0)
        {
            return result;
        }

        var asOf = Exporter.Day(statuses[0].AsOf) ?? CalendarDay.FromDateTime(now.UtcDateTime);
        var from = asOf.Year > CalendarDay.MinYear + 100 ? asOf.AddYears(-100).AddDays(1) : CalendarDay.MinValue;
        var changes = new Dictionary<string, List<DeadlineStatus>>(StringComparer.Ordinal);
        using var call = timeline.ReplayDeadlines(
            new ReplayDeadlinesRequest { DeadlineIds = { statuses.Select(s => s.DeadlineId) }, From = Format(from), To = Format(asOf) },
            cancellationToken: ct);
        await foreach (var response in call.ResponseStream.ReadAllAsync(ct))
        {
            if (!changes.TryGetValue(response.Change.DeadlineId, out var list))
            {
                changes[response.Change.DeadlineId] = list = [];
            }

            list.Add(response.Change);
        }

        foreach (var status in statuses)
        {
            var replayed = changes.GetValueOrDefault(status.DeadlineId) ?? [];
            var sequence = Math.Max(0, replayed.Count - 1);
            if (replayed.Count > 0 && !SameVersion(replayed[^1], status))
            {
                sequence++;
            }

            // A status that began before 1 CE (which DateTimeOffset cannot hold) began before any other.
            var since = Exporter.Day(status.Since) is { } day
                ? day.Year >= 1 ? new DateTimeOffset(((DateOnly)day).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : DateTimeOffset.MinValue
                : now;
            result[status.DeadlineId] = new DeadlineRevision(sequence, since > now ? now : since);
        }

        return result;
    }

    private static bool SameVersion(DeadlineStatus a, DeadlineStatus b) =>
        a.State == b.State && a.Since == b.Since && a.Title == b.Title && (a.Due?.Latest ?? "") == (b.Due?.Latest ?? "");

    private static string Format(CalendarDay day) => FuzzyDateProto.FormatDay(day);
}
