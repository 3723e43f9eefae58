using System.Text;
using Google.Protobuf;
using Timeline.Storage.V1;
using Timeline.StorageService.Storage;
using Timeline.V1;

namespace Timeline.StorageService.Tests;

/// <summary>
/// A revision's wire entry as a subscription sends it: the ids written field by field
/// (<see cref="RevisionEntry.Write"/>) are the bytes Google.Protobuf writes for them, and a page read
/// from rows (<see cref="WirePage"/>) gives every revision as the parsing path does, whatever its
/// body or its texts hold.
/// </summary>
public sealed class WirePageTests
{
    public static TheoryData<string, long, long, long, string> Ids => new()
    {
        { "mandate", 2, 41, 1_700_000_000_123_456, "importer" },
        { "e", 1, 1, 0, "" },
        { "before-1970", 1, 2, -1, "a" },
        { "before-1970-whole", 3, 4, -1_000_000, "a" },
        { "before-1970-part", 3, 4, -1_000_001, "a" },
        { "whole-second", 7, 8, 1_700_000_000_000_000, "x" },
        { "a-micro", 7, 8, 1, "x" },
        { "large", long.MaxValue, long.MaxValue, 253_402_300_799_999_999, new string('r', 300) },
        { "« retrait » 🇲🇱 " + new string('é', 200), 130, 16_384, 1_234_567, "ünïcode" },
    };

    [Theory]
    [MemberData(nameof(Ids))]
    public void The_ids_written_field_by_field_are_the_bytes_protobuf_writes(string eventId, long revision, long position, long recordedAt, string recordedBy)
    {
        var body = Body();
        var expected = Entry([.. body, .. RevisionRecord.Ids(eventId, revision, position, recordedAt, recordedBy).ToByteArray()]);

        var stored = new StoredRevision(position, eventId, revision, recordedAt, recordedBy, body);
        Assert.Equal(expected, RevisionEntry.Of(stored));

        var page = new WirePage(1);
        page.Add(position, Encoding.UTF8.GetBytes(eventId), revision, recordedAt, Encoding.UTF8.GetBytes(recordedBy), body);
        Assert.Equal(expected, page.Revisions[0].Entry.ToArray());
        Assert.Equal(position, page.Revisions[0].Position);
    }

    [Fact]
    public void A_page_of_many_rows_keeps_each_entry_whole_and_in_order()
    {
        // Enough rows, and one larger than a shared buffer, to fill several buffers.
        var page = new WirePage(0);
        var expected = new List<EventRecord>();
        for (var i = 1; i <= 600; i++)
        {
            var body = Body(summary: new string('s', i == 300 ? 100_000 : i % 37 * 20));
            page.Add(i, Encoding.UTF8.GetBytes($"e{i}"), 1, i * 1_000_003L, "importer"u8, body);
            expected.Add(RevisionRecord.From(body, $"e{i}", 1, i, i * 1_000_003L, "importer"));
        }

        Assert.Equal(expected, page.Revisions.Select(Parse));
        Assert.Equal(Enumerable.Range(1, 600).Select(i => (long)i), page.Revisions.Select(r => r.Position));
    }

    [Fact]
    public void A_body_that_does_not_pass_through_is_sent_as_the_parsing_path_builds_it()
    {
        // A body with an id field of its own (not what a writer stores, but it parses): the columns' ids win, as when parsed.
        var body = Body().Concat(new EventRecord { EventId = "forged", Position = 999 }.ToByteArray()).ToArray();
        Assert.False(StoredBody.PassesThrough(body));

        var page = new WirePage(1);
        page.Add(5, "real"u8, 1, 10, "importer"u8, body);

        var record = Parse(page.Revisions[0]);
        Assert.Equal(RevisionRecord.From(body, "real", 1, 5, 10, "importer"), record);
        Assert.Equal("real", record.EventId);
        Assert.Equal(5, record.Position);
    }

    [Fact]
    public void Texts_that_are_not_utf8_are_sent_as_a_string_read_of_them_gives()
    {
        byte[] eventId = [0x65, 0xFF, 0x66];
        var page = new WirePage(1);
        page.Add(5, eventId, 1, 10, "importer"u8, Body());

        var record = Parse(page.Revisions[0]);
        Assert.Equal(Encoding.UTF8.GetString(eventId), record.EventId);
        Assert.Equal("e\uFFFDf", record.EventId);
    }

    [Fact]
    public void A_body_that_cannot_be_parsed_fails_the_read_rather_than_reaching_a_client()
    {
        var page = new WirePage(1);
        Assert.ThrowsAny<InvalidProtocolBufferException>(() => page.Add(5, "e"u8, 1, 10, "importer"u8, [0x0A, 0x7F, 0x01]));
        Assert.Empty(page.Revisions);
    }

    private static EventRecord Parse(WireRevision revision) => SubscribeEventsResponse.Parser.ParseFrom(revision.Entry.Span).Event;

    private static byte[] Entry(byte[] record)
    {
        using var stream = new MemoryStream();
        var output = new CodedOutputStream(stream);
        output.WriteTag(1, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(ByteString.CopyFrom(record));
        output.Flush();
        return stream.ToArray();
    }

    private static byte[] Body(string summary = "Resolution 2690 (2023)")
    {
        var e = new NewEvent
        {
            Title = "UN Security Council ends MINUSMA's mandate — « retrait » 🇲🇱",
            Summary = summary,
            Occurred = new FuzzyDate { Edtf = "2023-06-30", Earliest = "2023-06-30", Latest = "2023-06-30", Precision = DatePrecision.Day },
            Tags = { "mali" },
            Actors = { "MINUSMA" },
            Attributes = { ["fatalities"] = "3" },
        };
        return RevisionBody.Serialize(RevisionBody.FromNewEvent(e));
    }
}
