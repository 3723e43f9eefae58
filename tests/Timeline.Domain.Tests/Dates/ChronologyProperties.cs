using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Timeline.Domain.Dates;

namespace Timeline.Domain.Tests.Dates;

/// <summary>One chronology entry: an interval of days and a log position.</summary>
public sealed record Entry(CalendarDay Earliest, CalendarDay Latest, long Position)
{
    public override string ToString() => $"[{Earliest:MM-dd}..{Latest:MM-dd} #{Position}]";
}

/// <summary>Entries crowded into a few weeks with few positions, so ties and overlaps are common.</summary>
public static class ChronologyArbitraries
{
    public static Arbitrary<Entry> Entries() =>
        (from start in Gen.Choose(0, 40)
         from length in Gen.Frequency((3, Gen.Constant(0)), (5, Gen.Choose(1, 10)), (1, Gen.Choose(11, 60)))
         from position in Gen.Choose(0, 6)
         select new Entry(new CalendarDay(2023, 8, 1).AddDays(start), new CalendarDay(2023, 8, 1).AddDays(start + length), position))
        .ToArbitrary();
}

[Properties(Arbitrary = [typeof(ChronologyArbitraries)], MaxTest = 500)]
public sealed class ChronologyProperties
{
    private static int Compare(Entry a, Entry b) => Chronology.Compare(a.Earliest, a.Latest, a.Position, b.Earliest, b.Latest, b.Position);

    [Property]
    public bool Compare_is_antisymmetric(Entry a, Entry b) => Math.Sign(Compare(a, b)) == -Math.Sign(Compare(b, a));

    [Property]
    public bool Compare_is_total_ties_only_for_identical_keys(Entry a, Entry b) => (Compare(a, b) == 0) == (a == b);

    [Property]
    public bool Compare_is_transitive(Entry a, Entry b, Entry c) =>
        !(Compare(a, b) <= 0 && Compare(b, c) <= 0) || Compare(a, c) <= 0;

    [Property]
    public bool Compare_follows_earliest_then_latest_then_position(Entry a, Entry b)
    {
        var expected = a.Earliest != b.Earliest ? a.Earliest.CompareTo(b.Earliest)
            : a.Latest != b.Latest ? a.Latest.CompareTo(b.Latest)
            : a.Position.CompareTo(b.Position);
        return Math.Sign(Compare(a, b)) == Math.Sign(expected);
    }

    [Property]
    public bool An_entry_that_starts_earlier_sorts_first(Entry a, Entry b) =>
        a.Earliest >= b.Earliest || Compare(a, b) < 0;

    [Property]
    public bool Sorting_any_permutation_gives_the_same_chronology(Entry[] entries, int seed)
    {
        var random = new Random(seed);
        var shuffled = entries.OrderBy(_ => random.Next()).ToArray();
        Array.Sort(shuffled, Compare);
        var sorted = entries.ToArray();
        Array.Sort(sorted, Compare);
        return shuffled.SequenceEqual(sorted);
    }

    [Property]
    public bool OrderUncertain_marks_exactly_the_entries_that_overlap_another(Entry[] entries)
    {
        var ordered = Ordered(entries);

        var marks = Chronology.OrderUncertain(ordered);

        return marks.SequenceEqual(BruteForce(ordered));
    }

    [Property]
    public bool OrderUncertain_page_by_page_matches_the_whole_chronology(Entry[] entries, byte pageSize)
    {
        var ordered = Ordered(entries);
        var size = (pageSize % 5) + 1;
        var expected = BruteForce(ordered);

        var paged = new List<bool>();
        for (var start = 0; start < ordered.Count; start += size)
        {
            var page = ordered.Skip(start).Take(size).ToList();
            CalendarDay? maxLatestBefore = start == 0 ? null : ordered.Take(start).Max(e => e.Latest);
            CalendarDay? earliestAfter = start + size < ordered.Count ? ordered[start + size].Earliest : null;
            paged.AddRange(Chronology.OrderUncertain(page, maxLatestBefore, earliestAfter));
        }

        return paged.SequenceEqual(expected);
    }

    [Fact]
    public void OrderUncertain_on_the_MINUSMA_chronology()
    {
        var reference = new CalendarDay(2023, 10, 16);
        var dates = new[] { "in 2020", "since late 2021", "since late August", "Saturday (14 October)", "Saturday (14 October)", "in October 2023" }
            .Select(text => NewsDates.Resolve(text, reference, ReadDirection.Past))
            .Select(d => (d.Earliest, d.Latest))
            .ToList();
        dates.Sort((a, b) => Chronology.Compare(a.Earliest, a.Latest, 0, b.Earliest, b.Latest, 0));

        var marks = Chronology.OrderUncertain(dates);

        // 2020 and late 2021 stand alone; late August is before October; the two 14 October
        // entries overlap each other and the whole of October.
        Assert.Equal([false, false, false, true, true, true], marks);
    }

    private static List<(CalendarDay Earliest, CalendarDay Latest)> Ordered(Entry[] entries) =>
        [.. entries.Order(Comparer<Entry>.Create(Compare)).Select(e => (e.Earliest, e.Latest))];

    /// <summary>The O(n²) oracle: an entry is uncertain when its interval overlaps any other entry's.</summary>
    private static bool[] BruteForce(List<(CalendarDay Earliest, CalendarDay Latest)> ordered) =>
        [.. ordered.Select((a, i) => ordered.Where((b, j) => j != i && a.Earliest <= b.Latest && b.Earliest <= a.Latest).Any())];
}
