using System.Net;
using System.Text;
using System.Text.Json;
using Timeline.Storage.V1;
using static Timeline.IntegrationTests.Http.HttpJsonTests;

namespace Timeline.IntegrationTests.Http;

/// <summary>
/// HTTP/JSON refusals carry what gRPC's do: a <c>google.rpc.Status</c> whose <c>BadRequest</c>
/// names the field, for a body that is not JSON, a field of the wrong type, an unknown field or an
/// unreadable query parameter; a JSON body for 404 and 405 too; and nothing stored.
/// </summary>
public sealed class HttpJsonErrorTests : IAsyncLifetime
{
    private JsonSystem system = null!;

    public async ValueTask InitializeAsync() => system = await JsonSystem.StartAsync();

    public async ValueTask DisposeAsync()
    {
        // Whatever a test sent, nothing was stored.
        var stored = await new EventStoreService.EventStoreServiceClient(system.StorageChannel).ListEventsAsync(new ListEventsRequest()).ResponseAsync.WaitAsync(JsonSystem.Timeout);
        await system.DisposeAsync();
        Assert.Empty(stored.Events);
    }

    [Theory]
    [InlineData("not json", "request")]
    [InlineData("{\"events\": [", "request")]
    [InlineData("[1, 2]", "request")]
    [InlineData("{\"events\": {}}", "events")]
    [InlineData("{\"events\": [{\"title\": 5, \"occurred\": {\"edtf\": \"2023\"}}]}", "events[0].title")]
    [InlineData("{\"events\": [{\"title\": \"t\", \"occurred\": \"2023\"}]}", "events[0].occurred")]
    [InlineData("{\"events\": [{\"title\": \"t\", \"occurred\": {\"edtf\": 2023}}]}", "events[0].occurred.edtf")]
    [InlineData("{\"events\": [{\"title\": \"t\", \"occurred\": {\"edtf\": \"2023\"}, \"location\": {\"latitude\": \"north\", \"longitude\": 1}}]}", "events[0].location.latitude")]
    [InlineData("{\"events\": [{\"title\": \"t\", \"occurred\": {\"edtf\": \"2023\"}, \"expectedRevision\": \"seven\"}]}", "events[0].expected_revision")]
    [InlineData("{\"events\": [{\"title\": \"t\", \"occurred\": {\"edtf\": \"2023\"}, \"expectedRevision\": 1.5}]}", "events[0].expected_revision")]
    [InlineData("{\"events\": [{\"title\": \"t\", \"occurred\": {\"edtf\": \"2023\"}, \"expectedRevision\": 9223372036854775808}]}", "events[0].expected_revision")]
    [InlineData("{\"events\": [{\"title\": \"t\", \"occurred\": {\"edtf\": \"2023\"}, \"retracted\": \"yes\"}]}", "events[0].retracted")]
    [InlineData("{\"events\": [{\"title\": \"t\", \"occurred\": {\"edtf\": \"2023\"}, \"tags\": \"mali\"}]}", "events[0].tags")]
    [InlineData("{\"events\": [{\"title\": \"t\", \"occurred\": {\"edtf\": \"2023\"}, \"tags\": [null]}]}", "events[0].tags[0]")]
    [InlineData("{\"events\": [{\"title\": \"t\", \"occurred\": {\"edtf\": \"2023\"}, \"attributes\": {\"a\": 1}}]}", "events[0].attributes[a]")]
    [InlineData("{\"events\": [{\"title\": \"t\", \"occurred\": {\"edtf\": \"2023\"}, \"deadline\": {\"deadlineId\": \"d\", \"effect\": \"SOON\"}}]}", "events[0].deadline.effect")]
    [InlineData("{\"events\": [{\"title\": \"t\\ud800\", \"occurred\": {\"edtf\": \"2023\"}}]}", "events[0].title")]
    [InlineData("{\"events\": [{\"title\": \"t\", \"eventId\": \"a\", \"event_id\": \"b\", \"occurred\": {\"edtf\": \"2023\"}}]}", "events[0].event_id")]
    public async Task A_body_that_is_not_the_requests_json_is_a_400_naming_the_field(string body, string field)
    {
        var (status, json) = await PostJsonAsync(system.StorageJson, "/v1/events:append", body);

        AssertNames(status, json, field);
    }

