using System.Net;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Grpc.Core;
using Timeline.Storage.V1;
using Timeline.V1;

namespace Timeline.IntegrationTests.Http;

/// <summary>
/// One message-size limit (<c>Grpc:MaxReceiveMessageBytes</c>) for both transports: a request
/// over it is refused, 413 with RESOURCE_EXHAUSTED over HTTP/JSON (with or without a
/// Content-Length) and RESOURCE_EXHAUSTED over gRPC, and nothing of it is stored.
/// </summary>
public sealed class HttpJsonSizeLimitTests
{
    private const int MiB = 1024 * 1024;

    [Fact]
    public async Task An_8_7_MiB_batch_is_refused_over_both_transports_and_nothing_is_stored()
    {
        await using var system = await JsonSystem.StartAsync();
        var request = Batch(events: 1_000, summaryLength: 9_100);
        var json = JsonFormatter.Default.Format(request);
        Assert.InRange(Encoding.UTF8.GetByteCount(json), (int)(8.7 * MiB), 9 * MiB);

        var sized = await PostAsync(system, json, chunked: false);
        var chunked = await PostAsync(system, json, chunked: true);
        var grpc = await Assert.ThrowsAsync<RpcException>(() => Storage(system).AppendEventsAsync(request, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync.WaitAsync(JsonSystem.Timeout, cancellationToken: TestContext.Current.CancellationToken));

        foreach (var (status, body) in new[] { sized, chunked })
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
            Assert.Equal(8, body.GetProperty("code").GetInt32()); // RESOURCE_EXHAUSTED
            Assert.Contains("Grpc:MaxReceiveMessageBytes", body.GetProperty("message").GetString());
        }

        Assert.Equal(StatusCode.ResourceExhausted, grpc.StatusCode);
        Assert.Empty((await Storage(system).ListEventsAsync(new ListEventsRequest(), cancellationToken: TestContext.Current.CancellationToken).ResponseAsync.WaitAsync(JsonSystem.Timeout, cancellationToken: TestContext.Current.CancellationToken)).Events);
    }

    [Fact]
    public async Task The_configured_limit_holds_for_both_and_a_body_under_it_is_stored()
    {
        await using var system = await JsonSystem.StartAsync(storageArgs: ["--Grpc:MaxReceiveMessageBytes", "1000000"]);

        var over = Batch(events: 150, summaryLength: 9_000);
        var (status, _) = await PostAsync(system, JsonFormatter.Default.Format(over), chunked: false);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        var grpc = await Assert.ThrowsAsync<RpcException>(() => Storage(system).AppendEventsAsync(over, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync.WaitAsync(JsonSystem.Timeout, cancellationToken: TestContext.Current.CancellationToken));
        Assert.Equal(StatusCode.ResourceExhausted, grpc.StatusCode);

        var under = Batch(events: 90, summaryLength: 9_000);
        var (accepted, body) = await PostAsync(system, JsonFormatter.Default.Format(under), chunked: true);
        Assert.True(accepted == HttpStatusCode.OK, $"{accepted}: {body}");
        Assert.Equal(90, (await Storage(system).ListEventsAsync(new ListEventsRequest { PageSize = 1000 }, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync.WaitAsync(JsonSystem.Timeout, cancellationToken: TestContext.Current.CancellationToken)).Events.Count);
    }

    private static AppendEventsRequest Batch(int events, int summaryLength)
    {
        var request = new AppendEventsRequest();
        for (var i = 0; i < events; i++)
        {
            request.Events.Add(new NewEvent { EventId = $"big-{i}", Title = "a long report", Summary = new string((char)('a' + (i % 26)), summaryLength), Occurred = new FuzzyDate { Edtf = "2023-10" } });
        }

        return request;
    }

    private static EventStoreService.EventStoreServiceClient Storage(JsonSystem system) => new(system.StorageChannel);

    private static async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(JsonSystem system, string json, bool chunked)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/events:append")
        {
            Content = chunked
                ? new StreamContent(new UnseekableStream(Encoding.UTF8.GetBytes(json)))
                : new StringContent(json, Encoding.UTF8),
        };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.TransferEncodingChunked = chunked;
        using var response = await system.StorageJson.SendAsync(request).WaitAsync(JsonSystem.Timeout);
        var text = await response.Content.ReadAsStringAsync().WaitAsync(JsonSystem.Timeout);
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }

    /// <summary>A body whose length the client does not know, so it is sent chunked.</summary>
    private sealed class UnseekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
