using System.Net;
using Google.Protobuf;
using Grpc.Core;
using Timeline.IntegrationTests.Http;
using Timeline.ServiceDefaults;
using Timeline.Storage.V1;
using Timeline.V1;

namespace Timeline.IntegrationTests.Reliability;

/// <summary>
/// A refusal with thousands of field violations still reaches the caller: the details travel in
/// a gRPC trailer, which clients refuse past 64 KiB (found by the descriptor sweep: a batch of a
/// thousand empty events came back UNAVAILABLE). The status lists the first violations and says
/// how many there were.
/// </summary>
public sealed class LargeRefusalTests : IAsyncLifetime
{
    private JsonSystem system = null!;

    public async ValueTask InitializeAsync() => system = await JsonSystem.StartAsync();

    public async ValueTask DisposeAsync() => await system.DisposeAsync();

    private static AppendEventsRequest ThousandEmptyEvents() => new() { Events = { Enumerable.Range(0, 1_000).Select(_ => new NewEvent()) } };

    [Fact]
    public async Task A_thousand_bad_events_over_grpc_are_refused_readably_with_the_count()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => new EventStoreService.EventStoreServiceClient(system.StorageChannel)
            .AppendEventsAsync(ThousandEmptyEvents(), cancellationToken: TestContext.Current.CancellationToken).ResponseAsync.WaitAsync(JsonSystem.Timeout, cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        var status = ex.GetRpcStatus()!;
        var violations = status.GetDetail<Google.Rpc.BadRequest>()!.FieldViolations;
        Assert.Equal(ProblemStatus.MaxViolations, violations.Count);
        Assert.Equal("events[0].title", violations[0].Field);
        Assert.Equal("2000", status.GetDetail<Google.Rpc.ErrorInfo>()!.Metadata[ProblemStatus.ViolationsKey]);
        Assert.Contains("and 1999 more", status.Message);
    }

    [Fact]
    public async Task A_thousand_bad_events_over_http_json_are_refused_the_same_way()
    {
        var (status, json) = await HttpJsonTests.PostJsonAsync(system.StorageJson, "/v1/events:append", JsonFormatter.Default.Format(ThousandEmptyEvents()));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var details = json.GetProperty("details").EnumerateArray().ToList();
        Assert.Equal(ProblemStatus.MaxViolations, details.Single(d => d.TryGetProperty("fieldViolations", out _)).GetProperty("fieldViolations").GetArrayLength());
        Assert.Equal("2000", details.Single(d => d.TryGetProperty("metadata", out _)).GetProperty("metadata").GetProperty(ProblemStatus.ViolationsKey).GetString());
    }
}
