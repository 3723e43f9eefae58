using Timeline.Cli.Output;
using Timeline.Storage.V1;
using Timeline.V1;

namespace Timeline.Cli.Infrastructure;

/// <summary>A deadline that events bear on but none sets: it has no status, so `deadlines` cannot show it.</summary>
internal sealed record UnsetDeadline(string DeadlineId, IReadOnlyList<EventRecord> Events)
{
    /// <summary>
    /// "deadline 'x' has never been set: 1 event bears on it (risk "UN warns", Sat 14 Oct 2023), but none
    /// sets it (effect set). `timeline show` lists it in the Deadline column."
    /// </summary>
    public string Describe()
    {
        var first = Events[0];
        var count = Counts.Of(Events.Count, "event");
        var verb = Events.Count == 1 ? "bears" : "bear";
        return $"deadline '{DeadlineId}' has never been set: {count} {verb} on it "
            + $"({Render.Effect(first.Deadline.Effect)} \"{first.Title}\", {Render.Date(first.Occurred)}{(Events.Count > 1 ? ", ..." : "")}), "
            + "but none sets it (effect set), so it has no status; `timeline show` lists these events in its Deadline column";
    }
}

/// <summary>Finds deadlines that events bear on but no event sets (in the current view of the log).</summary>
internal static class UnsetDeadlines
{
    /// <summary>From events carrying deadline effects, the deadlines none of them sets, by id.</summary>
    public static List<UnsetDeadline> Among(IEnumerable<EventRecord> events) =>
        [.. events.Where(e => e.Deadline is { DeadlineId.Length: > 0 })
            .GroupBy(e => e.Deadline.DeadlineId, StringComparer.Ordinal)
            .Where(g => !g.Any(e => e.Deadline.Effect == DeadlineEffectType.Set))
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new UnsetDeadline(g.Key, [.. g]))];

    /// <summary>Through the storage service (what `add` and `import` talk to).</summary>
    public static async Task<List<UnsetDeadline>> FromStorageAsync(StorageClient storage, IReadOnlyCollection<string> ids, CancellationToken ct)
    {
        if (ids.Count == 0)
        {
            return [];
        }

        return Among(await Pages.EventsAsync(storage, new ListEventsRequest { Filter = new EventFilter { DeadlineIds = { ids } } }, ct));
    }

    /// <summary>Through the timeline service (what `deadlines` talks to): every deadline, or only <paramref name="ids"/>.</summary>
    public static async Task<List<UnsetDeadline>> FromTimelineAsync(TimelineClient timeline, IReadOnlyCollection<string> ids, CancellationToken ct)
    {
        var request = new GetTimelineRequest { Filter = new EventFilter { DeadlineEffectsOnly = true, DeadlineIds = { ids } } };
        return Among((await Pages.TimelineAsync(timeline, request, ct)).Select(e => e.Event));
    }
}
