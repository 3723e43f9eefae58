namespace Timeline.Domain.Dates;

/// <summary>
/// The total order of a chronology (ARCHITECTURE §4): by earliest day, then latest day (the
/// narrower first), then log position. The storage service's SQL sorts by the same three keys.
/// </summary>
public static class Chronology
{
    /// <summary>Negative when entry A comes first: by earliest day, then latest day, then log position.</summary>
    public static int Compare(CalendarDay earliestA, CalendarDay latestA, long positionA, CalendarDay earliestB, CalendarDay latestB, long positionB)
    {
        var byEarliest = earliestA.CompareTo(earliestB);
        if (byEarliest != 0)
        {
            return byEarliest;
        }

        var byLatest = latestA.CompareTo(latestB);
        return byLatest != 0 ? byLatest : positionA.CompareTo(positionB);
    }

    /// <summary>
    /// For intervals already in chronological order, marks each one that overlaps any other.
    /// <paramref name="maxLatestBefore"/> carries the largest latest day of the entries before
    /// the first one (from an earlier page); <paramref name="earliestAfter"/> the earliest day of
    /// the entry after the last one (from the next page), when there is one.
    /// </summary>
    public static bool[] OrderUncertain(IReadOnlyList<(CalendarDay Earliest, CalendarDay Latest)> ordered, CalendarDay? maxLatestBefore = null, CalendarDay? earliestAfter = null)
    {
        var marks = new bool[ordered.Count];
        var maxLatest = maxLatestBefore;
        for (var i = 0; i < ordered.Count; i++)
        {
            var (earliest, latest) = ordered[i];
            var overlapsEarlier = maxLatest is { } before && earliest <= before;
            var next = i + 1 < ordered.Count ? ordered[i + 1].Earliest : earliestAfter;
            var overlapsLater = next is { } after && after <= latest;
            marks[i] = overlapsEarlier || overlapsLater;
            maxLatest = maxLatest is { } m && m > latest ? m : latest;
        }

        return marks;
    }
}