    [Fact]
    public async Task A_body_that_is_not_utf8_is_a_400_naming_the_field()
    {
        var bytes = Encoding.UTF8.GetBytes("{\"events\": [{\"title\": \"t#\", \"occurred\": {\"edtf\": \"2023\"}}]}");
        bytes[Array.IndexOf(bytes, (byte)'#')] = 0xff;
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new("application/json");
        using var response = await system.StorageJson.PostAsync("/v1/events:append", content, cancellationToken: TestContext.Current.CancellationToken).WaitAsync(JsonSystem.Timeout, cancellationToken: TestContext.Current.CancellationToken);

        AssertNames(response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken: TestContext.Current.CancellationToken)).RootElement.Clone(), "events[0].title");
    }

    [Theory]
    [InlineData("{\"events\": [{\"title\": \"t\", \"occurred\": {\"edtf\": \"2023\"}, \"bogus\": 1}]}", "events[0].bogus")]
    [InlineData("{\"event\": [{\"title\": \"t\", \"occurred\": {\"edtf\": \"2023\"}}]}", "event")]
    [InlineData("{\"events\": [{\"title\": \"t\", \"occurred\": {\"edtf\": \"2023\", \"when\": \"now\"}}]}", "events[0].occurred.when")]
    public async Task An_unknown_field_in_the_body_is_refused_not_ignored(string body, string field)
    {
        var (status, json) = await PostJsonAsync(system.StorageJson, "/v1/events:append", body);

        AssertNames(status, json, field);
        Assert.Contains("unknown field", Description(json, field));
    }

    [Theory]
    [InlineData("/v1/events?filter.tag=mali", "filter.tag")]
    [InlineData("/v1/events?pagesize=2", "pagesize")]
    [InlineData("/v1/events/coup/history?revision=1", "revision")]
    [InlineData("timeline:/v1/timeline?filter.tag=mali", "filter.tag")]
    [InlineData("timeline:/v1/deadlines?deadline=minusma", "deadline")]
    public async Task An_unknown_query_parameter_is_refused_not_ignored(string path, string field)
    {
        var (status, json) = await GetAsync(path);

        AssertNames(status, json, field);
        Assert.Contains("unknown query parameter", Description(json, field));
    }

    [Theory]
    [InlineData("/v1/events?page_size=abc", "page_size")]
    [InlineData("/v1/events?page_size=2147483648", "page_size")]
    [InlineData("/v1/events?page_size=1&page_size=2", "page_size")]
    [InlineData("/v1/events?filter.deadline_effects_only=maybe", "filter.deadline_effects_only")]
    [InlineData("/v1/events?filter=mali", "filter")]
    [InlineData("/v1/events?knownAt=yesterday", "knownAt")]
    [InlineData("/v1/events/coup?revision=1.5", "revision")]
    [InlineData("/v1/events/coup?event_id=other", "event_id")]
    [InlineData("timeline:/v1/deadlines?page_size=-", "page_size")]
    [InlineData("timeline:/v1/timeline?known_at=2023-10-16", "known_at")]
    public async Task An_unparsable_query_parameter_is_a_400_naming_it(string path, string field)
    {
        var (status, json) = await GetAsync(path);

        AssertNames(status, json, field);
    }

    [Fact]
    public async Task A_body_on_a_route_that_takes_it_with_the_wrong_content_type_is_refused()
    {
        using var content = new StringContent("{\"events\": []}", Encoding.UTF8, "text/plain");
        using var response = await system.StorageJson.PostAsync("/v1/events:append", content, cancellationToken: TestContext.Current.CancellationToken).WaitAsync(JsonSystem.Timeout, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal(3, JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken: TestContext.Current.CancellationToken)).RootElement.GetProperty("code").GetInt32());
    }

    [Theory]
    [InlineData("GET", "/v1/nothing", HttpStatusCode.NotFound, 5, null)]
    [InlineData("GET", "/", HttpStatusCode.NotFound, 5, null)]
    [InlineData("POST", "/timeline.storage.v1.EventStoreService/AppendEvents", HttpStatusCode.NotFound, 5, null)]
    [InlineData("DELETE", "/v1/events", HttpStatusCode.MethodNotAllowed, 12, "GET")]
    [InlineData("POST", "/v1/events", HttpStatusCode.MethodNotAllowed, 12, "GET")]
    [InlineData("GET", "/v1/events:append", HttpStatusCode.MethodNotAllowed, 12, "POST")]
    [InlineData("PUT", "/v1/events/coup/history", HttpStatusCode.MethodNotAllowed, 12, "GET")]
    public async Task No_route_is_a_404_or_405_with_a_json_status(string method, string path, HttpStatusCode expected, int code, string? allow)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method != "GET")
        {
            request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        }

        using var response = await system.StorageJson.SendAsync(request, cancellationToken: TestContext.Current.CancellationToken).WaitAsync(JsonSystem.Timeout, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken: TestContext.Current.CancellationToken)).RootElement;
        Assert.Equal(code, json.GetProperty("code").GetInt32());
        Assert.Contains(path, json.GetProperty("message").GetString());
        if (allow is not null)
        {
            Assert.Equal(allow, response.Content.Headers.Allow.Single());
        }
    }

    /// <summary>A path on storage's JSON endpoint, or on the timeline service's with a <c>timeline:</c> prefix.</summary>
    private Task<(HttpStatusCode Status, JsonElement Json)> GetAsync(string path) =>
        path.StartsWith("timeline:", StringComparison.Ordinal)
            ? GetJsonAsync(system.TimelineJson, path["timeline:".Length..])
            : GetJsonAsync(system.StorageJson, path);

    private static void AssertNames(HttpStatusCode status, JsonElement json, string field)
    {
        Assert.True(status == HttpStatusCode.BadRequest, $"{status}: {json}");
        Assert.Equal(3, json.GetProperty("code").GetInt32());
        var details = json.GetProperty("details").EnumerateArray().ToList();
        var violations = Assert.Single(details, d => d.GetProperty("@type").GetString() == "type.googleapis.com/google.rpc.BadRequest").GetProperty("fieldViolations");
        Assert.Contains(field, violations.EnumerateArray().Select(v => v.GetProperty("field").GetString()));
        Assert.All(violations.EnumerateArray(), v => Assert.False(string.IsNullOrEmpty(v.GetProperty("description").GetString())));
        Assert.Contains(details, d => d.GetProperty("@type").GetString() == "type.googleapis.com/google.rpc.ErrorInfo");
    }

    private static string Description(JsonElement json, string field) =>
        json.GetProperty("details").EnumerateArray()
            .Where(d => d.TryGetProperty("fieldViolations", out _))
            .SelectMany(d => d.GetProperty("fieldViolations").EnumerateArray())
            .First(v => v.GetProperty("field").GetString() == field).GetProperty("description").GetString()!;
}
