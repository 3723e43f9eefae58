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
}
