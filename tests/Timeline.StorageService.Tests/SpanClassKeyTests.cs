using Timeline.StorageService.Storage;

namespace Timeline.StorageService.Tests;

/// <summary>
/// Where each span class's arm of a list starts (<see cref="SpanClasses.Key(int, int?, (long, long, long)?)"/>):
/// an arm reads its class's rows in index order after its key, so a row at or before the key is
/// never read. A list from a day must read every event of the class that reaches that day, and
/// should read none of the calendar years that end before it: the benchmark's logs hold a year's
/// worth of year-precision events before any <c>occurred_from</c>, all of them ending before it
/// (42,918 rows read for nothing at 10M events with one class up to 366 days).
/// </summary>
public sealed class SpanClassKeyTests
{
    [Fact]
    public void A_list_from_any_day_reads_every_calendar_year_that_reaches_it_and_none_that_ends_before_it()
    {
        var read = new List<string>();
        var missed = new List<string>();
        for (var year = 1996; year <= 2028; year++)
        {
            var earliest = new DateOnly(year, 1, 1).DayNumber;
            var latest = new DateOnly(year, 12, 31).DayNumber;
            var spanClass = SpanClasses.Of(earliest, latest);
            for (var from = earliest - 3; from <= latest + 400; from++)
            {
                var key = SpanClasses.Key(spanClass, from, ((long Earliest, long Latest, long Position)?)null);

                // The row (earliest, latest, position) is read when it sorts after the key, for any position.
                var isRead = ((long)earliest, (long)latest, long.MaxValue).CompareTo(key) > 0;
                if (latest >= from && !isRead)
                {
                    missed.Add($"{year} from {DateOnly.FromDayNumber(from)}");
                }
                else if (latest < from && isRead)
                {
                    read.Add($"{year} from {DateOnly.FromDayNumber(from)}");
                }
            }
        }

        Assert.True(missed.Count == 0, "years that reach occurred_from but are not read: " + string.Join(", ", missed.Take(10)));
        Assert.True(read.Count == 0, $"{read.Count} years read that end before occurred_from, e.g. " + string.Join(", ", read.Take(10)));
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(7, 1)]
    [InlineData(31, 2)]
    [InlineData(363, 3)]
    [InlineData(364, 4)]
    [InlineData(365, 5)]
    [InlineData(366, 6)]
    [InlineData(3660, 6)]
    [InlineData(36600, 7)]
    [InlineData(36601, 8)]
    public void A_width_has_its_class_and_a_year_of_either_length_has_one_of_its_own(int width, int expected)
    {
        var earliest = new DateOnly(2023, 8, 10).DayNumber;
        Assert.Equal(expected, SpanClasses.Of(earliest, earliest + width));
    }
}
