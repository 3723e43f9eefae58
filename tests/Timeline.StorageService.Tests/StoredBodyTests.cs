using Google.Protobuf;
using Timeline.StorageService.Storage;
using Timeline.V1;

namespace Timeline.StorageService.Tests;

/// <summary>
/// <see cref="StoredBody.PassesThrough"/>: every body the writers store passes; a body passes only
/// when sending it as it is, followed by the ids, gives the client exactly the record the parsing
/// path builds, checked against every truncation and many single-byte damages of real bodies.
/// </summary>
public sealed class StoredBodyTests
{
    private const long Position = 41;
    private const long Revision = 2;
    private const long RecordedAt = 1_700_000_000_123_456;

    public static TheoryData<string> Contents => ["full", "minimal", "tombstone", "text date"];

    [Theory]
    [MemberData(nameof(Contents))]
    public void A_body_the_writers_build_passes(string name) => Assert.True(StoredBody.PassesThrough(Body(name)));

    [Theory]
    [InlineData(EventRecord.EventIdFieldNumber)]
    [InlineData(EventRecord.RevisionFieldNumber)]
    [InlineData(EventRecord.PositionFieldNumber)]
    [InlineData(EventRecord.RecordedAtFieldNumber)]
    [InlineData(EventRecord.RecordedByFieldNumber)]
    public void A_body_carrying_an_id_field_does_not_pass(int number)
    {
        var ids = new EventRecord { EventId = "forged", Revision = 9, Position = 9, RecordedAt = new Google.Protobuf.WellKnownTypes.Timestamp { Seconds = 1 }, RecordedBy = "mallory" };
        var field = EventRecord.Descriptor.FindFieldByNumber(number);
        var only = new EventRecord();
        field.Accessor.SetValue(only, field.Accessor.GetValue(ids));

        Assert.False(StoredBody.PassesThrough([.. Body("full"), .. only.ToByteArray()]));
    }

    [Fact]
    public void A_body_with_unknown_fields_passes_and_keeps_them()
    {
        using var stream = new MemoryStream();
        var output = new CodedOutputStream(stream);
        output.WriteTag(200, WireFormat.WireType.Varint);
        output.WriteInt64(-5);
        output.WriteTag(201, WireFormat.WireType.Fixed32);
        output.WriteFixed32(7);
        output.WriteTag(202, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(ByteString.CopyFrom(0xFF, 0x00));
        output.Flush();
        var body = Body("full").Concat(stream.ToArray()).ToArray();

        Assert.True(StoredBody.PassesThrough(body));
        AssertSameRecordOnTheWire(body);
    }

    [Theory]
    [MemberData(nameof(Contents))]
    public void Whatever_damage_a_body_has_passing_it_through_gives_the_record_the_parser_gives(string name)
    {
        var body = Body(name);
        var passed = 0;
        var refused = 0;
        foreach (var damaged in Damages(body))
        {
            if (StoredBody.PassesThrough(damaged))
            {
                passed++;
                AssertSameRecordOnTheWire(damaged);
            }
            else
            {
                refused++;
            }
        }

        // Both outcomes occur: a truncation at a field boundary is a shorter valid body; most damages are not.
        Assert.True(passed > 0 && refused > 0, $"{passed} passed, {refused} refused");
    }

    /// <summary>The client's parse of the pass-through bytes (body, then the ids) equals the parsing path's record.</summary>
    private static void AssertSameRecordOnTheWire(byte[] body)
    {
        var expected = RevisionRecord.From(body, "mandate", Revision, Position, RecordedAt, "importer");
        var ids = RevisionRecord.Ids("mandate", Revision, Position, RecordedAt, "importer");
        var sent = EventRecord.Parser.ParseFrom([.. body, .. ids.ToByteArray()]);
        Assert.Equal(expected, sent);
    }

    /// <summary>Every truncation, and each byte replaced by 0x00, 0x7F, 0x80 and 0xFF in turn.</summary>
    private static IEnumerable<byte[]> Damages(byte[] body)
    {
        for (var length = 0; length < body.Length; length++)
        {
            yield return body[..length];
        }

        foreach (var value in new byte[] { 0x00, 0x7F, 0x80, 0xFF })
        {
            for (var i = 0; i < body.Length; i++)
            {
                var damaged = (byte[])body.Clone();
                damaged[i] = value;
                yield return damaged;
            }
        }
    }

    private static byte[] Body(string name)
    {
        var e = new NewEvent { Title = "UN Security Council ends MINUSMA's mandate — « retrait » 🇲🇱", Occurred = Date("2023-06-30", "2023-06-30", "2023-06-30", DatePrecision.Day) };
        switch (name)
        {
            case "full":
                e.Summary = "Resolution 2690 (2023)";
                e.Kind = "Strategic developments";
                e.Actors.AddRange(["UN Security Council", "MINUSMA"]);
                e.Tags.AddRange(["mali", "minusma"]);
                e.Location = new Location { Name = "Tessalit", Admin1 = "Kidal", Country = "MLI", Latitude = 20.2, Longitude = -1.01 };
                e.Source = new Source { Name = "News report", Url = "https://example.org/report", Published = "2023-07-01", Quote = "« the mandate ends »" };
                e.Deadline = new DeadlineEffect { DeadlineId = "minusma-withdrawal", Effect = DeadlineEffectType.Set, Title = "MINUSMA leaves", Due = Date("2023-12-31", "2023-12-31", "2023-12-31", DatePrecision.Day), Responsible = "UN" };
                e.Attributes.Add("fatalities", "3");
                break;
            case "tombstone":
                e.Retracted = true;
                break;
            case "text date":
                e.Occurred = Date("2023-08", "2023-08-21", "2023-08-31", DatePrecision.Month);
                e.Occurred.Part = DatePart.Late;
                e.Occurred.Text = "since late August";
                e.Occurred.Reference = "2023-09-02";
                e.Occurred.Display = "late August 2023";
                break;
        }

        return RevisionBody.Serialize(RevisionBody.FromNewEvent(e));
    }

    private static FuzzyDate Date(string edtf, string earliest, string latest, DatePrecision precision) =>
        new() { Edtf = edtf, Earliest = earliest, Latest = latest, Precision = precision };
}
