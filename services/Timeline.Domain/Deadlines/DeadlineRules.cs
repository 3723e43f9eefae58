using System.Globalization;
using Timeline.Domain.Dates;

namespace Timeline.Domain.Deadlines;

/// <summary>
/// A deadline's status as a pure function of its events and a day (ARCHITECTURE §5).
/// An event counts as of day T once it has certainly happened: its latest day is on or before T.
/// A due date passes at the end of its latest day. The rules, read top-down:
/// CANCELLED, MET, MET_LATE, MISSED, AT_RISK, ON_TRACK.
/// </summary>
/// <remarks>
/// A deadline exists from the day its first SET counts; before that (or without a SET) there is
/// no status. The first SET gives the original due date; the last SET or EXTENDED that counts
/// gives the due date in force. Between the days on which an event starts to count, a risk signal
/// ages out or a due date passes, the status is constant, so only those days are examined.
/// </remarks>
public static class DeadlineRules
{
    public const int DefaultRiskWindowDays = 30;

    /// <summary>The status as of <paramref name="asOf"/>, or null when the deadline does not exist yet.</summary>
    public static DeadlineStatus? Evaluate(string deadlineId, IEnumerable<DeadlineEvent> events, CalendarDay asOf, int riskWindowDays = DefaultRiskWindowDays)
    {
        var ordered = Order(events);
        var status = StatusAt(deadlineId, ordered, asOf, riskWindowDays);
        return status is null ? null : status with { Since = FindSince(deadlineId, ordered, status, riskWindowDays) };
    }

    /// <summary>
    /// The status on <paramref name="from"/> (when the deadline exists then), followed by each status
    /// that began inside (<paramref name="from"/>, <paramref name="to"/>], in order. A status that
    /// began inside the window holds for (<c>AsOf</c>) and began on (<c>Since</c>) the same day.
    /// </summary>
    public static IReadOnlyList<DeadlineStatus> Transitions(string deadlineId, IEnumerable<DeadlineEvent> events, CalendarDay from, CalendarDay to, int riskWindowDays = DefaultRiskWindowDays)
    {
        var ordered = Order(events);
        var changes = new List<DeadlineStatus>();
        var previous = StatusAt(deadlineId, ordered, from, riskWindowDays);
        if (previous is not null)
        {
            changes.Add(previous with { Since = FindSince(deadlineId, ordered, previous, riskWindowDays) });
        }

        foreach (var day in CandidateDays(ordered, riskWindowDays).Where(d => d > from && d <= to))
        {
            var status = StatusAt(deadlineId, ordered, day, riskWindowDays);
            if (status is not null && !status.IsSameStatusAs(previous))
            {
                changes.Add(status with { Since = day });
                previous = status;
            }
        }

        return changes;
    }

    /// <summary>
    /// The first day after <paramref name="asOf"/> on which the status changes with no new event
    /// (a risk signal ageing out, a due date passing, a known future-dated event starting to count),
    /// or null when, with the events known, it never will.
    /// </summary>
    public static CalendarDay? NextChange(string deadlineId, IEnumerable<DeadlineEvent> events, CalendarDay asOf, int riskWindowDays = DefaultRiskWindowDays)
    {
        var ordered = Order(events);
        var current = StatusAt(deadlineId, ordered, asOf, riskWindowDays);
        foreach (var day in CandidateDays(ordered, riskWindowDays).Where(d => d > asOf))
        {
            var status = StatusAt(deadlineId, ordered, day, riskWindowDays);
            if (status is not null && !status.IsSameStatusAs(current))
            {
                return day;
            }
        }

        return null;
    }

    private static DeadlineEvent[] Order(IEnumerable<DeadlineEvent> events) =>
        [.. events.OrderBy(e => e.CountsFrom).ThenBy(e => e.OccurredEarliest).ThenBy(e => e.Position)];

    /// <summary>Every day on which the status may change; between two of them it is constant.</summary>
    private static SortedSet<CalendarDay> CandidateDays(DeadlineEvent[] ordered, int riskWindowDays)
    {
        var days = new SortedSet<CalendarDay>();
        foreach (var e in ordered)
        {
            days.Add(e.CountsFrom);
            if (e.Effect == DeadlineEffectKind.Risk && TryAddDays(e.CountsFrom, riskWindowDays + 1) is { } agedOut)
            {
                days.Add(agedOut);
            }

            if (e.Due is { } due && TryAddDays(due.Latest, 1) is { } passed)
            {
                days.Add(passed);
            }
        }

        return days;
    }

    private static CalendarDay FindSince(string deadlineId, DeadlineEvent[] ordered, DeadlineStatus status, int riskWindowDays)
    {
        var since = status.AsOf;
        DeadlineStatus? previous = null;
        foreach (var day in CandidateDays(ordered, riskWindowDays).Where(d => d <= status.AsOf))
        {
            var current = StatusAt(deadlineId, ordered, day, riskWindowDays);
            if (current is not null && !current.IsSameStatusAs(previous))
            {
                since = day;
            }

            previous = current;
        }

        return since;
    }

