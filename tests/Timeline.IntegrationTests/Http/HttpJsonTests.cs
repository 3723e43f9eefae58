using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Timeline.IntegrationTests.Cli;
using Timeline.ServiceDefaults;
using Timeline.Storage.V1;
using static Timeline.Tests.Shared.TestTokens;

namespace Timeline.IntegrationTests.Http;

/// <summary>
/// The unary RPCs over HTTP/1.1 JSON (google.api.http transcoding) against both real services,
/// as curl would call them: append the sample report, read it back, the chronology by tag, and
/// errors as a JSON <c>google.rpc.Status</c>.
/// </summary>
public sealed class HttpJsonTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = JsonSystem.Timeout;
    private JsonSystem system = null!;

    public async ValueTask InitializeAsync() => system = await JsonSystem.StartAsync();

    public async ValueTask DisposeAsync() => await system.DisposeAsync();

    [Fact]
    public async Task Each_service_has_a_grpc_endpoint_and_a_separate_http_json_endpoint()
    {
        var grpc = system.Storage.GrpcAddress();
        var json = system.Storage.HttpJsonAddress()!;
        Assert.NotEqual(grpc.Port, json.Port);
        Assert.Equal(grpc, system.Storage.BoundAddresses()[0]);
        Assert.Contains(json, system.Storage.BoundAddresses());

        // The gRPC endpoint is HTTP/2 only: an HTTP/1.1 request gets no answer there.
        using var http11 = new HttpClient { DefaultRequestVersion = HttpVersion.Version11, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        HttpStatusCode? answered = null;
        try
        {
            using var response = await http11.GetAsync(new Uri(grpc, "/v1/events"), cancellationToken: TestContext.Current.CancellationToken).WaitAsync(Timeout, cancellationToken: TestContext.Current.CancellationToken);
            answered = response.StatusCode;
        }
        catch (HttpRequestException)
        {
        }

        Assert.NotEqual(HttpStatusCode.OK, answered);
    }

    [Fact]
    public async Task Append_the_sample_report_then_list_get_and_history_as_json()
    {
        var appended = await PostJsonAsync(system.StorageJson, "/v1/events:append", await File.ReadAllTextAsync(Path.Combine(RepoPaths.Samples, "mali-minusma-2023-10.json"), cancellationToken: TestContext.Current.CancellationToken));
        Assert.Equal(HttpStatusCode.OK, appended.Status);
        var results = appended.Json.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(9, results.Count);
        Assert.All(results, r => Assert.Equal(1, r.GetProperty("revision").GetInt64()));

        // A correction of one event through JSON becomes its revision 2.
        var corrected = await PostJsonAsync(system.StorageJson, "/v1/events:append", """
            {"events": [{"eventId": "mali-2020-junta-takes-power", "occurred": {"edtf": "2020-08"}, "title": "Military junta takes power in Mali", "tags": ["mali", "junta"]}]}
            """);
        Assert.Equal(HttpStatusCode.OK, corrected.Status);
        Assert.Equal(2, corrected.Json.GetProperty("results")[0].GetProperty("revision").GetInt64());

        var list = await GetJsonAsync(system.StorageJson, "/v1/events?filter.tags=minusma&page_size=2");
        Assert.Equal(HttpStatusCode.OK, list.Status);
        var page = list.Json.GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(2, page.Count);
        Assert.All(page, e => Assert.Contains("minusma", e.GetProperty("tags").EnumerateArray().Select(t => t.GetString())));
        var next = list.Json.GetProperty("nextPageToken").GetString();
        Assert.False(string.IsNullOrEmpty(next));
        var second = await GetJsonAsync(system.StorageJson, $"/v1/events?filter.tags=minusma&page_size=2&page_token={Uri.EscapeDataString(next!)}");
        Assert.Equal(HttpStatusCode.OK, second.Status);
        var secondIds = second.Json.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("eventId").GetString()).ToList();
        Assert.NotEmpty(secondIds);
        Assert.Empty(secondIds.Intersect(page.Select(e => e.GetProperty("eventId").GetString())));

        var get = await GetJsonAsync(system.StorageJson, "/v1/events/mali-2020-junta-takes-power");
        Assert.Equal(HttpStatusCode.OK, get.Status);
        var occurred = get.Json.GetProperty("event").GetProperty("occurred");
        Assert.Equal("2020-08-01", occurred.GetProperty("earliest").GetString());
        Assert.Equal("DATE_PRECISION_MONTH", occurred.GetProperty("precision").GetString());

        var history = await GetJsonAsync(system.StorageJson, "/v1/events/mali-2020-junta-takes-power/history");
        Assert.Equal(HttpStatusCode.OK, history.Status);
        Assert.Equal(
            ["in 2020", ""],
            history.Json.GetProperty("revisions").EnumerateArray().Select(r => r.GetProperty("occurred").TryGetProperty("text", out var t) ? t.GetString() : "").ToArray());
    }

    [Fact]
    public async Task The_timeline_by_tag_is_served_as_json_in_chronological_order()
    {
        var appended = await PostJsonAsync(system.StorageJson, "/v1/events:append", """
            {"events": [
              {"eventId": "tessalit", "occurred": {"edtf": "2023-10"}, "title": "Soldiers seek to take the UN's place in Tessalit", "tags": ["mali"]},
              {"eventId": "coup", "occurred": {"text": "in 2020", "reference": "2023-10-16"}, "title": "Junta seizes power", "tags": ["mali"]},
              {"eventId": "elsewhere", "occurred": {"edtf": "2021"}, "title": "Not about Mali", "tags": ["niger"]},
              {"eventId": "fighting", "occurred": {"text": "since late August", "reference": "2023-10-16"}, "title": "Fighting escalates", "tags": ["mali"]}
            ]}
            """);
        Assert.Equal(HttpStatusCode.OK, appended.Status);

        var timeline = await GetJsonAsync(system.TimelineJson, "/v1/timeline?filter.tags=mali");
        Assert.Equal(HttpStatusCode.OK, timeline.Status);
        var entries = timeline.Json.GetProperty("entries").EnumerateArray().ToList();
        Assert.Equal(["coup", "fighting", "tessalit"], entries.Select(e => e.GetProperty("event").GetProperty("eventId").GetString()).ToArray());
        Assert.Equal("late August 2023", entries[1].GetProperty("displayDate").GetString());
    }

    [Fact]
    public async Task A_date_that_cannot_be_read_is_a_400_with_a_json_status_naming_the_field()
    {
        var refused = await PostJsonAsync(system.StorageJson, "/v1/events:append", """
            {"events": [
              {"eventId": "ok", "occurred": {"edtf": "2023-10-14"}, "title": "Fine"},
              {"eventId": "bad", "occurred": {"text": "on blursday", "reference": "2023-10-16"}, "title": "No such day"}
            ]}
            """);

        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Equal(3, refused.Json.GetProperty("code").GetInt32()); // INVALID_ARGUMENT
        var details = refused.Json.GetProperty("details").EnumerateArray().ToList();
        var badRequest = Assert.Single(details, d => d.GetProperty("@type").GetString() == "type.googleapis.com/google.rpc.BadRequest");
        Assert.Contains("events[1].occurred.text", badRequest.GetProperty("fieldViolations").EnumerateArray().Select(v => v.GetProperty("field").GetString()));
        var errorInfo = Assert.Single(details, d => d.GetProperty("@type").GetString() == "type.googleapis.com/google.rpc.ErrorInfo");
        Assert.Equal("UNRESOLVABLE_DATE", errorInfo.GetProperty("reason").GetString());
        Assert.Equal("timeline.storage", errorInfo.GetProperty("domain").GetString());

        // Nothing of the batch was stored.
        var missing = await GetJsonAsync(system.StorageJson, "/v1/events/ok");
        Assert.Equal(HttpStatusCode.NotFound, missing.Status);
        Assert.Equal(5, missing.Json.GetProperty("code").GetInt32());

        // The timeline service answers a bad date the same way.
        var badAsOf = await GetJsonAsync(system.TimelineJson, "/v1/timeline?as_of=2023-02-30");
        Assert.Equal(HttpStatusCode.BadRequest, badAsOf.Status);
        Assert.Contains(
            "as_of",
            badAsOf.Json.GetProperty("details").EnumerateArray().SelectMany(d => d.TryGetProperty("fieldViolations", out var v) ? v.EnumerateArray() : Enumerable.Empty<JsonElement>()).Select(v => v.GetProperty("field").GetString()));
    }

    [Fact]
    public async Task Json_and_grpc_callers_see_the_same_log()
    {
        var appended = await PostJsonAsync(system.StorageJson, "/v1/events:append", """{"events": [{"eventId": "via-json", "occurred": {"edtf": "2023"}, "title": "Appended as JSON"}]}""");
        Assert.Equal(HttpStatusCode.OK, appended.Status);

        var client = new EventStoreService.EventStoreServiceClient(system.StorageChannel);
        var read = await client.GetEventAsync(new GetEventRequest { EventId = "via-json" }, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync.WaitAsync(Timeout, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal("Appended as JSON", read.Event.Title);
    }

    internal static async Task<(HttpStatusCode Status, JsonElement Json)> PostJsonAsync(HttpClient client, string path, string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await client.PostAsync(path, content).WaitAsync(Timeout);
        return (response.StatusCode, await ReadAsync(response));
    }

    internal static async Task<(HttpStatusCode Status, JsonElement Json)> GetJsonAsync(HttpClient client, string path, string? bearer = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        using var response = await client.SendAsync(request).WaitAsync(Timeout);
        Assert.Equal(HttpVersion.Version11, response.Version);
        return (response.StatusCode, await ReadAsync(response));
    }

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync().WaitAsync(Timeout);
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }
}
