using System.CommandLine;
using System.Text.RegularExpressions;
using Grpc.Core;
using Timeline.Cli.Infrastructure;
using Timeline.Cli.Output;
using Timeline.Domain.Validation;
using Timeline.Extraction;
using Timeline.Storage.V1;
using Timeline.V1;

namespace Timeline.Cli.Extract;

/// <summary>What to do with a draft event that looks like one already stored.</summary>
internal enum DraftMatchMode
{
    /// <summary>Store nothing for it and say which stored event it looks like (the default).</summary>
    HoldBack,

    /// <summary>Store it under the stored event's id: a revision (a correction) of that event.</summary>
    AsRevisions,

    /// <summary>Store it as a new event, as it is.</summary>
    AllowDuplicates,
}

/// <summary>A draft event (its place in the file) and the stored event it looks like, with why.</summary>
internal sealed record DraftMatch(int Index, NewEvent Draft, EventRecord Stored, string Why);

/// <summary>
/// Drafts meet the store (docs/EXTRACT.md): before a draft is stored (`import` of a file `extract`
/// wrote, `extract --append`), each of its events whose id is not stored yet is matched against the
/// stored events. A stored event looks like it when their days overlap and they share an actor
/// (<see cref="Names.Same"/>: "UN" is "United Nations"), or one's quote contains the other's, or
/// their titles are close: they share at least two significant words (three letters or more, not
/// a stop word), and at least half of the shorter title's. Each stored event is matched once, to
/// the draft event it looks most like.
/// </summary>
internal static partial class DraftMatches
{
    private const int MinQuote = 20;

    private static readonly HashSet<string> StopWords =
        ["the", "and", "for", "that", "with", "from", "has", "have", "had", "been", "was", "were", "would", "will", "its", "their", "this", "these", "are", "into", "also", "said", "says", "not"];

    public static Option<bool> AsRevisionsOption() =>
        new("--as-revisions") { Description = "Store a draft event that looks like a stored one as a revision of it (under its id), not as a second copy" };

    public static Option<bool> AllowDuplicatesOption() =>
        new("--allow-duplicates") { Description = "Store a draft event that looks like a stored one as a new event all the same" };

    public static DraftMatchMode Mode(bool asRevisions, bool allowDuplicates) => (asRevisions, allowDuplicates) switch
    {
        (true, true) => throw new CliException("--as-revisions and --allow-duplicates: choose one (a draft event like a stored one is either a revision of it or a new event)"),
        (true, false) => DraftMatchMode.AsRevisions,
        (false, true) => DraftMatchMode.AllowDuplicates,
        _ => DraftMatchMode.HoldBack,
    };

    /// <summary>An event `timeline extract` proposed: it carries the extractor's confidence.</summary>
    public static bool IsDraftEvent(NewEvent e) => e.Attributes.ContainsKey(DraftEvents.ConfidenceAttribute);

    /// <summary>
    /// The events to store and what was matched: held back, or sent under the stored event's id
    /// (expecting its current revision, so a change made meanwhile is refused, not overwritten).
    /// </summary>
    public static async Task<(List<NewEvent> ToStore, List<DraftMatch> Matches)> ApplyAsync(
        StorageClient storage, IReadOnlyList<NewEvent> events, DraftMatchMode mode, TextWriter error, CancellationToken ct)
    {
        if (mode == DraftMatchMode.AllowDuplicates || !events.Any(IsDraftEvent))
        {
            return ([.. events], []);
        }

        List<DraftMatch> matches;
        try
        {
            matches = await FindAsync(storage, events, ct);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.PermissionDenied)
        {
            // A token that may write but not read: the draft is stored as it is, and the user is told it was not compared.
            error.WriteLine("note: the token may not read events, so the draft was not compared with the stored events (events like stored ones may be stored twice)");
            return ([.. events], []);
        }

        var byIndex = matches.ToDictionary(m => m.Index);
        var toStore = new List<NewEvent>(events.Count);
        for (var i = 0; i < events.Count; i++)
        {
            if (!byIndex.TryGetValue(i, out var match))
            {
                toStore.Add(events[i]);
            }
            else if (mode == DraftMatchMode.AsRevisions)
            {
                var revision = events[i].Clone();
                revision.EventId = match.Stored.EventId;
                revision.ExpectedRevision = match.Stored.Revision;
                toStore.Add(revision);
            }
        }

        return (toStore, matches);
    }

