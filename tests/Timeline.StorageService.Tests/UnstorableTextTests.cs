using System.Net;
using System.Text;
using System.Text.Json;
using Grpc.Core;
using Grpc.Health.V1;
using Timeline.Storage.V1;
using Timeline.Tests.Shared;
using Timeline.V1;
using static Timeline.StorageService.Tests.Assertions;

namespace Timeline.StorageService.Tests;

/// <summary>
/// Bad bytes are bad input (docs/SECURITY.md): a NUL, which PostgreSQL cannot hold, and a
/// bidirectional override or isolate, which would show text as other than it is, in any text field
/// of any request (ids, filter values, every text field of a new event), over gRPC and HTTP/JSON, on
/// both backends: INVALID_ARGUMENT naming the field, never UNAVAILABLE; nothing stored; health
/// stays SERVING and the service keeps answering.
/// </summary>
public abstract class UnstorableTextTests(StorageBackend backend) : IAsyncLifetime
{
    /// <summary>NUL; LRE, RLO (U+202E); LRI, PDI (U+2066, U+2069).</summary>
    public static readonly string[] BadCharacters = ["\0", "\u202A", "\u202E", "\u2066", "\u2069"];

    private StorageServer server = null!;
    private HttpClient json = null!;

    public async ValueTask InitializeAsync()
    {
        server = await StorageServer.StartAsync(backend, new Dictionary<string, string?> { ["HttpJsonUrls"] = "http://127.0.0.1:0" });
        json = new HttpClient { BaseAddress = server.HttpJsonAddress, DefaultRequestVersion = HttpVersion.Version11, Timeout = CallTimeout };
        await server.Client.AppendEventsAsync(new AppendEventsRequest { Events = { Events.Dated("seed", "2023", "seed", "seed") } }).ResponseAsync.WaitAsync(CallTimeout);
    }

    public async ValueTask DisposeAsync()
    {
        json.Dispose();
        await server.DisposeAsync();
    }

    /// <summary>Every text field of a new event, each given <paramref name="bad"/> inside otherwise valid text.</summary>
    public static IEnumerable<(string Field, NewEvent Event)> EventFields(string bad)
    {
        NewEvent Valid() => new()
        {
            EventId = "e1",
            Title = "title",
            Occurred = new FuzzyDate { Edtf = "2023" },
            Source = new Source { Name = "name" },
            Location = new Location { Name = "place" },
            Deadline = new DeadlineEffect { DeadlineId = "d1", Effect = DeadlineEffectType.Set, Title = "deadline", Due = new FuzzyDate { Edtf = "2024" } },
        };

        var text = $"a{bad}b";
        yield return ("events[0].event_id", With(e => e.EventId = text));
        yield return ("events[0].title", With(e => e.Title = text));
        yield return ("events[0].summary", With(e => e.Summary = text));
        yield return ("events[0].kind", With(e => e.Kind = text));
        yield return ("events[0].source.name", With(e => e.Source.Name = text));
        yield return ("events[0].source.quote", With(e => e.Source.Quote = text));
        yield return ("events[0].source.url", With(e => e.Source.Url = $"https://example.org/{text}"));
        yield return ("events[0].occurred.text", With(e => e.Occurred = new FuzzyDate { Text = $"in 2020{bad}", Reference = "2023-10-16" }));
        yield return ("events[0].occurred.edtf", With(e => e.Occurred = new FuzzyDate { Edtf = $"2020{bad}" }));
        yield return ("events[0].actors[0]", With(e => e.Actors.Add(text)));
        yield return ("events[0].tags[0]", With(e => e.Tags.Add(text)));
        yield return ("events[0].location.name", With(e => e.Location.Name = text));
        yield return ("events[0].location.admin1", With(e => e.Location.Admin1 = text));
        yield return ("events[0].location.admin2", With(e => e.Location.Admin2 = text));
        yield return ("events[0].location.country", With(e => e.Location.Country = $"ML{bad}"));
        yield return ("events[0].deadline.deadline_id", With(e => e.Deadline.DeadlineId = text));
        yield return ("events[0].deadline.title", With(e => e.Deadline.Title = text));
        yield return ("events[0].deadline.responsible", With(e => e.Deadline.Responsible = text));
        yield return ("events[0].attributes[note]", With(e => e.Attributes["note"] = text));

        NewEvent With(Action<NewEvent> change)
        {
            var e = Valid();
            change(e);
            return e;
        }
    }

    /// <summary>Every filter field: ListEvents and SubscribeEvents alike.</summary>
    public static IEnumerable<(string Field, EventFilter Filter)> FilterFields(string bad)
    {
        var text = $"a{bad}b";
        yield return ("filter.tags[1]", new EventFilter { Tags = { "seed", text } });
        yield return ("filter.actors[0]", new EventFilter { Actors = { text } });
        yield return ("filter.kinds[0]", new EventFilter { Kinds = { text } });
        yield return ("filter.countries[0]", new EventFilter { Countries = { text } });
        yield return ("filter.deadline_ids[0]", new EventFilter { DeadlineIds = { text } });
        yield return ("filter.event_ids[0]", new EventFilter { EventIds = { text } });
    }

