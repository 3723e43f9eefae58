using System.Net;
using System.Text;
using static Timeline.Tests.Shared.TestTokens;

namespace Timeline.IntegrationTests.Page;

/// <summary>
/// With tokens on both services, the page's append reaches storage with the caller's own token
/// (not the timeline service's, which only reads): storage admits it and records the caller's
/// token name as the writer; a token without events:write stores nothing.
/// </summary>
public sealed class PageWriteTokenTests : IAsyncLifetime
{
    private const string Editor = "editor-page-5d2e";
    private const string Reader = "reader-page-77c3";
    private const string ServiceReader = "timeline-reads-storage-41f0";
    private PageSystem system = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        system = await PageSystem.StartAsync(
            [
                "--Timeline:StorageToken", ServiceReader,
                "--Auth:Tokens:editor:Sha256", Hash(Editor), "--Auth:Tokens:editor:Scopes:0", "timeline:read", "--Auth:Tokens:editor:Scopes:1", "events:write",
                "--Auth:Tokens:dashboard:Sha256", Hash(Reader), "--Auth:Tokens:dashboard:Scopes:0", "timeline:read",
            ],
            [
                "--Auth:Tokens:timeline:Sha256", Hash(ServiceReader), "--Auth:Tokens:timeline:Scopes:0", "events:read",
                "--Auth:Tokens:editor:Sha256", Hash(Editor), "--Auth:Tokens:editor:Scopes:0", "events:write",
            ]);
    }

    public async ValueTask DisposeAsync() => await system.DisposeAsync();

    private async Task<HttpResponseMessage> PostAsync(HttpClient http, string token, string id)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/page/events")
        {
            Content = new StringContent($$$"""{"eventId":"{{{id}}}","title":"Through the page","occurred":{"text":"late August 2023","reference":"2023-10-16"}}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Origin", $"http://{system.PageAddress.Authority}");
        request.Headers.Authorization = new("Bearer", token);
        return await http.SendAsync(request, Ct);
    }

    [Fact]
    public async Task The_append_goes_to_storage_with_the_callers_token_and_records_its_name()
    {
        using var http = new HttpClient { BaseAddress = system.PageAddress, Timeout = PageSystem.Timeout };

        using (var refused = await PostAsync(http, Reader, "by-reader"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        using (var stored = await PostAsync(http, Editor, "by-editor"))
        {
            Assert.Equal(HttpStatusCode.OK, stored.StatusCode);
        }

        using var history = new HttpRequestMessage(HttpMethod.Get, "/page/history/by-editor");
        history.Headers.Authorization = new("Bearer", Reader);
        using var answer = await http.SendAsync(history, Ct);
        var revisions = System.Text.Json.JsonDocument.Parse(await answer.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("revisions");
        var only = Assert.Single(revisions.EnumerateArray());
        Assert.Equal("editor", only.GetProperty("recordedBy").GetString());
        Assert.Equal("2023-08-21", only.GetProperty("occurred").GetProperty("earliest").GetString());

        using var missing = new HttpRequestMessage(HttpMethod.Get, "/page/history/by-reader");
        missing.Headers.Authorization = new("Bearer", Reader);
        Assert.Equal(HttpStatusCode.NotFound, (await http.SendAsync(missing, Ct)).StatusCode);
    }
}
