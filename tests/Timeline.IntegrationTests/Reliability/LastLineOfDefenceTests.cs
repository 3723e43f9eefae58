using System.Net;
using System.Text.Json;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Timeline.IntegrationTests.Http;
using Timeline.IntegrationTests.Reliability.Probes;
using Timeline.IntegrationTests.Timeline;
using Timeline.ServiceDefaults;
using Timeline.Storage.V1;
using Timeline.V1;

namespace Timeline.IntegrationTests.Reliability;

/// <summary>
/// An exception nobody expected, in any RPC of either service (unary or streaming, gRPC or
/// HTTP/JSON), is answered INTERNAL with an error id, never UNKNOWN; the service logs the
/// exception under the same id. The fault is a test-only clock that throws when armed.
/// </summary>
public sealed class LastLineOfDefenceTests : IAsyncLifetime
{
    private readonly FaultyClock storageClock = new();
    private readonly FaultyClock timelineClock = new();
    private readonly LogCapture storageLogs = new();
    private readonly LogCapture timelineLogs = new();
    private JsonSystem system = null!;

    public async ValueTask InitializeAsync()
    {
        system = await JsonSystem.StartAsync(
            configureStorage: builder =>
            {
                builder.Services.AddSingleton<TimeProvider>(storageClock);
                builder.Logging.AddProvider(storageLogs);
            },
            configureTimeline: builder =>
            {
                builder.Services.AddSingleton<TimeProvider>(timelineClock);
                builder.Logging.AddProvider(timelineLogs);
            });
        await Storage.AppendEventsAsync(new AppendEventsRequest { Events = { MaliReport.Events() } }).ResponseAsync.WaitAsync(JsonSystem.Timeout);
        await system.WaitUntilTimelineServingAsync();
    }

    public async ValueTask DisposeAsync() => await system.DisposeAsync();

    private EventStoreService.EventStoreServiceClient Storage => new(system.StorageChannel);

    private V1.TimelineService.TimelineServiceClient Timeline => new(system.TimelineChannel);

    [Fact]
    public async Task A_failing_dependency_in_a_unary_timeline_call_is_internal_with_a_logged_error_id()
    {
        timelineClock.NowFails = true;
        var ex = await Assert.ThrowsAsync<RpcException>(() => Timeline.ListDeadlinesAsync(new ListDeadlinesRequest(), cancellationToken: TestContext.Current.CancellationToken).ResponseAsync.WaitAsync(JsonSystem.Timeout, cancellationToken: TestContext.Current.CancellationToken));
        timelineClock.NowFails = false;

        AssertInternalAndLogged(ex, timelineLogs, "ListDeadlines");
    }

    [Fact]
    public async Task A_failing_dependency_in_a_timeline_stream_is_internal_with_a_logged_error_id()
    {
        timelineClock.NowFails = true;
        using var watch = Timeline.WatchDeadlines(new WatchDeadlinesRequest(), cancellationToken: TestContext.Current.CancellationToken);
        var watchError = await Assert.ThrowsAsync<RpcException>(() => watch.ResponseStream.MoveNext(CancellationToken.None).WaitAsync(JsonSystem.Timeout, cancellationToken: TestContext.Current.CancellationToken));
        using var replay = Timeline.ReplayDeadlines(new ReplayDeadlinesRequest { From = "2023-01-01", To = "2023-12-31" }, cancellationToken: TestContext.Current.CancellationToken);
        var replayError = await Assert.ThrowsAsync<RpcException>(() => replay.ResponseStream.MoveNext(CancellationToken.None).WaitAsync(JsonSystem.Timeout, cancellationToken: TestContext.Current.CancellationToken));
        timelineClock.NowFails = false;

        AssertInternalAndLogged(watchError, timelineLogs, "WatchDeadlines");
        AssertInternalAndLogged(replayError, timelineLogs, "ReplayDeadlines");
    }

    [Fact]
    public async Task A_failing_dependency_in_a_unary_storage_call_is_internal_with_a_logged_error_id_and_stores_nothing()
    {
        storageClock.NowFails = true;
        var ex = await Assert.ThrowsAsync<RpcException>(() => Storage.AppendEventsAsync(new AppendEventsRequest
        {
            Events = { new NewEvent { Title = "an event without an id gets one from the clock", Occurred = new FuzzyDate { Edtf = "2023" } } },
        }, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync.WaitAsync(JsonSystem.Timeout, cancellationToken: TestContext.Current.CancellationToken));
        storageClock.NowFails = false;

        AssertInternalAndLogged(ex, storageLogs, "AppendEvents");
        Assert.Equal(MaliReport.Events().Length, (await Storage.ListEventsAsync(new ListEventsRequest(), cancellationToken: TestContext.Current.CancellationToken).ResponseAsync.WaitAsync(JsonSystem.Timeout, cancellationToken: TestContext.Current.CancellationToken)).Events.Count);
    }

    [Fact]
    public async Task A_failing_dependency_in_a_storage_stream_is_internal_with_a_logged_error_id()
    {
        storageClock.TimersFail = true;
        using var call = Storage.SubscribeEvents(new SubscribeEventsRequest(), cancellationToken: TestContext.Current.CancellationToken);
        var received = 0;
        var ex = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            while (await call.ResponseStream.MoveNext(CancellationToken.None).WaitAsync(JsonSystem.Timeout, cancellationToken: TestContext.Current.CancellationToken))
            {
                received++;
            }
        });
        storageClock.TimersFail = false;

        // The stream got as far as the live part (every stored event and the caught-up marker) before its timer failed.
        Assert.Equal(MaliReport.Events().Length + 1, received);
        AssertInternalAndLogged(ex, storageLogs, "SubscribeEvents");
    }

    [Fact]
    public async Task Over_http_json_the_failure_is_a_500_with_the_same_json_status_and_id()
    {
        timelineClock.NowFails = true;
        var (status, json) = await HttpJsonTests.GetJsonAsync(system.TimelineJson, "/v1/deadlines");
        timelineClock.NowFails = false;

        Assert.Equal(HttpStatusCode.InternalServerError, status);
        Assert.Equal(13, json.GetProperty("code").GetInt32()); // INTERNAL
        var info = json.GetProperty("details").EnumerateArray().Single(d => d.GetProperty("@type").GetString() == "type.googleapis.com/google.rpc.ErrorInfo");
        var errorId = info.GetProperty("metadata").GetProperty(ProblemStatus.ErrorIdKey).GetString()!;
        Assert.Contains(errorId, json.GetProperty("message").GetString());
        AssertLogged(timelineLogs, "ListDeadlines", errorId);
    }

    private static void AssertInternalAndLogged(RpcException ex, LogCapture logs, string method)
    {
        Assert.Equal(StatusCode.Internal, ex.StatusCode);
        Assert.DoesNotContain(FaultyClock.Message, ex.Status.Detail); // the exception's text stays in the log
        var info = ex.GetRpcStatus()?.GetDetail<Google.Rpc.ErrorInfo>();
        Assert.NotNull(info);
        Assert.True(info.Metadata.TryGetValue(ProblemStatus.ErrorIdKey, out var errorId), "no error id in ErrorInfo");
        Assert.Contains(errorId, ex.Status.Detail);
        AssertLogged(logs, method, errorId);
    }

    private static void AssertLogged(LogCapture logs, string method, string errorId)
    {
        var entry = Assert.Single(logs.Entries, e => e.Message.Contains(errorId, StringComparison.Ordinal));
        Assert.Equal(LogLevel.Error, entry.Level);
        Assert.Contains(method, entry.Message);
        Assert.Equal(FaultyClock.Message, entry.Exception?.Message);
    }
}