    /// <summary>The status as of a day, with <c>Since</c> left at that day.</summary>
    private static DeadlineStatus? StatusAt(string deadlineId, DeadlineEvent[] ordered, CalendarDay asOf, int riskWindowDays)
    {
        var counted = ordered.TakeWhile(e => e.CountsFrom <= asOf).ToList();
        var firstSet = counted.Find(e => e.Effect == DeadlineEffectKind.Set && e.Due is not null);
        if (firstSet is null)
        {
            return null;
        }

        var dueEvent = counted.FindLast(e => e.Effect is DeadlineEffectKind.Set or DeadlineEffectKind.Extended && e.Due is not null)!;
        var due = dueEvent.Due!;
        var title = counted.FindLast(e => e.Effect is DeadlineEffectKind.Set or DeadlineEffectKind.Extended && !string.IsNullOrEmpty(e.DeadlineTitle))?.DeadlineTitle ?? deadlineId;
        var responsible = counted.FindLast(e => e.Effect is DeadlineEffectKind.Set or DeadlineEffectKind.Extended && !string.IsNullOrEmpty(e.Responsible))?.Responsible;
        var (state, reasons) = Decide(counted, dueEvent, due, asOf, riskWindowDays);
        return new DeadlineStatus
        {
            DeadlineId = deadlineId,
            Title = title,
            Responsible = responsible,
            State = state,
            Due = due,
            OriginalDue = firstSet.Due!,
            DaysRemaining = due.Latest.DayNumber - asOf.DayNumber,
            AsOf = asOf,
            Since = asOf,
            Reasons = reasons,
        };
    }

    private static (DeadlineState State, IReadOnlyList<DeadlineReason> Reasons) Decide(
        List<DeadlineEvent> counted, DeadlineEvent dueEvent, FuzzyDate due, CalendarDay asOf, int riskWindowDays)
    {
        if (counted.Find(e => e.Effect == DeadlineEffectKind.Cancelled) is { } cancelled)
        {
            return (DeadlineState.Cancelled, [new(cancelled, $"cancelled on {Day(cancelled)}")]);
        }

        if (counted.Find(e => e.Effect == DeadlineEffectKind.Met) is { } met)
        {
            if (met.OccurredLatest <= due.Latest)
            {
                return (DeadlineState.Met, [new(met, $"met on {Day(met)}, by the due date {Iso(due.Latest)}")]);
            }

            var late = met.OccurredLatest.DayNumber - due.Latest.DayNumber;
            return (DeadlineState.MetLate, [new(met, $"met on {Day(met)}, {Plural(late, "day")} after the due date {Iso(due.Latest)}")]);
        }

        if (asOf > due.Latest)
        {
            return (DeadlineState.Missed, [new(dueEvent, $"due date {Iso(due.Latest)} passed with no event meeting it")]);
        }

        var risks = counted
            .Where(e => e.Effect == DeadlineEffectKind.Risk && asOf.DayNumber - e.CountsFrom.DayNumber <= riskWindowDays)
            .OrderByDescending(e => e.CountsFrom).ThenByDescending(e => e.Position)
            .Select(e => new DeadlineReason(e, $"risk signal on {Day(e)}, within the last {Plural(riskWindowDays, "day")}"))
            .ToList();
        if (risks.Count > 0)
        {
            return (DeadlineState.AtRisk, risks);
        }

        var reasons = new List<DeadlineReason>();
        if (counted.FindLast(e => e.Effect is DeadlineEffectKind.Reaffirmed or DeadlineEffectKind.Progress) is { } latest
            && (latest.CountsFrom, latest.Position).CompareTo((dueEvent.CountsFrom, dueEvent.Position)) > 0)
        {
            var verb = latest.Effect == DeadlineEffectKind.Reaffirmed ? "reaffirmed" : "progress";
            reasons.Add(new(latest, $"{verb} on {Day(latest)}"));
        }

        var set = dueEvent.Effect == DeadlineEffectKind.Extended ? "extended" : "set";
        reasons.Add(new(dueEvent, $"{set} on {Day(dueEvent)}, due {Iso(due.Latest)}, no risk signal within the last {Plural(riskWindowDays, "day")}"));
        return (DeadlineState.OnTrack, reasons);
    }

    private static CalendarDay? TryAddDays(CalendarDay day, int days) =>
        day.DayNumber + (long)days <= CalendarDay.MaxValue.DayNumber ? day.AddDays(days) : null;

    private static string Day(DeadlineEvent e) =>
        e.OccurredEarliest == e.OccurredLatest ? Iso(e.OccurredLatest) : $"{Iso(e.OccurredEarliest)}/{Iso(e.OccurredLatest)}";

    private static string Iso(CalendarDay day) => FuzzyDateProto.FormatDay(day);

    private static string Plural(int n, string unit) => n == 1 ? $"1 {unit}" : $"{n} {unit}s";
}
