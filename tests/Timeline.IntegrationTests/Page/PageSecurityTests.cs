using System.Net;
using Timeline.IntegrationTests.Timeline;
using static Timeline.Tests.Shared.TestTokens;

namespace Timeline.IntegrationTests.Page;

/// <summary>
/// With tokens configured, the page shows no data without a token that carries timeline:read, and
/// sends the one given on every request and on the live feed; its files carry a policy that
/// forbids inline script and every other origin.
/// </summary>
public sealed class PageSecurityTests : IAsyncLifetime
{
    private const string Reader = "reader-page-6c1d";
    private const string Writer = "writer-page-92aa";
    private PageSystem system = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        system = await PageSystem.StartAsync(
        [
            "--Auth:Tokens:dashboard:Sha256", Hash(Reader), "--Auth:Tokens:dashboard:Scopes:0", "timeline:read",
            "--Auth:Tokens:ingest:Sha256", Hash(Writer), "--Auth:Tokens:ingest:Scopes:0", "events:write",
        ]);
    }

    public async ValueTask DisposeAsync() => await system.DisposeAsync();

    [Fact]
    public async Task Without_a_token_with_the_read_scope_the_page_shows_no_data_and_with_one_it_follows_live()
    {
        await system.Storage.AppendEventsAsync(new Storage.V1.AppendEventsRequest { Events = { MaliReport.Events() } }, cancellationToken: TestContext.Current.CancellationToken);
        await system.OpenAsync(waitForData: false);
        var browser = system.Browser;

        await browser.WaitUntilAsync("!document.getElementById('token-form').hidden");
        Assert.Equal(0, (await browser.EvaluateAsync("document.querySelectorAll('#entries .entry, #deadline-list .deadline').length"))!.GetValue<int>());
        Assert.Equal("refused", (await browser.EvaluateAsync("document.getElementById('connection').dataset.connection"))?.GetValue<string>());

        // A token without timeline:read is refused too.
        await browser.EvaluateAsync($"(() => {{ document.getElementById('token').value = '{Writer}'; document.getElementById('token-form').requestSubmit(); }})()");
        await browser.WaitUntilAsync("!document.getElementById('token-form').hidden && document.getElementById('token-reason').textContent.includes('scope')");
        Assert.Equal(0, (await browser.EvaluateAsync("document.querySelectorAll('#entries .entry, #deadline-list .deadline').length"))!.GetValue<int>());

        await browser.EvaluateAsync($"(() => {{ document.getElementById('token').value = '{Reader}'; document.getElementById('token-form').requestSubmit(); }})()");
        await browser.WaitUntilAsync("document.querySelectorAll('#entries .entry').length === 9 && document.querySelector('#deadline-list .deadline')");
        await browser.WaitUntilAsync("document.getElementById('connection').dataset.connection === 'live'");
        await system.Storage.AppendEventsAsync(new Storage.V1.AppendEventsRequest { Events = { MaliReport.Dated("with-token", "2023-10-20", "Seen through the token") } }, cancellationToken: TestContext.Current.CancellationToken);
        await browser.WaitUntilAsync("document.querySelector('.entry[data-event-id=\"with-token\"]')");
    }

    [Theory]
    [InlineData("Last-Event-ID", "abc", "", "Last-Event-ID")]
    [InlineData("Last-Event-ID", "-3", "", "Last-Event-ID")]
    [InlineData(null, null, "?after=1.5", "after")]
    [InlineData(null, null, "?filter.occurred_from=2023-13-45", "filter.occurred_from")]
    public async Task A_resume_position_or_period_the_feed_cannot_read_is_a_400_naming_it(string? header, string? value, string query, string field)
    {
        using var http = new HttpClient { BaseAddress = system.PageAddress, Timeout = PageSystem.Timeout };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/page/live" + query);
        request.Headers.Authorization = new("Bearer", Reader);
        if (header is not null)
        {
            request.Headers.Add(header, value);
        }

        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var json = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;
        Assert.Equal(3, json.GetProperty("code").GetInt32());
        Assert.StartsWith(field + ":", json.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_feed_and_the_histories_refuse_a_caller_without_a_token_and_the_files_forbid_inline_script_and_other_origins()
    {
        using var http = new HttpClient { BaseAddress = system.PageAddress, Timeout = PageSystem.Timeout };
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/page/live", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/page/history/unsc-2690", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/page/deadline-history/minusma-withdrawal", Ct)).StatusCode);
        using var wrongScope = new HttpRequestMessage(HttpMethod.Get, "/page/live");
        wrongScope.Headers.Authorization = new("Bearer", Writer);
        Assert.Equal(HttpStatusCode.Forbidden, (await http.SendAsync(wrongScope, Ct)).StatusCode);

        foreach (var file in new[] { "/page/", "/page/app.js", "/page/app.css" })
        {
            using var response = await http.GetAsync(file, Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var policy = string.Join(" ", response.Headers.GetValues("Content-Security-Policy"));
            Assert.Contains("default-src 'none'", policy, StringComparison.Ordinal);
            Assert.Contains("script-src 'self';", policy, StringComparison.Ordinal);
            Assert.DoesNotContain("unsafe-inline", policy, StringComparison.Ordinal);
            var text = await response.Content.ReadAsStringAsync(Ct);
            Assert.DoesNotMatch(@"(src|href)=""(https?:)?//", text);
            Assert.DoesNotContain("innerHTML", text, StringComparison.Ordinal);
        }

        Assert.DoesNotMatch("<script>", await http.GetStringAsync("/page/", Ct));
    }

    [Fact]
    public async Task Without_the_write_scope_the_form_is_not_shown_and_the_append_route_refuses()
    {
        await system.Storage.AppendEventsAsync(new Storage.V1.AppendEventsRequest { Events = { MaliReport.Events() } }, cancellationToken: Ct);
        await system.OpenAsync(waitForData: false);
        var browser = system.Browser;
        await browser.WaitUntilAsync("!document.getElementById('token-form').hidden");
        await browser.EvaluateAsync($"(() => {{ document.getElementById('token').value = '{Reader}'; document.getElementById('token-form').requestSubmit(); }})()");
        await browser.WaitUntilAsync("document.querySelectorAll('#entries .entry').length === 9 && document.body.dataset.canWrite === 'false'");
        await browser.EvaluateAsync("document.querySelector('.entry[data-event-id=\"unsc-2690\"] .entry-label').click()");
        await browser.WaitUntilAsync("!document.getElementById('details').hidden");
        Assert.True((await browser.EvaluateAsync("document.getElementById('add-event').hidden"))!.GetValue<bool>());
        Assert.Null(await browser.EvaluateAsync("document.getElementById('correct')"));

        using var http = new HttpClient { BaseAddress = system.PageAddress, Timeout = PageSystem.Timeout };
        foreach (var (token, expected) in new[] { ((string?)null, HttpStatusCode.Unauthorized), (Reader, HttpStatusCode.Forbidden) })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/page/events")
            {
                Content = new StringContent("""{"title":"Not allowed","occurred":{"edtf":"2023-10-01"}}""", System.Text.Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("Origin", $"http://{system.PageAddress.Authority}");
            if (token is not null)
            {
                request.Headers.Authorization = new("Bearer", token);
            }

            Assert.Equal(expected, (await http.SendAsync(request, Ct)).StatusCode);
        }

        // With events:write it is accepted (storage here has no tokens of its own).
        using var allowed = new HttpRequestMessage(HttpMethod.Post, "/page/events")
        {
            Content = new StringContent("""{"eventId":"by-writer","title":"Allowed","occurred":{"edtf":"2023-10-01"}}""", System.Text.Encoding.UTF8, "application/json"),
        };
        allowed.Headers.Add("Origin", $"http://{system.PageAddress.Authority}");
        allowed.Headers.Authorization = new("Bearer", Writer);
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(allowed, Ct)).StatusCode);
        var listed = await system.Storage.ListEventsAsync(new Storage.V1.ListEventsRequest { PageSize = 1000 }, cancellationToken: Ct);
        Assert.Equal(10, listed.Events.Count);
    }
}
