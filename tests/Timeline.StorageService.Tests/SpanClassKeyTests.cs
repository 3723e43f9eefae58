using System.Globalization;
using Timeline.StorageService.Storage;

namespace Timeline.StorageService.Tests;

/// <summary>
/// Where each span class's arm of a list starts (<see cref="SpanClasses.Key(int, int?, (long, long, long)?)"/>):
/// an arm reads its class's rows in index order after its key, so a row at or before the key is
/// never read. A list from a day must read every event of the class that reaches that day, and
/// should read none of the calendar months or years that end before it: the benchmark's logs hold
/// a month's and a year's worth of month- and year-precision events before any
/// <c>occurred_from</c>, all of them ending before it (5,874 and 42,918 rows read for nothing at
/// 10M events with one class up to 31 days and one up to 366).
/// </summary>
public sealed class SpanClassKeyTests
{
    [Fact]
    public void A_list_from_any_day_reads_every_calendar_year_that_reaches_it_and_none_that_ends_before_it() =>
        AssertReadExactly(Enumerable.Range(1996, 33).Select(y => (y.ToString("D4", CultureInfo.InvariantCulture), new DateOnly(y, 1, 1), new DateOnly(y, 12, 31))), daysAfter: 400);

    [Fact]
    public void A_list_from_any_day_reads_every_calendar_month_that_reaches_it_and_none_that_ends_before_it() =>
        AssertReadExactly(
            from year in Enumerable.Range(1996, 33)
            from month in Enumerable.Range(1, 12)
            let first = new DateOnly(year, month, 1)
            select (first.ToString("yyyy-MM", CultureInfo.InvariantCulture), first, first.AddMonths(1).AddDays(-1)),
            daysAfter: 40);

    /// <summary>For each period, every <c>occurred_from</c> from 3 days before it to <paramref name="daysAfter"/> after its start.</summary>
    private static void AssertReadExactly(IEnumerable<(string Name, DateOnly First, DateOnly Last)> periods, int daysAfter)
    {
        var read = new List<string>();
        var missed = new List<string>();
        foreach (var (name, first, last) in periods)
        {
            var earliest = first.DayNumber;
            var latest = last.DayNumber;
            var spanClass = SpanClasses.Of(earliest, latest);
            for (var from = earliest - 3; from <= earliest + daysAfter; from++)
            {
                var key = SpanClasses.Key(spanClass, from, ((long Earliest, long Latest, long Position)?)null);

                // The row (earliest, latest, position) is read when it sorts after the key, for any position.
                var isRead = ((long)earliest, (long)latest, long.MaxValue).CompareTo(key) > 0;
                if (latest >= from && !isRead)
                {
                    missed.Add($"{name} from {DateOnly.FromDayNumber(from):yyyy-MM-dd}");
                }
                else if (latest < from && isRead)
                {
                    read.Add($"{name} from {DateOnly.FromDayNumber(from):yyyy-MM-dd}");
                }
            }
        }

        Assert.True(missed.Count == 0, "periods that reach occurred_from but are not read: " + string.Join(", ", missed.Take(10)));
        Assert.True(read.Count == 0, $"{read.Count} periods read that end before occurred_from, e.g. " + string.Join(", ", read.Take(10)));
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(7, 1)]
    [InlineData(8, 2)]
    [InlineData(26, 2)]
    [InlineData(27, 3)]
    [InlineData(28, 4)]
    [InlineData(29, 5)]
    [InlineData(30, 6)]
    [InlineData(31, 7)]
    [InlineData(363, 7)]
    [InlineData(364, 8)]
    [InlineData(365, 9)]
    [InlineData(366, 10)]
    [InlineData(3660, 10)]
    [InlineData(36600, 11)]
    [InlineData(36601, 12)]
    public void A_width_has_its_class_and_a_month_or_year_of_each_length_has_one_of_its_own(int width, int expected)
    {
        var earliest = new DateOnly(2023, 8, 10).DayNumber;
        Assert.Equal(expected, SpanClasses.Of(earliest, earliest + width));
    }
}
