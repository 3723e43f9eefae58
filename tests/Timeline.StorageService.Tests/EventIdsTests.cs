using Microsoft.Extensions.Time.Testing;
using Timeline.StorageService.Storage;

namespace Timeline.StorageService.Tests;

/// <summary>The ids storage gives events sent without one: ULIDs on the service's clock.</summary>
public sealed class EventIdsTests
{
    private const string Crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    [Fact]
    public void An_id_is_a_ulid_whose_time_is_the_services_clock()
    {
        var at = new DateTimeOffset(2023, 10, 16, 9, 30, 0, 123, TimeSpan.Zero);
        var id = new EventIds(new FakeTimeProvider(at)).Next();

        Assert.Equal(26, id.Length);
        Assert.All(id, c => Assert.Contains(c, Crockford));
        Assert.True(Ulid.TryParse(id, out var parsed));
        Assert.Equal(at, parsed.Time);
    }

    [Fact]
    public void Ids_given_later_sort_later_and_ids_of_one_millisecond_differ()
    {
        var at = new DateTimeOffset(2023, 10, 16, 9, 30, 0, TimeSpan.Zero);
        var sameMillisecond = Enumerable.Range(0, 1_000).Select(_ => new EventIds(new FakeTimeProvider(at)).Next()).ToHashSet();
        var later = new EventIds(new FakeTimeProvider(at.AddMilliseconds(1))).Next();

        Assert.Equal(1_000, sameMillisecond.Count);
        Assert.All(sameMillisecond, earlier => Assert.True(string.CompareOrdinal(earlier, later) < 0, $"{earlier} sorts after {later}"));
    }
}
