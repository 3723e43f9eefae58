using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Timeline.Domain.Dates;
using Timeline.Storage.V1;
using Timeline.Tests.Shared;
using Timeline.V1;
using static Timeline.StorageService.Tests.Assertions;

namespace Timeline.StorageService.Tests;

/// <summary>
/// Thousands of generated malformed requests to every RPC: each answer must be INVALID_ARGUMENT
/// or OUT_OF_RANGE with a field violation — never UNKNOWN or INTERNAL — and the store must not
/// change.
/// </summary>
public abstract class BadInputSweepTests(StorageBackend backend) : IAsyncLifetime
{
    private const int RequestsPerKind = 150;
    private StorageServer server = null!;
    private string issuedToken = "";

    public async ValueTask InitializeAsync()
    {
        server = await StorageServer.StartAsync(backend);
        var seed = new AppendEventsRequest();
        for (var i = 0; i < 5; i++)
        {
            seed.Events.Add(Events.Dated($"seed-{i}", $"202{i}", "seed", "seed"));
        }

        await server.Client.AppendEventsAsync(seed).ResponseAsync.WaitAsync(CallTimeout);
        issuedToken = (await server.Client.ListEventsAsync(new ListEventsRequest { PageSize = 2, Filter = new EventFilter { Tags = { "seed" } } })).NextPageToken;
    }

    public async ValueTask DisposeAsync() => await server.DisposeAsync();

    [Fact]
    public async Task Every_malformed_request_is_refused_with_a_field_and_stores_nothing()
    {
        var random = new Random(20231016);
        var before = await Snapshot();
        var checkedCount = 0;
        var byCode = new Dictionary<StatusCode, int>();

        foreach (var (name, call) in Generate(random))
        {
            var ex = await Assert.ThrowsAsync<RpcException>(() => call().WaitAsync(CallTimeout, cancellationToken: TestContext.Current.CancellationToken));
            Assert.True(ex.StatusCode is StatusCode.InvalidArgument or StatusCode.OutOfRange, $"{name}: {ex.StatusCode} {ex.Status.Detail}");
            var status = ex.GetRpcStatus();
            Assert.NotNull(status);
            Assert.NotEmpty(Violations(status));
            Assert.All(Violations(status), v => Assert.False(string.IsNullOrEmpty(v.Field), name));
            byCode[ex.StatusCode] = byCode.GetValueOrDefault(ex.StatusCode) + 1;
            checkedCount++;
        }

        Figures.Report($"bad-input sweep: {checkedCount} requests, {string.Join(", ", byCode.Select(kv => $"{kv.Key}={kv.Value}"))}");
        Assert.True(checkedCount >= 2_000, $"only {checkedCount} requests generated");
        Assert.Equal(before, await Snapshot());
    }

