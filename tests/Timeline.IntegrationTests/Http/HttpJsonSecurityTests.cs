using System.Net;
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
}
