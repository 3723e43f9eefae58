using Timeline.Storage.V1;
using Timeline.V1;

namespace Timeline.StorageService.Tests;

/// <summary>Small builders for test events, so each test shows only what it is about.</summary>
internal static class Events
{
    public static NewEvent Dated(string id, string edtf, string title = "something happened", params string[] tags)
    {
        var e = new NewEvent { EventId = id, Title = title, Occurred = new FuzzyDate { Edtf = edtf } };
        e.Tags.AddRange(tags);
        return e;
    }

    public static NewEvent Written(string id, string text, string reference, string title = "something happened")
        => new() { EventId = id, Title = title, Occurred = new FuzzyDate { Text = text, Reference = reference } };

    /// <summary>A batch of <paramref name="count"/> events <c>{batch}-0</c>, <c>{batch}-1</c>…, tagged <paramref name="tag"/>.</summary>
    public static AppendEventsRequest Batch(string batch, int count, string tag)
    {
        var request = new AppendEventsRequest();
        for (var i = 0; i < count; i++)
        {
            request.Events.Add(Dated($"{batch}-{i}", "2023-10-14", $"{tag} test {batch} #{i}", tag));
        }

        return request;
    }

    /// <summary>The whole current view, by event id; an event listed twice fails the test.</summary>
    public static async Task<Dictionary<string, EventRecord>> ReadAllAsync(EventStoreService.EventStoreServiceClient client)
    {
        var all = new Dictionary<string, EventRecord>();
        var token = string.Empty;
        do
        {
            var page = await client.ListEventsAsync(new ListEventsRequest { PageSize = 1000, PageToken = token }).ResponseAsync.WaitAsync(TimeSpan.FromSeconds(60));
            foreach (var e in page.Events)
            {
                Assert.True(all.TryAdd(e.EventId, e), $"{e.EventId} listed twice");
            }

            token = page.NextPageToken;
        }
        while (token.Length > 0);
        return all;
    }
}
