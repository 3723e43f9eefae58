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

/// <summary>The bytes Timeline stores for an event (its content as an <see cref="EventRecord"/> without ids): the minimal tables store the same.</summary>
internal static class StoredBody
{
    public static byte[] Of(NewEvent e)
    {
        var record = new EventRecord
        {
            Occurred = e.Occurred,
            Title = e.Title,
            Summary = e.Summary,
            Kind = e.Kind,
            Location = e.Location,
            Source = e.Source,
            Deadline = e.Deadline,
            Retracted = e.Retracted,
        };
        record.Actors.AddRange(e.Actors);
        record.Tags.AddRange(e.Tags);
        record.Attributes.Add(e.Attributes);
        return Google.Protobuf.MessageExtensions.ToByteArray(record);
    }
}
