using Grpc.Core;
using Timeline.Storage.V1;
using Timeline.Tests.Shared;
using Timeline.V1;
using static Timeline.StorageService.Tests.Assertions;

namespace Timeline.StorageService.Tests;

/// <summary>Every limit is configurable; an over-limit request is refused whole, naming the field, and stores nothing.</summary>
public abstract class LimitsTests(StorageBackend backend) : IAsyncLifetime
{
    private StorageServer server = null!;

    public async ValueTask InitializeAsync() => server = await StorageServer.StartAsync(backend, new Dictionary<string, string?>
    {
        ["Storage:Limits:MaxBatchSize"] = "3",
        ["Storage:Limits:MaxTitleLength"] = "20",
        ["Storage:Limits:MaxTags"] = "2",
        ["Storage:Limits:MaxActors"] = "2",
        ["Storage:Limits:MaxPageSize"] = "5",
        ["Storage:MaxSubscribers"] = "2",
        ["Grpc:MaxReceiveMessageBytes"] = "65536",
    });

    public async ValueTask DisposeAsync() => await server.DisposeAsync();

    [Fact]
    public async Task Each_configured_limit_refuses_naming_the_field_and_stores_nothing()
    {
        var client = server.Client;
        async Task<string> Refused(params NewEvent[] events)
        {
            var status = await FailsWith(StatusCode.InvalidArgument, () => client.AppendEventsAsync(new AppendEventsRequest { Events = { events } }).ResponseAsync);
            return Assert.Single(Violations(status)).Field;
        }

        Assert.Equal("events", await Refused(Events.Dated("a", "2023"), Events.Dated("b", "2023"), Events.Dated("c", "2023"), Events.Dated("d", "2023")));
        Assert.Equal("events[0].title", await Refused(Events.Dated("a", "2023", new string('t', 21))));
        Assert.Equal("events[0].tags", await Refused(Events.Dated("a", "2023", "t", "x", "y", "z")));
        var actors = Events.Dated("a", "2023");
        actors.Actors.AddRange(["one", "two", "three"]);
        Assert.Equal("events[0].actors", await Refused(actors));

        var huge = Events.Dated("a", "2023");
        huge.Summary = new string('s', 70_000);
        var tooBig = await Assert.ThrowsAsync<RpcException>(() => client.AppendEventsAsync(new AppendEventsRequest { Events = { huge } }, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync.WaitAsync(CallTimeout, cancellationToken: TestContext.Current.CancellationToken));
        Assert.Equal(StatusCode.ResourceExhausted, tooBig.StatusCode);

        Assert.Empty((await client.ListEventsAsync(new ListEventsRequest(), cancellationToken: TestContext.Current.CancellationToken)).Events);

        // At the limits, everything is accepted; pages are capped at the configured maximum (AIP-158).
        await client.AppendEventsAsync(new AppendEventsRequest { Events = { Enumerable.Range(0, 3).Select(i => Events.Dated($"ok{i}", "2023", new string('t', 20), "x", "y")) } }, cancellationToken: TestContext.Current.CancellationToken);
        await client.AppendEventsAsync(new AppendEventsRequest { Events = { Enumerable.Range(3, 3).Select(i => Events.Dated($"ok{i}", "2023")) } }, cancellationToken: TestContext.Current.CancellationToken);
        var page = await client.ListEventsAsync(new ListEventsRequest { PageSize = 1000 }, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(5, page.Events.Count);
        Assert.NotEmpty(page.NextPageToken);
    }

    [Fact]
    public async Task Subscriptions_beyond_the_configured_count_are_refused_with_resource_exhausted()
    {
        using var cts = new CancellationTokenSource(CallTimeout);
        using var first = server.Client.SubscribeEvents(new SubscribeEventsRequest(), cancellationToken: cts.Token);
        using var second = server.Client.SubscribeEvents(new SubscribeEventsRequest(), cancellationToken: cts.Token);
        Assert.True(await first.ResponseStream.MoveNext(cts.Token));
        Assert.True(await second.ResponseStream.MoveNext(cts.Token));

        using var third = server.Client.SubscribeEvents(new SubscribeEventsRequest(), cancellationToken: cts.Token);
        var ex = await Assert.ThrowsAsync<RpcException>(() => third.ResponseStream.MoveNext(cts.Token));
        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
        Assert.Equal("TOO_MANY_SUBSCRIBERS", Reason(ex.GetRpcStatus()!));
        cts.Cancel();
    }

    public sealed class Sqlite() : LimitsTests(StorageBackend.Sqlite);

    public sealed class Postgres() : LimitsTests(StorageBackend.Postgres);
}
