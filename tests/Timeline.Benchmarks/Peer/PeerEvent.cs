using Timeline.StorageService.Storage;
using Timeline.V1;

namespace Timeline.Benchmarks.Peer;

/// <summary>
/// The benchmark's event as a Marten user would write it: a plain record with the same content as
/// the <see cref="NewEvent"/> Timeline stores (title, summary, kind, dates, place, source, tags,
/// actors, attributes), serialized by Marten as JSON.
/// </summary>
internal sealed record PeerEvent(
    string EventId, string Occurred, string Title, string Summary, string Kind,
    PeerPlace Place, PeerSource Source, string[] Tags, string[] Actors, Dictionary<string, string> Attributes)
{
    public static PeerEvent From(NewEvent e) => new(
        e.EventId, e.Occurred.Edtf, e.Title, e.Summary, e.Kind,
        new PeerPlace(e.Location.Name, e.Location.Admin1, e.Location.Country, e.Location.Latitude, e.Location.Longitude),
        new PeerSource(e.Source.Name, e.Source.Url, e.Source.Published, e.Source.Quote),
        [.. e.Tags], [.. e.Actors], new Dictionary<string, string>(e.Attributes));
}

internal sealed record PeerPlace(string Name, string Admin1, string Country, double Latitude, double Longitude);

internal sealed record PeerSource(string Name, string Url, string Published, string Quote);

/// <summary>
/// The bytes Timeline stores for an event (its content as an <see cref="EventRecord"/> without ids),
/// from the storage service's own <c>RevisionBody</c>: the minimal tables store the same.
/// </summary>
internal static class StoredBody
{
    public static byte[] Of(NewEvent e) => RevisionBody.Serialize(RevisionBody.FromNewEvent(e));
}
