using Timeline.Domain.Dates;
using Timeline.Domain.Validation;
using Timeline.TimelineServer.Chronologies;
using Timeline.V1;
using DomainStatus = Timeline.Domain.Deadlines.DeadlineStatus;

namespace Timeline.TimelineServer.Deadlines;

/// <summary>The deadline ids a request names: each must be non-empty text (<see cref="StoredText"/>); none means every deadline.</summary>
internal static class DeadlineIds
{
    /// <exception cref="ProblemException">INVALID_ARGUMENT on <c>deadline_ids[i]</c>.</exception>
    public static HashSet<string> Check(IReadOnlyList<string> ids)
    {
        var violations = ids.Select((id, i) => (id, i, problem: string.IsNullOrWhiteSpace(id) ? "must not be empty" : StoredText.Problem(id) is { } p ? $"'{NewEventValidator.Quote(id)}' {p}" : null))
            .Where(x => x.problem is not null)
            .Select(x => new FieldViolation($"deadline_ids[{x.i}]", x.problem!))
            .ToList();
        return violations.Count > 0 ? throw ProblemException.Invalid(violations) : new HashSet<string>(ids, StringComparer.Ordinal);
    }
}

/// <summary>
/// A <c>ListDeadlines</c> request, checked once: which deadlines, as of which day (the request's,
/// else the one its page token pinned, else today), how many, and after which id.
/// </summary>
internal sealed record DeadlineListQuery(HashSet<string> Ids, CalendarDay AsOf, int PageSize, string? After, ulong Fingerprint)
{
    public static DeadlineListQuery Of(ListDeadlinesRequest request, Func<CalendarDay> today)
    {
        var ids = DeadlineIds.Check(request.DeadlineIds);
        var pageSize = PageSizePolicy.Standard.Resolve(request.PageSize);
        var requestedAsOf = ProtoDates.ParseOptionalField("as_of", request.AsOf);
        var fingerprint = PageTokens.Fingerprint([.. ids.Order(StringComparer.Ordinal)]);
        var token = PageToken.Decode(request.PageToken, fingerprint);
        var tokenAsOf = token?.AsOf is { } pinned ? ProtoDates.ParseField("page_token", pinned) : (CalendarDay?)null;
        if (requestedAsOf is { } a && tokenAsOf is { } b && a != b)
        {
            throw ProblemException.Invalid("page_token", "belongs to a request with another as_of; repeat it unchanged", "INVALID_PAGE_TOKEN");
        }

        return new DeadlineListQuery(ids, requestedAsOf ?? tokenAsOf ?? today(), pageSize, token?.After, fingerprint);
    }

    /// <summary>One page of the statuses as of <see cref="AsOf"/>, in id order, and the token of the next (empty on the last).</summary>
    public (IReadOnlyList<(TrackedDeadline Deadline, DomainStatus Status)> Items, string NextPageToken) Page(ProjectionSnapshot snapshot, int riskWindowDays)
    {
        var page = snapshot.Select(Ids)
            .Where(d => After is not { } after || string.CompareOrdinal(d.DeadlineId, after) > 0)
            .Select(d => (Deadline: d, Status: d.Evaluate(AsOf, riskWindowDays)))
            .Where(x => x.Status is not null)
            .Select(x => (x.Deadline, Status: x.Status!))
            .Take(PageSize + 1)
            .ToList();
        var next = page.Count > PageSize
            ? new PageToken(Fingerprint, After: page[PageSize - 1].Deadline.DeadlineId, AsOf: FuzzyDateProto.FormatDay(AsOf)).Encode()
            : string.Empty;
        return (page.Take(PageSize).ToList(), next);
    }
}

/// <summary>
/// A <c>ReplayDeadlines</c> window, checked once: both days given, <c>to</c> not before <c>from</c>
/// and at most <see cref="MaxYears"/> after it (from the last century of the calendar, any window
/// up to 9999-12-31).
/// </summary>
internal sealed record ReplayWindow(HashSet<string> Ids, CalendarDay From, CalendarDay To)
{
    public const int MaxYears = 100;

    public static ReplayWindow Of(ReplayDeadlinesRequest request)
    {
        var ids = DeadlineIds.Check(request.DeadlineIds);
        var violations = new List<FieldViolation>();
        var from = Required("from", request.From, violations);
        var to = Required("to", request.To, violations);
        if (from is { } f && to is { } t)
        {
            if (t < f)
            {
                violations.Add(new FieldViolation("to", "must not be before from"));
            }
            else if (f.Year <= DateOnly.MaxValue.Year - MaxYears && t > f.AddYears(MaxYears))
            {
                violations.Add(new FieldViolation("to", $"must be at most {MaxYears} years after from"));
            }
        }

        return violations.Count > 0 ? throw ProblemException.Invalid(violations) : new ReplayWindow(ids, from!.Value, to!.Value);
    }

    /// <summary>Every status change in the window, in day then id order; only what has happened (the window ends today at the latest).</summary>
    public IEnumerable<(TrackedDeadline Deadline, DomainStatus Status)> Changes(ProjectionSnapshot snapshot, CalendarDay today, int riskWindowDays)
    {
        var end = To < today ? To : today;
        return snapshot.Select(Ids)
            .SelectMany(d => d.Transitions(From, end, riskWindowDays).Select(s => (Deadline: d, Status: s)))
            .OrderBy(x => x.Status.AsOf)
            .ThenBy(x => x.Deadline.DeadlineId, StringComparer.Ordinal);
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
}