    /// <summary>What the user reads on standard error: each match, and how to store them otherwise.</summary>
    public static void Report(TextWriter error, string name, IReadOnlyList<DraftMatch> matches, DraftMatchMode mode)
    {
        if (matches.Count == 0)
        {
            return;
        }

        error.WriteLine(mode == DraftMatchMode.AsRevisions
            ? $"{name}: {Counts.Of(matches.Count, "draft event")} stored as revisions of the stored events they look like:"
            : $"{name}: {Counts.Of(matches.Count, "draft event")} {(matches.Count == 1 ? "looks" : "look")} like stored ones, not stored:");
        foreach (var m in matches)
        {
            error.WriteLine($"  {m.Draft.EventId} \"{m.Draft.Title}\" ~ {m.Stored.EventId} (revision {m.Stored.Revision}) \"{m.Stored.Title}\": {m.Why}");
        }

        if (mode == DraftMatchMode.HoldBack)
        {
            error.WriteLine("  (use --as-revisions to store them as revisions of those, or --allow-duplicates to store them as new events)");
        }
    }

    /// <summary>Each draft event not stored yet, with the stored event it looks most like; one stored event matches once.</summary>
    public static async Task<List<DraftMatch>> FindAsync(StorageClient storage, IReadOnlyList<NewEvent> events, CancellationToken ct)
    {
        var validator = new NewEventValidator(new EventLimits());
        var fileIds = events.Select(e => e.EventId).Where(id => id.Length > 0).ToHashSet(StringComparer.Ordinal);
        var candidates = new List<(double Score, DraftMatch Match)>();
        for (var i = 0; i < events.Count; i++)
        {
            // Read as the storage service will read it (dates resolved, actors trimmed); one it refuses is refused when stored.
            if (!IsDraftEvent(events[i]) || validator.Normalize(events[i], $"events[{i}]", []) is not { Occurred: { } occurred } draft)
            {
                continue;
            }

            var filter = new EventFilter { OccurredFrom = occurred.Earliest, OccurredTo = occurred.Latest };
            var stored = await Pages.EventsAsync(storage, new ListEventsRequest { Filter = filter }, ct);
            if (draft.EventId.Length > 0 && stored.Exists(s => s.EventId == draft.EventId))
            {
                continue; // stored under its own id already: importing it again is a revision or nothing, as always
            }

            foreach (var record in stored.Where(s => !s.Retracted && !fileIds.Contains(s.EventId)))
            {
                if (Likeness(draft, record) is { } likeness)
                {
                    candidates.Add((likeness.Score, new DraftMatch(i, events[i], record, likeness.Why)));
                }
            }
        }

        var matches = new List<DraftMatch>();
        foreach (var (_, match) in candidates.OrderByDescending(c => c.Score).ThenBy(c => c.Match.Index))
        {
            if (!matches.Exists(m => m.Index == match.Index || m.Stored.EventId == match.Stored.EventId))
            {
                matches.Add(match);
            }
        }

        matches.Sort((a, b) => a.Index.CompareTo(b.Index));
        return matches;
    }

    /// <summary>How much a stored event looks like a draft event whose days it overlaps, and why; null when it does not.</summary>
    internal static (double Score, string Why)? Likeness(NewEvent draft, EventRecord stored)
    {
        var reasons = new List<string>();
        var score = 0.0;
        var actor = draft.Actors.FirstOrDefault(a => stored.Actors.Any(b => Names.Same(a, b)));
        if (actor is not null)
        {
            reasons.Add($"the same actor ({actor})");
            score += 1;
        }

        var (shared, smaller) = SharedWords(draft.Title, stored.Title);
        if (shared >= 2 && shared * 2 >= smaller)
        {
            reasons.Add($"close titles ({shared} of {smaller} words)");
            score += (double)shared / smaller;
        }

        string draftQuote = draft.Source?.Quote ?? "", storedQuote = stored.Source?.Quote ?? "";
        if (Math.Min(draftQuote.Length, storedQuote.Length) >= MinQuote &&
            (draftQuote.Contains(storedQuote, StringComparison.Ordinal) || storedQuote.Contains(draftQuote, StringComparison.Ordinal)))
        {
            reasons.Add("the same quote");
            score += 1;
        }

        return reasons.Count == 0 ? null : (score, $"days overlap ({stored.Occurred.Earliest}..{stored.Occurred.Latest}), {string.Join(", ", reasons)}");
    }

    /// <summary>The significant words two titles share, and how many the shorter has.</summary>
    internal static (int Shared, int Smaller) SharedWords(string a, string b)
    {
        var first = Significant(a);
        var second = Significant(b);
        return (first.Intersect(second).Count(), Math.Min(first.Count, second.Count));
    }

    private static HashSet<string> Significant(string title) =>
        [.. WordPattern().Matches(title).Select(m => m.Value.ToLowerInvariant()).Where(w => w.Length >= 3 && !StopWords.Contains(w))];

    [GeneratedRegex(@"[\p{L}\p{N}]+")]
    private static partial Regex WordPattern();
}