    [Fact]
    public async Task Over_grpc_each_field_of_each_request_is_refused_naming_it_and_health_stays_serving()
    {
        var before = await Events.ReadAllAsync(server.Client);
        var checkedCount = 0;
        foreach (var bad in BadCharacters)
        {
            var id = $"seed{bad}";
            await Refused("event_id", () => server.Client.GetEventAsync(new GetEventRequest { EventId = id }).ResponseAsync);
            await Refused("event_id", () => server.Client.GetEventAsync(new GetEventRequest { EventId = id, KnownAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTime(DateTime.UtcNow) }).ResponseAsync);
            await Refused("event_id", () => server.Client.GetEventHistoryAsync(new GetEventHistoryRequest { EventId = id }).ResponseAsync);
            foreach (var (field, filter) in FilterFields(bad))
            {
                await Refused(field, () => server.Client.ListEventsAsync(new ListEventsRequest { Filter = filter }).ResponseAsync);
                await Refused(field, () => server.Client.ListEventsAsync(new ListEventsRequest { Filter = filter, KnownAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTime(DateTime.UtcNow) }).ResponseAsync);
                await Refused(field, async () =>
                {
                    using var stream = server.Client.SubscribeEvents(new SubscribeEventsRequest { Filter = filter });
                    await stream.ResponseStream.MoveNext(TestContext.Current.CancellationToken);
                });
            }

            foreach (var (field, e) in EventFields(bad))
            {
                await Refused(field, () => server.Client.AppendEventsAsync(new AppendEventsRequest { Events = { e } }).ResponseAsync);
            }
        }

        Assert.True(checkedCount > 100, $"only {checkedCount} requests");
        await AssertStillServingAndUnchangedAsync(before);

        async Task Refused(string field, Func<Task> call)
        {
            var status = await FailsWith(StatusCode.InvalidArgument, call);
            Assert.Contains(field, Violations(status).Select(v => v.Field));
            checkedCount++;
        }
    }

    [Fact]
    public async Task Over_http_json_each_field_is_a_400_naming_it_and_health_stays_serving()
    {
        var before = await Events.ReadAllAsync(server.Client);
        var checkedCount = 0;
        foreach (var bad in BadCharacters)
        {
            var escaped = Uri.EscapeDataString($"a{bad}b");
            if (bad != "\0")
            {
                // Kestrel itself refuses a NUL in the path (400) before any of the service runs.
                await Refused("event_id", HttpMethod.Get, $"/v1/events/{escaped}");
                await Refused("event_id", HttpMethod.Get, $"/v1/events/{escaped}/history");
            }

            foreach (var query in new[] { "tags", "actors", "kinds", "countries", "deadline_ids", "event_ids" })
            {
                await Refused($"filter.{query}[0]", HttpMethod.Get, $"/v1/events?filter.{query}={escaped}");
            }

            foreach (var (field, e) in EventFields(bad))
            {
                var body = Google.Protobuf.JsonFormatter.Default.Format(new AppendEventsRequest { Events = { e } });
                await Refused(field, HttpMethod.Post, "/v1/events:append", body);
            }
        }

        Assert.True(checkedCount > 100, $"only {checkedCount} requests");
        await AssertStillServingAndUnchangedAsync(before);

        async Task Refused(string field, HttpMethod method, string path, string? body = null)
        {
            using var request = new HttpRequestMessage(method, path);
            if (body is not null)
            {
                request.Content = new StringContent(body, Encoding.UTF8, "application/json");
            }

            using var response = await json.SendAsync(request, TestContext.Current.CancellationToken).WaitAsync(CallTimeout, TestContext.Current.CancellationToken);
            var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{method} {path} {body}: HTTP {(int)response.StatusCode} {text}");
            using var status = JsonDocument.Parse(text);
            Assert.Equal(3, status.RootElement.GetProperty("code").GetInt32()); // INVALID_ARGUMENT
            var fields = status.RootElement.GetProperty("details").EnumerateArray()
                .Where(d => d.TryGetProperty("fieldViolations", out _))
                .SelectMany(d => d.GetProperty("fieldViolations").EnumerateArray())
                .Select(v => v.GetProperty("field").GetString())
                .ToList();
            Assert.True(fields.Contains(field), $"{method} {path} {body}: {text} does not name {field}");
            checkedCount++;
        }
    }

    private async Task AssertStillServingAndUnchangedAsync(Dictionary<string, EventRecord> before)
    {
        var health = await server.Health.CheckAsync(new HealthCheckRequest()).ResponseAsync.WaitAsync(CallTimeout);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
        var after = await Events.ReadAllAsync(server.Client);
        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        Assert.Equal("seed", (await server.Client.GetEventAsync(new GetEventRequest { EventId = "seed" }).ResponseAsync.WaitAsync(CallTimeout)).Event.EventId);
        await server.Client.AppendEventsAsync(new AppendEventsRequest { Events = { Events.Dated("after", "2023") } }).ResponseAsync.WaitAsync(CallTimeout);
    }

    public sealed class Sqlite() : UnstorableTextTests(StorageBackend.Sqlite);

    public sealed class Postgres() : UnstorableTextTests(StorageBackend.Postgres);
}
