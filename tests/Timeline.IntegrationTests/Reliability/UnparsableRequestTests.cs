using System.Buffers.Binary;
using System.Net;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Timeline.IntegrationTests.Http;
using Timeline.IntegrationTests.Reliability.Probes;
using Timeline.ServiceDefaults;
using Timeline.Storage.V1;
using Timeline.V1;

namespace Timeline.IntegrationTests.Reliability;

/// <summary>
/// A request whose bytes cannot be parsed (grpc-dotnet parses before any interceptor runs) is
/// INVALID_ARGUMENT naming the field, never UNKNOWN: string fields that are not UTF-8, messages
/// cut short, nested messages that lie about their length, unary and streaming, sent as no
/// generated client would (a raw byte payload through a CallInvoker, and a gRPC frame built by
/// hand on an HTTP/2 HttpClient).
/// </summary>
public sealed class UnparsableRequestTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = JsonSystem.Timeout;
    private static readonly byte[] NotUtf8 = [(byte)'t', 0xff, 0xfe, (byte)'x'];
    private JsonSystem system = null!;

    public async ValueTask InitializeAsync() => system = await JsonSystem.StartAsync();

    public async ValueTask DisposeAsync()
    {
        var stored = await new EventStoreService.EventStoreServiceClient(system.StorageChannel).ListEventsAsync(new ListEventsRequest()).ResponseAsync.WaitAsync(Timeout);
        await system.DisposeAsync();
        Assert.Empty(stored.Events);
    }

    public static TheoryData<string, string, string> Cases => new()
    {
        // method, which bytes, the field the refusal must name
        { "AppendEvents", "title not utf-8", "events[0].title" },
        { "AppendEvents", "second event's tag not utf-8", "events[1].tags[1]" },
        { "AppendEvents", "occurred.text not utf-8", "events[0].occurred.text" },
        { "AppendEvents", "attribute value not utf-8", "events[0].attributes[0].value" },
        { "AppendEvents", "event cut short", "events[0]" },
        { "AppendEvents", "message ends inside a tag", "request" },
        { "GetEvent", "event_id not utf-8", "event_id" },
        { "ListEvents", "filter tag not utf-8", "filter.tags[0]" },
        { "SubscribeEvents", "filter kind not utf-8", "filter.kinds[0]" },
        { "GetTimeline", "filter actor not utf-8", "filter.actors[0]" },
        { "ListDeadlines", "deadline id not utf-8", "deadline_ids[0]" },
        { "WatchDeadlines", "deadline id not utf-8", "deadline_ids[0]" },
        { "ReplayDeadlines", "from not utf-8", "from" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Bytes_that_cannot_be_parsed_are_invalid_argument_naming_the_field_through_a_call_invoker(string method, string bytes, string field)
    {
        var (descriptor, channel) = Find(method);

        var outcome = await RawGrpc.CallAsync(channel.CreateCallInvoker(), descriptor, Payload(method, bytes), Timeout);

        Assert.True(outcome.Code == StatusCode.InvalidArgument, $"{method} with {bytes}: {outcome}");
        Assert.Contains(field, outcome.ViolatedFields);
        Assert.Equal("MALFORMED_REQUEST", outcome.Rich?.GetDetail<Google.Rpc.ErrorInfo>()?.Reason);
    }

    [Theory]
    [InlineData("AppendEvents", "title not utf-8", "events[0].title")]
    [InlineData("WatchDeadlines", "deadline id not utf-8", "deadline_ids[0]")]
    public async Task A_hand_built_grpc_frame_on_an_http2_client_gets_the_same_answer(string method, string bytes, string field)
    {
        var (descriptor, channel) = Find(method);
        var payload = Payload(method, bytes);
        var frame = new byte[5 + payload.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)payload.Length);
        payload.CopyTo(frame, 5);

        using var http2 = new HttpClient { Timeout = Timeout };
        var address = channel == system.StorageChannel ? system.Storage.GrpcAddress() : system.Timeline.GrpcAddress();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(address, $"/{descriptor.Service.FullName}/{descriptor.Name}"))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(frame),
        };
        request.Content.Headers.ContentType = new("application/grpc");
        request.Headers.TE.ParseAdd("trailers");
        using var response = await http2.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken: TestContext.Current.CancellationToken).WaitAsync(Timeout, cancellationToken: TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken: TestContext.Current.CancellationToken).WaitAsync(Timeout, cancellationToken: TestContext.Current.CancellationToken);

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode} {response.Version} {response.Headers} {body}");
        var status = Header(response, "grpc-status");
        Assert.Equal(((int)StatusCode.InvalidArgument).ToString(System.Globalization.CultureInfo.InvariantCulture), status);
        var details = Google.Rpc.Status.Parser.ParseFrom(Convert.FromBase64String(PadBase64(Header(response, "grpc-status-details-bin")!)));
        Assert.Contains(field, details.GetDetail<Google.Rpc.BadRequest>()!.FieldViolations.Select(v => v.Field));
    }

    private (MethodDescriptor Method, Grpc.Net.Client.GrpcChannel Channel) Find(string name) =>
        ContractMethods.Storage.FirstOrDefault(m => m.Name == name) is { } storage
            ? (storage, system.StorageChannel)
            : (ContractMethods.Timeline.Single(m => m.Name == name), system.TimelineChannel);

    /// <summary>A request of <paramref name="method"/> whose bytes are broken as <paramref name="bytes"/> says.</summary>
    private static byte[] Payload(string method, string bytes) => (method, bytes) switch
    {
        ("AppendEvents", "title not utf-8") => Field(1, Event(Field(3, NotUtf8))),
        ("AppendEvents", "second event's tag not utf-8") => [.. Field(1, Event()), .. Field(1, Event(Field(8, "mali"u8.ToArray()), Field(8, NotUtf8)))],
        ("AppendEvents", "occurred.text not utf-8") => Field(1, Field(3, "t"u8.ToArray()), Field(2, Field(8, NotUtf8), Field(9, "2023-10-16"u8.ToArray()))),
        ("AppendEvents", "attribute value not utf-8") => Field(1, Event(Field(13, Field(1, "k"u8.ToArray()), Field(2, NotUtf8)))),
        ("AppendEvents", "event cut short") => Truncated(Field(1, Event())),
        ("AppendEvents", "message ends inside a tag") => [.. Field(1, Event()), 0x8a],
        ("GetEvent", _) => Field(1, NotUtf8),
        ("ListEvents", _) => Field(1, Field(1, NotUtf8)),
        ("SubscribeEvents", _) => Field(2, Field(3, NotUtf8)),
        ("GetTimeline", _) => Field(1, Field(2, NotUtf8)),
        ("ListDeadlines" or "WatchDeadlines", _) => Field(1, NotUtf8),
        ("ReplayDeadlines", _) => [.. Field(2, NotUtf8), .. Field(3, "2023-12-31"u8.ToArray())],
        _ => throw new ArgumentException($"{method}: {bytes}"),
    };

    /// <summary>A valid NewEvent (title and occurred.edtf) with more fields appended.</summary>
    private static byte[] Event(params byte[][] more) => [.. Field(3, "t"u8.ToArray()), .. Field(2, Field(1, "2023"u8.ToArray())), .. more.SelectMany(b => b)];

    /// <summary>A length-delimited field: tag, length, bytes.</summary>
    private static byte[] Field(int number, params byte[][] parts)
    {
        var value = parts.SelectMany(p => p).ToArray();
        using var stream = new MemoryStream();
        var output = new CodedOutputStream(stream);
        output.WriteTag(number, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(ByteString.CopyFrom(value));
        output.Flush();
        return stream.ToArray();
    }

    /// <summary>A length-delimited field whose length promises two bytes more than follow.</summary>
    private static byte[] Truncated(byte[] field) => field[..^2];

    private static string? Header(HttpResponseMessage response, string name) =>
        response.TrailingHeaders.TryGetValues(name, out var trailers) ? trailers.First()
        : response.Headers.TryGetValues(name, out var headers) ? headers.First()
        : null;

    private static string PadBase64(string value) => value.PadRight(value.Length + ((4 - (value.Length % 4)) % 4), '=');
}
