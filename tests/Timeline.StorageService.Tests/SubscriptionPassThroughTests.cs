using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Timeline.Storage.V1;
using Timeline.Tests.Shared;
using Timeline.V1;
using static Timeline.StorageService.Tests.Assertions;

namespace Timeline.StorageService.Tests;

/// <summary>
/// SubscribeEvents writes a stored revision's body as it is, followed by its ids, instead of
/// parsing and serializing it again (issue 17). What a client must not notice: the generated
/// client reads the same records as GetEvent returns, field by field, whatever the stored body
/// holds (fields of a later version, id fields it should not carry, damaged bytes).
/// </summary>
public abstract class SubscriptionPassThroughTests(StorageBackend backend) : IAsyncLifetime
{
    private StorageServer server = null!;

    private EventStoreService.EventStoreServiceClient Client => server.Client;

    public async ValueTask InitializeAsync() => server = await StorageServer.StartAsync(backend, new Dictionary<string, string?> { ["Storage:CheckpointInterval"] = "00:00:00.200" });

    public async ValueTask DisposeAsync() => await server.DisposeAsync();

    [Fact]
    public async Task Every_revision_streamed_while_catching_up_equals_what_GetEvent_returns_for_it_field_by_field()
    {
        await AppendVariedAsync();

        var (records, caughtUp) = await CatchUpAsync();

        Assert.Equal(6, caughtUp);
        Assert.Equal([1L, 2, 3, 4, 5, 6], records.Select(r => r.Position));
        foreach (var record in records)
        {
            Assert.Equal(await GetAsync(record.EventId, record.Revision), record);
        }

        // The content itself, not only agreement: what was appended, as it was appended.
        var deadline = records.Single(r => r.EventId == "mandate");
        Assert.Equal("UN Security Council ends MINUSMA's mandate — « retrait » 🇲🇱", deadline.Title);
        Assert.Equal(DeadlineEffectType.Set, deadline.Deadline.Effect);
        Assert.Equal("2023-12-31", deadline.Deadline.Due.Latest);
        Assert.Equal("3", deadline.Attributes["fatalities"]);
        Assert.Equal(20.2, deadline.Location.Latitude);
        Assert.True(records.Single(r => r.EventId == "coup" && r.Revision == 3).Retracted);
        Assert.All(records, r => Assert.Equal("anonymous", r.RecordedBy));
    }

    [Fact]
    public async Task Stored_bodies_go_out_byte_for_byte_followed_by_the_ids()
    {
        await AppendVariedAsync();

        var frames = await RawCatchUpAsync();

        Assert.Equal(6, frames.Count);
        foreach (var (record, bytes) in frames)
        {
            var body = await StoredRows.ReadBodyAsync(server.Database, record.Position);
            Assert.Equal(body, bytes[..body.Length]);
            var ids = EventRecord.Parser.ParseFrom(bytes[body.Length..]);
            Assert.Equal(new EventRecord { EventId = record.EventId, Revision = record.Revision, Position = record.Position, RecordedAt = record.RecordedAt, RecordedBy = record.RecordedBy }, ids);
        }
    }

    [Fact]
    public async Task A_body_with_fields_this_version_does_not_know_goes_out_with_them_as_GetEvent_keeps_them()
    {
        await AppendVariedAsync();
        var body = await StoredRows.ReadBodyAsync(server.Database, 2);
        var later = Concat(body, Field(99, 42), Field(100, "from a later version"));
        await StoredRows.WriteBodyAsync(server.Database, 2, later);

        var (records, _) = await CatchUpAsync();
        var record = records.Single(r => r.Position == 2);
        Assert.Equal(await GetAsync(record.EventId, record.Revision), record);
        Assert.True(record.CalculateSize() > EventRecord.Parser.ParseFrom(body).CalculateSize(), "the unknown fields were dropped");

        var (_, bytes) = (await RawCatchUpAsync()).Single(f => f.Record.Position == 2);
        Assert.Equal(later, bytes[..later.Length]);
    }

