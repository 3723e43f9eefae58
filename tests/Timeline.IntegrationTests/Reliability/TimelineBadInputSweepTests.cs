using Google.Rpc;
using Grpc.Core;
using Timeline.IntegrationTests.Timeline;
using Timeline.Storage.V1;
using Timeline.Tests.Shared;
using Timeline.V1;

namespace Timeline.IntegrationTests.Reliability;

/// <summary>
/// Generated malformed requests to every timeline RPC: each answer is INVALID_ARGUMENT or
/// OUT_OF_RANGE naming a field, never UNKNOWN or INTERNAL, and storage is unchanged.
/// </summary>
public sealed class TimelineBadInputSweepTests : IAsyncLifetime
{
    private TimelineSystem system = null!;

    public async ValueTask InitializeAsync()
    {
        system = await TimelineSystem.StartAsync(new DateTimeOffset(2023, 10, 16, 12, 0, 0, TimeSpan.Zero));
        await system.Storage.AppendEventsAsync(new AppendEventsRequest { Events = { MaliReport.Events() } }).ResponseAsync.WaitAsync(TimelineSystem.Timeout);
        await system.WaitUntilServingAsync();
    }

    public async ValueTask DisposeAsync() => await system.DisposeAsync();

    [Fact]
    public async Task Every_malformed_timeline_request_is_refused_with_a_field()
    {
        var random = new Random(1410);
        var before = await Head();
        var issued = (await system.Timeline.GetTimelineAsync(new GetTimelineRequest { PageSize = 2, Filter = new EventFilter { Tags = { "mali" } } }, cancellationToken: TestContext.Current.CancellationToken)).NextPageToken;
        Assert.NotEmpty(issued);
        var count = 0;
        foreach (var (name, call) in Generate(random, issued))
        {
            var ex = await Assert.ThrowsAsync<RpcException>(() => call().WaitAsync(TimelineSystem.Timeout, cancellationToken: TestContext.Current.CancellationToken));
            Assert.True(ex.StatusCode is StatusCode.InvalidArgument or StatusCode.OutOfRange, $"{name}: {ex.StatusCode} {ex.Status.Detail}");
            var violations = ex.GetRpcStatus()?.GetDetail<BadRequest>()?.FieldViolations;
            Assert.True(violations is { Count: > 0 }, $"{name}: no field violation in {ex.Status.Detail}");
            Assert.All(violations, v => Assert.False(string.IsNullOrEmpty(v.Field), name));
            count++;
        }

        Figures.Report($"timeline bad-input sweep: {count} requests, all INVALID_ARGUMENT/OUT_OF_RANGE with a field");
        Assert.True(count >= 1_000, $"only {count} requests");
        Assert.Equal(before, await Head());
    }

    private IEnumerable<(string Name, Func<Task> Call)> Generate(Random random, string issuedToken)
    {
        var client = system.Timeline;
        for (var i = 0; i < 80; i++)
        {
            var junk = Junk(random);
            yield return ("timeline: as_of", () => client.GetTimelineAsync(new GetTimelineRequest { AsOf = junk }).ResponseAsync);
            yield return ("timeline: page_size", () => client.GetTimelineAsync(new GetTimelineRequest { PageSize = -random.Next(1, 10_000) }).ResponseAsync);
            yield return ("timeline: forged token", () => client.GetTimelineAsync(new GetTimelineRequest { PageToken = junk }).ResponseAsync);
            yield return ("timeline: token reused", () => client.GetTimelineAsync(new GetTimelineRequest { PageToken = issuedToken, Filter = new EventFilter { Tags = { "x" + random.Next() } } }).ResponseAsync);
            yield return ("timeline: filter date", () => client.GetTimelineAsync(new GetTimelineRequest { Filter = new EventFilter { OccurredFrom = junk } }).ResponseAsync);
            yield return ("timeline: reversed range", () => client.GetTimelineAsync(new GetTimelineRequest { Filter = new EventFilter { OccurredFrom = "2024-01-01", OccurredTo = "2023-01-01" } }).ResponseAsync);
            yield return ("timeline: too many tags", () => client.GetTimelineAsync(new GetTimelineRequest { Filter = new EventFilter { Tags = { Enumerable.Range(0, 101 + random.Next(100)).Select(n => $"t{n}") } } }).ResponseAsync);
            yield return ("deadlines: as_of", () => client.ListDeadlinesAsync(new ListDeadlinesRequest { AsOf = junk }).ResponseAsync);
            yield return ("deadlines: page_size", () => client.ListDeadlinesAsync(new ListDeadlinesRequest { PageSize = -random.Next(1, 10_000) }).ResponseAsync);
            yield return ("deadlines: forged token", () => client.ListDeadlinesAsync(new ListDeadlinesRequest { PageToken = junk }).ResponseAsync);
            yield return ("deadlines: empty id", () => client.ListDeadlinesAsync(new ListDeadlinesRequest { DeadlineIds = { " " } }).ResponseAsync);
            yield return ("watch: empty id", () => First(client.WatchDeadlines(new WatchDeadlinesRequest { DeadlineIds = { "" } })));
            yield return ("replay: from", () => First(client.ReplayDeadlines(new ReplayDeadlinesRequest { From = junk, To = "2023-12-31" })));
            yield return ("replay: missing", () => First(client.ReplayDeadlines(new ReplayDeadlinesRequest())));
            yield return ("replay: reversed", () => First(client.ReplayDeadlines(new ReplayDeadlinesRequest { From = "2023-12-31", To = "2023-01-01" })));
            yield return ("replay: too long", () => First(client.ReplayDeadlines(new ReplayDeadlinesRequest { From = "1900-01-01", To = "2023-01-01" })));
        }
    }

    private static async Task First<T>(AsyncServerStreamingCall<T> call)
    {
        using (call)
        {
            await call.ResponseStream.MoveNext(CancellationToken.None);
        }
    }

    private static string Junk(Random random)
    {
        const string Alphabet = "abcxyz0123456789-/:. ~?%";
        return "#" + new string(Enumerable.Range(0, random.Next(1, 30)).Select(_ => Alphabet[random.Next(Alphabet.Length)]).ToArray());
    }

    private async Task<long> Head()
    {
        var page = await system.Storage.ListEventsAsync(new ListEventsRequest { PageSize = 1000 }).ResponseAsync.WaitAsync(TimelineSystem.Timeout);
        return page.Events.Max(e => e.Position) + page.Events.Count;
    }
}