    private IEnumerable<(string Name, Func<Task> Call)> Generate(Random random)
    {
        var client = server.Client;
        Task Append(params NewEvent[] events) => client.AppendEventsAsync(new AppendEventsRequest { Events = { events } }).ResponseAsync;

        for (var i = 0; i < RequestsPerKind; i++)
        {
            // Random text for dates, kept only when the date reader refuses it.
            var junk = RandomText(random, random.Next(1, 40));
            if (!Parses(junk))
            {
                yield return ("random date text", () => Append(Events.Dated("ok-1", "2023"), Events.Written("bad", junk, "2023-10-16")));
                yield return ("random edtf", () => Append(Events.Dated("bad", junk)));
            }

            yield return ("bad reference", () => Append(Events.Written("bad", "in 2020", RandomText(random, 12))));
            yield return ("latitude out of range", () => Append(WithLocation(new Location { Latitude = 90 + (random.NextDouble() * 1e6) + 1e-9, Longitude = 0 })));
            yield return ("longitude out of range", () => Append(WithLocation(new Location { Latitude = 0, Longitude = -180 - (random.NextDouble() * 1e6) - 1e-9 })));
            yield return ("lone latitude", () => Append(WithLocation(new Location { Latitude = random.NextDouble() })));
            yield return ("country", () => Append(WithLocation(new Location { Country = RandomCountry(random) })));
            yield return ("control character", () => Append(Events.Dated("bad", "2023", "title" + (char)random.Next(0, 32) + "x")));
            yield return ("huge title", () => Append(Events.Dated("bad", "2023", new string('x', 501 + random.Next(0, 100_000)))));
            yield return ("huge tag list", () => Append(Events.Dated("bad", "2023", "t", Enumerable.Range(0, 51 + random.Next(0, 200)).Select(n => $"t{n}").ToArray())));
            yield return ("bad tag", () => Append(Events.Dated("bad", "2023", "t", "-" + RandomText(random, 5))));
            yield return ("empty batch", () => Append());
            yield return ("oversized batch", () => Append(Enumerable.Range(0, 1_001).Select(n => Events.Dated($"n{n}", "2023")).ToArray()));
            yield return ("unknown effect", () => Append(WithDeadline(new DeadlineEffect { DeadlineId = "d", Effect = (DeadlineEffectType)random.Next(8, 10_000) })));
            yield return ("set without due", () => Append(WithDeadline(new DeadlineEffect { DeadlineId = "d", Effect = DeadlineEffectType.Set, Title = "t" })));
            yield return ("bad event id", () => Append(Events.Dated("id with " + RandomText(random, 3), "2023")));
            yield return ("negative expected revision", () => Append(WithExpected(-random.Next(1, 1000))));
            yield return ("bad url", () => Append(WithSource(new Source { Url = "javascript:" + RandomText(random, 5) })));
            yield return ("get: empty id", () => client.GetEventAsync(new GetEventRequest()).ResponseAsync);
            yield return ("get: huge id", () => client.GetEventAsync(new GetEventRequest { EventId = new string('a', 129 + random.Next(0, 1000)) }).ResponseAsync);
            yield return ("get: negative revision", () => client.GetEventAsync(new GetEventRequest { EventId = "seed-1", Revision = -random.Next(1, 100) }).ResponseAsync);
            yield return ("get: revision and known_at", () => client.GetEventAsync(new GetEventRequest { EventId = "seed-1", Revision = 1, KnownAt = Timestamp.FromDateTime(DateTime.UtcNow) }).ResponseAsync);
            yield return ("history: empty id", () => client.GetEventHistoryAsync(new GetEventHistoryRequest()).ResponseAsync);
            yield return ("list: negative page size", () => client.ListEventsAsync(new ListEventsRequest { PageSize = -random.Next(1, 1000) }).ResponseAsync);
            yield return ("list: forged token", () => client.ListEventsAsync(new ListEventsRequest { PageToken = RandomText(random, random.Next(1, 60)) }).ResponseAsync);
            yield return ("list: token with another filter", () => client.ListEventsAsync(new ListEventsRequest { PageToken = issuedToken, Filter = new EventFilter { Tags = { "other" + random.Next() } } }).ResponseAsync);
            yield return ("list: bad date", () => client.ListEventsAsync(new ListEventsRequest { Filter = new EventFilter { OccurredFrom = RandomText(random, 8) } }).ResponseAsync);
            yield return ("list: reversed range", () => client.ListEventsAsync(new ListEventsRequest { Filter = new EventFilter { OccurredFrom = "2024-01-01", OccurredTo = "2023-01-01" } }).ResponseAsync);
            yield return ("subscribe: negative", () => FirstMessage(new SubscribeEventsRequest { FromPosition = -random.Next(1, 1000) }));
            yield return ("subscribe: beyond head", () => FirstMessage(new SubscribeEventsRequest { FromPosition = 6 + random.Next(0, 1_000_000) }));
            yield return ("subscribe: bad filter", () => FirstMessage(new SubscribeEventsRequest { Filter = new EventFilter { OccurredTo = RandomText(random, 10) } }));
        }
    }

    private async Task FirstMessage(SubscribeEventsRequest request)
    {
        using var call = server.Client.SubscribeEvents(request);
        await call.ResponseStream.MoveNext();
    }

    private async Task<string> Snapshot()
    {
        var page = await server.Client.ListEventsAsync(new ListEventsRequest { PageSize = 1000 }).ResponseAsync.WaitAsync(CallTimeout);
        return string.Join(";", page.Events.Select(e => $"{e.EventId}#{e.Revision}@{e.Position}"));
    }

    private static bool Parses(string text)
    {
        try
        {
            NewsDates.Resolve(text, new DateOnly(2023, 10, 16), ReadDirection.Past);
            return true;
        }
        catch (FuzzyDateException)
        {
            try
            {
                Edtf.Parse(text);
                return true;
            }
            catch (FuzzyDateException)
            {
                return false;
            }
        }
    }

    private static string RandomText(Random random, int length)
    {
        const string Alphabet = "abcdefghijklmnopqrstuvwxyz0123456789 -/~?%.:XY,()[]{}";
        return new string(Enumerable.Range(0, length).Select(_ => Alphabet[random.Next(Alphabet.Length)]).ToArray());
    }

    private static string RandomCountry(Random random)
    {
        while (true)
        {
            var code = new string(Enumerable.Range(0, random.Next(1, 5)).Select(_ => (char)random.Next('A', 'Z' + 1)).ToArray());
            if (!Timeline.Domain.Validation.CountryCodes.IsValid(code))
            {
                return code;
            }
        }
    }

    private static NewEvent WithLocation(Location location)
    {
        var e = Events.Dated("bad", "2023");
        e.Location = location;
        return e;
    }

    private static NewEvent WithDeadline(DeadlineEffect deadline)
    {
        var e = Events.Dated("bad", "2023");
        e.Deadline = deadline;
        return e;
    }

    private static NewEvent WithSource(Source source)
    {
        var e = Events.Dated("bad", "2023");
        e.Source = source;
        return e;
    }

    private static NewEvent WithExpected(long expected)
    {
        var e = Events.Dated("bad", "2023");
        e.ExpectedRevision = expected;
        return e;
    }

    public sealed class Sqlite() : BadInputSweepTests(StorageBackend.Sqlite);

    public sealed class Postgres() : BadInputSweepTests(StorageBackend.Postgres);
}