    [Fact]
    public async Task A_body_that_carries_id_fields_goes_out_with_the_ids_of_its_row()
    {
        await AppendVariedAsync();
        var body = await StoredRows.ReadBodyAsync(server.Database, 3);
        var forged = new EventRecord { EventId = "forged", Revision = 77, Position = 9_999, RecordedAt = new Google.Protobuf.WellKnownTypes.Timestamp { Seconds = 5, Nanos = 7 }, RecordedBy = "mallory" };
        await StoredRows.WriteBodyAsync(server.Database, 3, Concat(body, forged.ToByteArray()));

        var (records, _) = await CatchUpAsync();
        var record = records.Single(r => r.Position == 3);
        var expected = await GetAsync(record.EventId, record.Revision);
        Assert.Equal(expected, record);
        Assert.NotEqual("forged", record.EventId);
        Assert.NotEqual("mallory", record.RecordedBy);
        Assert.Equal(3, record.Position);
        Assert.NotEqual(forged.RecordedAt, record.RecordedAt);
    }

    [Fact]
    public async Task A_damaged_body_fails_the_stream_and_every_read_of_it_with_internal_and_no_record_of_it_is_sent()
    {
        await AppendVariedAsync();
        var body = await StoredRows.ReadBodyAsync(server.Database, 4);

        // A title field whose length runs past the end of the body.
        await StoredRows.WriteBodyAsync(server.Database, 4, Concat(body, [(byte)WireFormat.MakeTag(EventRecord.TitleFieldNumber, WireFormat.WireType.LengthDelimited), 0x7F, 0x41]));

        var received = new List<long>();
        using var cts = new CancellationTokenSource(CallTimeout);
        using var call = Client.SubscribeEvents(new SubscribeEventsRequest(), cancellationToken: cts.Token);
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            while (await call.ResponseStream.MoveNext(cts.Token))
            {
                if (call.ResponseStream.Current.Event is { } e)
                {
                    received.Add(e.Position);
                }
            }
        });

        Assert.Equal(StatusCode.Internal, error.StatusCode);
        Assert.DoesNotContain(received, p => p >= 4);

        // Every read of it says the same: INTERNAL (not UNAVAILABLE: the database answered), and the service stays healthy.
        await FailsWith(StatusCode.Internal, () => Client.GetEventAsync(new GetEventRequest { EventId = "attack" }, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync);
        await FailsWith(StatusCode.Internal, () => Client.GetEventHistoryAsync(new GetEventHistoryRequest { EventId = "attack" }, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync);
        await FailsWith(StatusCode.Internal, () => Client.ListEventsAsync(new ListEventsRequest(), cancellationToken: TestContext.Current.CancellationToken).ResponseAsync);
        var health = await server.Health.CheckAsync(new global::Grpc.Health.V1.HealthCheckRequest(), cancellationToken: TestContext.Current.CancellationToken).ResponseAsync.WaitAsync(CallTimeout, TestContext.Current.CancellationToken);
        Assert.Equal(global::Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
        Assert.Equal("Junta seizes power in Kati", (await GetAsync("coup", 2)).Title);
    }

    [Fact]
    public async Task Catch_up_pages_caught_up_live_revisions_and_checkpoints_arrive_in_log_order()
    {
        // Three catch-up pages, every other event tagged "wanted".
        await AppendPagesAsync(tagged: i => i % 2 == 0 ? "wanted" : "other");

        using var cts = new CancellationTokenSource(CallTimeout);
        using var call = Client.SubscribeEvents(new SubscribeEventsRequest { Filter = new EventFilter { Tags = { "wanted" } } }, cancellationToken: cts.Token);
        var sequence = new List<string>();
        var positions = new List<long>();
        while (await call.ResponseStream.MoveNext(cts.Token))
        {
            var message = call.ResponseStream.Current;
            switch (message.MessageCase)
            {
                case SubscribeEventsResponse.MessageOneofCase.Event:
                    Assert.Contains("wanted", message.Event.Tags);
                    positions.Add(message.Event.Position);
                    if (sequence.LastOrDefault() != "event")
                    {
                        sequence.Add("event");
                    }

                    if (message.Event.EventId == "live-wanted")
                    {
                        Assert.Equal(await GetAsync("live-wanted", 1), message.Event);
                    }

                    break;
                case SubscribeEventsResponse.MessageOneofCase.CaughtUp:
                    Assert.Equal(1_200, message.CaughtUp.Position);
                    sequence.Add($"caught_up {message.CaughtUp.Position}");
                    await Client.AppendEventsAsync(new AppendEventsRequest { Events = { Events.Dated("live-wanted", "2024", tags: "wanted"), Events.Dated("live-other", "2024", tags: "other") } }, cancellationToken: TestContext.Current.CancellationToken);
                    break;
                case SubscribeEventsResponse.MessageOneofCase.Checkpoint:
                    sequence.Add($"checkpoint {message.Checkpoint.Position}");
                    break;
            }

            if (sequence[^1] == "checkpoint 1202")
            {
                break;
            }
        }

        Assert.Equal(["event", "caught_up 1200", "event", "checkpoint 1202"], sequence);
        Assert.Equal([.. Enumerable.Range(0, 600).Select(i => 1L + (2 * i)), 1_201], positions);
        cts.Cancel();
    }

    [Fact]
    public async Task A_subscriber_that_leaves_while_the_next_page_is_being_read_leaves_nothing_behind()
    {
        await AppendPagesAsync(tagged: _ => "any");
        var broadcaster = server.GetService<Storage.LogBroadcaster>();

        // Leave in the middle of the second page: the third is being read (or was read) by then.
        using (var cts = new CancellationTokenSource(CallTimeout))
        using (var call = Client.SubscribeEvents(new SubscribeEventsRequest(), cancellationToken: cts.Token))
        {
            var seen = 0;
            while (seen < 700 && await call.ResponseStream.MoveNext(cts.Token))
            {
                seen++;
            }

            Assert.Equal(700, seen);
            cts.Cancel();
        }

        var deadline = DateTime.UtcNow + CallTimeout;
        while (broadcaster.Count > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        Assert.Equal(0, broadcaster.Count);
        var (records, caughtUp) = await CatchUpAsync();
        Assert.Equal(1_200, caughtUp);
        Assert.Equal(Enumerable.Range(1, 1_200).Select(i => (long)i), records.Select(r => r.Position));
    }

    /// <summary>1,200 events in two batches: three catch-up pages (500 a page).</summary>
    private async Task AppendPagesAsync(Func<int, string> tagged)
    {
        for (var b = 0; b < 2; b++)
        {
            var batch = new AppendEventsRequest();
            for (var i = 0; i < 600; i++)
            {
                batch.Events.Add(Events.Dated($"e{b}-{i}", "2023-10-14", $"event {b}-{i}", tagged(i)));
            }

            await Client.AppendEventsAsync(batch, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync.WaitAsync(CallTimeout, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>Six revisions: a fully populated event, three revisions of another (the last a tombstone), two plain ones.</summary>
    private async Task AppendVariedAsync()
    {
        var mandate = Events.Dated("mandate", "2023-06-30", "UN Security Council ends MINUSMA's mandate — « retrait » 🇲🇱", "mali", "minusma");
        mandate.Summary = "Resolution 2690 (2023): withdrawal by 31 December.";
        mandate.Kind = "Strategic developments";
        mandate.Actors.AddRange(["UN Security Council", "MINUSMA"]);
        mandate.Location = new Location { Name = "Tessalit", Admin1 = "Kidal", Country = "MLI", Latitude = 20.2, Longitude = 1.01 };
        mandate.Source = new Source { Name = "News report", Url = "https://example.org/report", Published = "2023-07-01", Quote = "« the mandate ends »" };
        mandate.Deadline = new DeadlineEffect { DeadlineId = "minusma-withdrawal", Effect = DeadlineEffectType.Set, Title = "MINUSMA leaves Mali", Due = new FuzzyDate { Edtf = "2023-12-31" }, Responsible = "UN Security Council" };
        mandate.Attributes.Add("fatalities", "3");
        mandate.Attributes.Add("source_scale", "International");

        await AppendAsync(Events.Dated("coup", "2020-08", "Junta seizes power", "mali"), mandate);
        await AppendAsync(Events.Dated("coup", "2020-08-18", "Junta seizes power in Kati", "mali"), Events.Written("attack", "late August", "2023-09-02", "Attack near Bourem"));
        var tombstone = Events.Dated("coup", "2020-08-18", "Junta seizes power in Kati", "mali");
        tombstone.Retracted = true;
        await AppendAsync(tombstone, Events.Dated("plain", "2021"));
    }

    private async Task AppendAsync(params NewEvent[] events) =>
        await Client.AppendEventsAsync(new AppendEventsRequest { Events = { events } }, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync.WaitAsync(CallTimeout, TestContext.Current.CancellationToken);

    private async Task<EventRecord> GetAsync(string eventId, long revision) =>
        (await Client.GetEventAsync(new GetEventRequest { EventId = eventId, Revision = revision }, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync.WaitAsync(CallTimeout, TestContext.Current.CancellationToken)).Event;

    /// <summary>Through the generated client: every revision from the start, up to the caught-up marker.</summary>
    private async Task<(List<EventRecord> Records, long CaughtUp)> CatchUpAsync()
    {
        using var cts = new CancellationTokenSource(CallTimeout);
        using var call = Client.SubscribeEvents(new SubscribeEventsRequest(), cancellationToken: cts.Token);
        var records = new List<EventRecord>();
        while (await call.ResponseStream.MoveNext(cts.Token))
        {
            var message = call.ResponseStream.Current;
            if (message.CaughtUp is { } caughtUp)
            {
                cts.Cancel();
                return (records, caughtUp.Position);
            }

            records.Add(message.Event);
        }

        throw new InvalidOperationException("the stream ended before its caught-up marker");
    }

    /// <summary>
    /// The same stream read as raw bytes (a client method of our own, with a marshaller that keeps
    /// the payload): each revision up to the caught-up marker, parsed, with its <c>event</c> field's bytes.
    /// </summary>
    private async Task<List<(EventRecord Record, byte[] Bytes)>> RawCatchUpAsync()
    {
        var method = new Method<SubscribeEventsRequest, byte[]>(
            MethodType.ServerStreaming, EventStoreService.Descriptor.FullName, "SubscribeEvents",
            Marshallers.Create<SubscribeEventsRequest>(r => r.ToByteArray(), SubscribeEventsRequest.Parser.ParseFrom),
            Marshallers.Create<byte[]>(b => b, b => b));
        using var channel = GrpcChannel.ForAddress(server.Address);
        using var cts = new CancellationTokenSource(CallTimeout);
        using var call = channel.CreateCallInvoker().AsyncServerStreamingCall(method, null, new CallOptions(cancellationToken: cts.Token), new SubscribeEventsRequest());
        var frames = new List<(EventRecord, byte[])>();
        while (await call.ResponseStream.MoveNext(cts.Token))
        {
            var payload = call.ResponseStream.Current;
            var message = SubscribeEventsResponse.Parser.ParseFrom(payload);
            if (message.CaughtUp is not null)
            {
                cts.Cancel();
                return frames;
            }

            var input = new CodedInputStream(payload);
            Assert.Equal(WireFormat.MakeTag(SubscribeEventsResponse.EventFieldNumber, WireFormat.WireType.LengthDelimited), input.ReadTag());
            frames.Add((message.Event, input.ReadBytes().ToByteArray()));
            Assert.True(input.IsAtEnd);
        }

        throw new InvalidOperationException("the stream ended before its caught-up marker");
    }

    private static byte[] Field(int number, ulong value) => Written(o =>
    {
        o.WriteTag(number, WireFormat.WireType.Varint);
        o.WriteUInt64(value);
    });

    private static byte[] Field(int number, string value) => Written(o =>
    {
        o.WriteTag(number, WireFormat.WireType.LengthDelimited);
        o.WriteString(value);
    });

    private static byte[] Written(Action<CodedOutputStream> write)
    {
        using var stream = new MemoryStream();
        var output = new CodedOutputStream(stream);
        write(output);
        output.Flush();
        return stream.ToArray();
    }

    private static byte[] Concat(params byte[][] parts) => [.. parts.SelectMany(p => p)];

    public sealed class Sqlite() : SubscriptionPassThroughTests(StorageBackend.Sqlite);

    public sealed class Postgres() : SubscriptionPassThroughTests(StorageBackend.Postgres);
}
