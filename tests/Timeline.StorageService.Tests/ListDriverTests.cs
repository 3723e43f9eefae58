using Timeline.Domain.Events;
using Timeline.StorageService.Storage;

namespace Timeline.StorageService.Tests;

/// <summary>
/// <see cref="ListPage.Driver"/>: where a list starts, from the filter and the index rows the backend
/// counted for each of its fields (up to <see cref="ListPage.MostIndexRows"/>). Ids always; else the
/// field with the fewest rows below the bound, whichever fields combine; else the view in order. A
/// count for a field the filter does not have never decides, and a list as known at a time never
/// starts from the current view's indexes (deadline ids, kinds, countries).
/// </summary>
public sealed class ListDriverTests
{
    private const long Many = ListPage.MostIndexRows;

    private static readonly EventCriteria KindAndCountry = new() { Kinds = ["Battles", "Riots"], Countries = ["MLI"] };

    [Fact]
    public void A_kind_or_country_that_few_events_carry_starts_the_list_and_a_common_one_walks_the_view()
    {
        Assert.Equal(ListDriver.Kinds, ListPage.Driver(new EventCriteria { Kinds = ["Battles"] }, new IndexRows(0, 0, 0, 0, 0)));
        Assert.Equal(ListDriver.Kinds, ListPage.Driver(new EventCriteria { Kinds = ["Battles"] }, new IndexRows(0, 0, 0, Many - 1, 0)));
        Assert.Equal(ListDriver.Order, ListPage.Driver(new EventCriteria { Kinds = ["Battles"] }, new IndexRows(0, 0, 0, Many, 0)));
        Assert.Equal(ListDriver.Countries, ListPage.Driver(new EventCriteria { Countries = ["NER"] }, new IndexRows(0, 0, 0, 0, 12)));
        Assert.Equal(ListDriver.Order, ListPage.Driver(new EventCriteria { Countries = ["NER"] }, new IndexRows(0, 0, 0, 0, Many)));
    }

    [Fact]
    public void Of_several_filters_the_one_with_the_fewest_rows_starts_the_list()
    {
        Assert.Equal(ListDriver.Countries, ListPage.Driver(KindAndCountry, new IndexRows(0, 0, 0, 300, 20)));
        Assert.Equal(ListDriver.Kinds, ListPage.Driver(KindAndCountry, new IndexRows(0, 0, 0, 20, 300)));
        Assert.Equal(ListDriver.Kinds, ListPage.Driver(KindAndCountry, new IndexRows(0, 0, 0, 20, Many)));
        Assert.Equal(ListDriver.Order, ListPage.Driver(KindAndCountry, new IndexRows(0, 0, 0, Many, Many)));

        var all = new EventCriteria { Tags = ["t"], Actors = ["a"], DeadlineIds = ["d"], Kinds = ["k"], Countries = ["MLI"], DeadlinesOnly = true };
        Assert.Equal(ListDriver.Tags, ListPage.Driver(all, new IndexRows(5, 50, 50, 50, 50)));
        Assert.Equal(ListDriver.Actors, ListPage.Driver(all, new IndexRows(50, 5, 50, 50, 50)));
        Assert.Equal(ListDriver.DeadlineIds, ListPage.Driver(all, new IndexRows(50, 50, 5, 50, 50)));
        Assert.Equal(ListDriver.Kinds, ListPage.Driver(all, new IndexRows(50, 50, 50, 5, 50)));
        Assert.Equal(ListDriver.Countries, ListPage.Driver(all, new IndexRows(50, 50, 50, 50, 5)));
        Assert.Equal(ListDriver.Order, ListPage.Driver(all, new IndexRows(Many, Many, Many, Many, Many)));

        // Ids name the events whatever the counts say.
        Assert.Equal(ListDriver.EventIds, ListPage.Driver(all with { EventIds = ["e1"] }, new IndexRows(0, 0, 0, 0, 0)));
    }

    [Fact]
    public void A_count_of_a_field_the_filter_does_not_have_never_decides()
    {
        // Counts of fields the filter lacks are 0 (nothing was counted): they must not start the list.
        Assert.Equal(ListDriver.Order, ListPage.Driver(new EventCriteria { Kinds = ["Battles"] }, new IndexRows(0, 0, 0, Many, 0)));
        Assert.Equal(ListDriver.Order, ListPage.Driver(new EventCriteria { OccurredFrom = 700_000 }, default));
        Assert.Equal(ListDriver.Kinds, ListPage.Driver(new EventCriteria { Kinds = ["Battles"], Tags = ["t"] }, new IndexRows(Many, 0, 0, 40, 0)));
    }

    [Fact]
    public void A_list_as_known_at_a_time_starts_from_ids_tags_or_actors_only_and_counts_nothing_else()
    {
        var rows = new IndexRows(Many, 300, 0, 0, 0);
        Assert.Equal(ListDriver.Order, ListPage.Driver(KindAndCountry, rows.ForKnownAt()));
        Assert.Equal(ListDriver.Actors, ListPage.Driver(KindAndCountry with { Actors = ["a"], DeadlineIds = ["d"] }, rows.ForKnownAt()));

        Assert.False(ListPage.CountsIndexRows(KindAndCountry, knownAt: true));
        Assert.Equal(ListDriver.Order, ListPage.Driver(KindAndCountry with { DeadlineIds = ["d"] }, IndexRows.Uncounted));
        Assert.False(ListPage.CountsIndexRows(new EventCriteria { DeadlineIds = ["d"] }, knownAt: true));
        Assert.True(ListPage.CountsIndexRows(KindAndCountry with { Tags = ["t"] }, knownAt: true));
        Assert.True(ListPage.CountsIndexRows(KindAndCountry, knownAt: false));
        Assert.True(ListPage.CountsIndexRows(new EventCriteria { Countries = ["MLI"] }, knownAt: false));
        Assert.False(ListPage.CountsIndexRows(KindAndCountry with { EventIds = ["e1"] }, knownAt: false));
        Assert.False(ListPage.CountsIndexRows(new EventCriteria { OccurredTo = 700_000 }, knownAt: false));
    }
}
