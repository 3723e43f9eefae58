using System.Net;
using System.Text;
using Grpc.Core;
using Timeline.ServiceDefaults;
using Timeline.Storage.V1;
using static Timeline.IntegrationTests.Http.HttpJsonTests;
using static Timeline.Tests.Shared.TestTokens;

namespace Timeline.IntegrationTests.Http;

/// <summary>The HTTP/JSON routes are the same endpoints as the RPCs, so the same scopes guard them.</summary>
public sealed class HttpJsonSecurityTests : IAsyncLifetime
{
    private const string Reader = "reader-3b7e";
    private const string Writer = "writer-81c0";
    private const string TimelineToStorage = "timeline-to-storage-5d2a";
    private JsonSystem system = null!;

    public async ValueTask InitializeAsync() => system = await JsonSystem.StartAsync(
        storageArgs:
        [
            "--Auth:Tokens:dashboard:Sha256", Hash(Reader), "--Auth:Tokens:dashboard:Scopes:0", "events:read",
            "--Auth:Tokens:ingest:Sha256", Hash(Writer), "--Auth:Tokens:ingest:Scopes:0", "events:write",
            "--Auth:Tokens:timeline-service:Sha256", Hash(TimelineToStorage), "--Auth:Tokens:timeline-service:Scopes:0", "events:read",
        ],
        timelineArgs: ["--Auth:Tokens:dashboard:Sha256", Hash(Reader), "--Auth:Tokens:dashboard:Scopes:0", "timeline:read", "--Timeline:StorageToken", TimelineToStorage]);

    public async ValueTask DisposeAsync() => await system.DisposeAsync();

    [Fact]
    public async Task Without_a_token_a_json_read_is_401_with_a_json_status_and_with_one_it_is_200()
    {
        var anonymous = await GetJsonAsync(system.StorageJson, "/v1/events");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.Status);
        Assert.Equal(16, anonymous.Json.GetProperty("code").GetInt32()); // UNAUTHENTICATED

        var wrongScope = await GetJsonAsync(system.StorageJson, "/v1/events", Writer);
        Assert.Equal(HttpStatusCode.Forbidden, wrongScope.Status);
        Assert.Equal(7, wrongScope.Json.GetProperty("code").GetInt32()); // PERMISSION_DENIED

        var reader = await GetJsonAsync(system.StorageJson, "/v1/events", Reader);
        Assert.Equal(HttpStatusCode.OK, reader.Status);

        Assert.Equal(HttpStatusCode.Unauthorized, (await GetJsonAsync(system.TimelineJson, "/v1/timeline")).Status);
        Assert.Equal(HttpStatusCode.OK, (await GetJsonAsync(system.TimelineJson, "/v1/timeline", Reader)).Status);
    }

    /// <summary>What follows <c>Bearer </c>: the token with HTTP's own optional whitespace (space, tab) around it is the token.</summary>
    public static TheoryData<string, string> HttpWhitespace => new()
    {
        { "trailing space", $"{Reader} " },
        { "trailing tab", $"{Reader}\t" },
        { "two spaces before", $" {Reader}" },
    };

    /// <summary>Any other whitespace is part of what was presented, so it is not the token.</summary>
    public static TheoryData<string, string> OtherWhitespace => new()
    {
        { "vertical tab after", $"{Reader}\v" },
        { "form feed after", $"{Reader}\f" },
        { "vertical tab before", $"\v{Reader}" },
        { "form feed before", $"\f{Reader}" },
        { "no-break space after", $"{Reader}\u00A0" },
        { "no-break space before", $"\u00A0{Reader}" },
        { "ideographic space after", $"{Reader}\u3000" },
        { "next line after", $"{Reader}\u0085" },
        { "only a vertical tab", "\v" },
        { "only a no-break space", "\u00A0" },
    };

    [Theory]
    [MemberData(nameof(HttpWhitespace))]
    public async Task A_token_with_http_whitespace_around_it_authenticates_over_json_and_grpc(string what, string presented)
    {
        Assert.True(HttpStatusCode.OK == await PresentOverJsonAsync(presented), what);
        Assert.Equal(StatusCode.OK, await PresentOverGrpcAsync(presented));
    }

    [Theory]
    [MemberData(nameof(OtherWhitespace))]
    public async Task A_token_with_any_other_whitespace_does_not_authenticate_over_json_or_grpc(string what, string presented)
    {
        var json = await PresentOverJsonAsync(presented);
        Assert.True(json is HttpStatusCode.Unauthorized or HttpStatusCode.BadRequest, $"{what}: HTTP {(int)json}");
        var grpc = await PresentOverGrpcAsync(presented);
        if (presented.All(char.IsAscii))
        {
            Assert.True(grpc == StatusCode.Unauthenticated, $"{what}: gRPC {grpc}");
        }
        else
        {
            // HTTP/2 headers from this client are ASCII only: it refuses to send the call at all.
            Assert.NotEqual(StatusCode.OK, grpc);
        }
    }

    /// <summary>The authorization header exactly as given (UTF-8 on the wire), to storage's <c>GET /v1/events</c>.</summary>
    private async Task<HttpStatusCode> PresentOverJsonAsync(string token)
    {
        using var handler = new SocketsHttpHandler { RequestHeaderEncodingSelector = (_, _) => Encoding.UTF8 };
        using var client = new HttpClient(handler) { BaseAddress = system.Storage.HttpJsonAddress(), DefaultRequestVersion = HttpVersion.Version11, Timeout = JsonSystem.Timeout };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/events");
        Assert.True(request.Headers.TryAddWithoutValidation("authorization", "Bearer " + token));
        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken).WaitAsync(JsonSystem.Timeout, TestContext.Current.CancellationToken);
        return response.StatusCode;
    }

    private async Task<StatusCode> PresentOverGrpcAsync(string token)
    {
        var client = new EventStoreService.EventStoreServiceClient(system.StorageChannel);
        try
        {
            await client.ListEventsAsync(new ListEventsRequest(), new Metadata { { "authorization", "Bearer " + token } }, cancellationToken: TestContext.Current.CancellationToken)
                .ResponseAsync.WaitAsync(JsonSystem.Timeout, TestContext.Current.CancellationToken);
            return StatusCode.OK;
        }
        catch (RpcException e)
        {
            return e.StatusCode;
        }
    }
}
