using System.Diagnostics;
using Google.Rpc;
using Grpc.Core;
using Timeline.IntegrationTests.Timeline;
using Timeline.Storage.V1;
using Timeline.Tests.Shared;
using Timeline.V1;

namespace Timeline.IntegrationTests.Scale;

/// <summary>
/// <c>min_position</c> on the four reading RPCs: a caller reads its own write at once (no polling),
/// a position the replica has not read is waited for a bounded time, never past half the caller's
/// own deadline, and then refused: UNAVAILABLE (PROJECTION_BEHIND, naming how far the replica has
/// read) when the replica cannot follow the log or the wait was cut short, OUT_OF_RANGE
/// (PAST_END_OF_LOG) when it follows the log live and the log has not reached the position; a
/// negative one is refused naming the field.
/// </summary>
public abstract class MinPositionTests(StorageBackend backend) : IAsyncLifetime
{
    // Longer than the checkpoint interval plus the tail interval of TimelineSystem's storage (0.5 s + 0.05 s), as the rule wants.
    private static readonly TimeSpan Wait = TimeSpan.FromMilliseconds(1500);

    private TimelineSystem _system = null!;

    public async ValueTask InitializeAsync()
    {
        _system = await TimelineSystem.StartAsync(MaliReport.ReportDay, backend, timelineArgs: ["--Timeline:MinPositionWait", "00:00:01.500"]);
        await _system.AppendAsync(MaliReport.Events());
    }

    public async ValueTask DisposeAsync() => await _system.DisposeAsync();

    [Fact]
    public async Task A_deadline_read_with_the_position_of_its_own_append_always_sees_it()
    {
        for (var i = 0; i < 25; i++)
        {
            var id = $"own-write-{i}";
            var appended = await _system.Storage.AppendEventsAsync(new AppendEventsRequest { Events = { Setting(id) } }, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync.WaitAsync(Calls.Timeout, cancellationToken: TestContext.Current.CancellationToken);

            // No waiting for the projection here: the request itself asks for the write.
            var response = await _system.Timeline.ListDeadlinesAsync(
                new ListDeadlinesRequest { DeadlineIds = { id }, MinPosition = appended.Results[0].Position }, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync.WaitAsync(Calls.Timeout, cancellationToken: TestContext.Current.CancellationToken);

            var status = Assert.Single(response.Deadlines);
            Assert.Equal(id, status.DeadlineId);
            Assert.True(response.ProjectionPosition >= appended.Results[0].Position, $"answered from position {response.ProjectionPosition}, before the write at {appended.Results[0].Position}");
        }
    }

    [Fact]
    public async Task A_position_that_bears_on_no_deadline_is_reached_through_a_checkpoint()
    {
        var appended = await _system.Storage.AppendEventsAsync(new AppendEventsRequest
        {
            Events = { MaliReport.Dated("unrelated", "2023-10-15", "An event with no deadline") },
        }, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync.WaitAsync(Calls.Timeout, cancellationToken: TestContext.Current.CancellationToken);
        var position = appended.Results[0].Position;

        // The projection subscribes to deadline effects only: it learns of this position from storage's checkpoint (every 0.5 s here, within the 1.5 s wait).
        var response = await _system.Timeline.ListDeadlinesAsync(
            new ListDeadlinesRequest { MinPosition = position }, deadline: DateTime.UtcNow + Calls.Timeout, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync.WaitAsync(Calls.Timeout, cancellationToken: TestContext.Current.CancellationToken);

        Assert.True(response.ProjectionPosition >= position);
    }

    [Fact]
    public async Task Every_read_refuses_a_position_past_the_end_of_the_log_with_out_of_range_after_the_wait()
    {
        var head = _system.Projection.Current.Position;
        var ahead = head + 1000;
        foreach (var (rpc, call) in Reads(ahead))
        {
            var watch = Stopwatch.StartNew();
            var status = await Calls.FailsWith(StatusCode.OutOfRange, call);
            watch.Stop();

            Assert.Equal("PAST_END_OF_LOG", status.GetDetail<ErrorInfo>()?.Reason);
            Assert.Equal(["min_position"], status.ViolatedFields());
            Assert.Contains($"min_position {ahead} is past the end of the log: this replica follows storage live and has read it up to position {head}", status.Message, StringComparison.Ordinal);
            Assert.True(watch.Elapsed >= Wait - TimeSpan.FromMilliseconds(50), $"{rpc} gave up after {watch.Elapsed.TotalMilliseconds} ms, before its wait");
            Assert.True(watch.Elapsed < Wait + TimeSpan.FromSeconds(5), $"{rpc} waited {watch.Elapsed.TotalMilliseconds} ms");
        }
    }

    [Fact]
    public async Task A_replica_that_cannot_follow_the_log_answers_unavailable_naming_how_far_it_has_read()
    {
        var head = _system.Projection.Current.Position;
        await _system.StopStorageAsync();
        await Calls.EventuallyAsync(() => !_system.Projection.IsLive, "the replica noticed storage is gone");

        foreach (var (rpc, call) in Reads(head + 1))
        {
            var status = await Calls.FailsWith(StatusCode.Unavailable, call);

            Assert.Equal("PROJECTION_BEHIND", status.GetDetail<ErrorInfo>()?.Reason);
            Assert.Contains($"this replica has read the log up to position {head}, short of min_position {head + 1}", status.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_short_caller_deadline_gets_unavailable_in_time_to_try_elsewhere_not_deadline_exceeded()
    {
        await using var patient = await TimelineSystem.StartAsync(MaliReport.ReportDay, backend, timelineArgs: ["--Timeline:MinPositionWait", "00:01:00"]);
        await patient.WaitUntilServingAsync();
        var watch = Stopwatch.StartNew();

        var status = await Calls.FailsWith(StatusCode.Unavailable, () => patient.Timeline.ListDeadlinesAsync(
            new ListDeadlinesRequest { MinPosition = 1_000_000 }, deadline: DateTime.UtcNow + TimeSpan.FromSeconds(4)).ResponseAsync);

        Assert.Equal("PROJECTION_BEHIND", status.GetDetail<ErrorInfo>()?.Reason);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3.8), $"answered after {watch.Elapsed.TotalMilliseconds} ms: half the caller's 4 s is the most it may wait");
    }

    [Fact]
    public async Task A_negative_min_position_is_refused_naming_the_field_on_every_read()
    {
        var calls = new Func<Task>[]
        {
            () => _system.Timeline.GetTimelineAsync(new GetTimelineRequest { MinPosition = -1 }).ResponseAsync,
            () => _system.Timeline.ListDeadlinesAsync(new ListDeadlinesRequest { MinPosition = -1 }).ResponseAsync,
            () => FirstAsync(_system.Timeline.WatchDeadlines(new WatchDeadlinesRequest { MinPosition = -1 })),
            () => FirstAsync(_system.Timeline.ReplayDeadlines(new ReplayDeadlinesRequest { From = "2023-01-01", To = "2023-10-16", MinPosition = long.MinValue })),
        };
        foreach (var call in calls)
        {
            var status = await Calls.FailsWith(StatusCode.InvalidArgument, call);
            Assert.Equal(["min_position"], status.ViolatedFields());
        }
    }

    /// <summary>The four reads, each with <paramref name="minPosition"/>.</summary>
    private (string Rpc, Func<Task> Call)[] Reads(long minPosition) =>
    [
        ("GetTimeline", () => _system.Timeline.GetTimelineAsync(new GetTimelineRequest { MinPosition = minPosition }).ResponseAsync),
        ("ListDeadlines", () => _system.Timeline.ListDeadlinesAsync(new ListDeadlinesRequest { MinPosition = minPosition }).ResponseAsync),
        ("WatchDeadlines", () => FirstAsync(_system.Timeline.WatchDeadlines(new WatchDeadlinesRequest { MinPosition = minPosition }))),
        ("ReplayDeadlines", () => FirstAsync(_system.Timeline.ReplayDeadlines(new ReplayDeadlinesRequest { From = "2023-01-01", To = "2023-10-16", MinPosition = minPosition }))),
    ];

    private static NewEvent Setting(string id)
    {
        var e = MaliReport.Dated(id, "2023-10-01", $"Deadline {id} set");
        e.Deadline = new DeadlineEffect { DeadlineId = id, Effect = DeadlineEffectType.Set, Due = new FuzzyDate { Edtf = "2024-06-30" }, Title = id };
        return e;
    }

    private static async Task FirstAsync<T>(AsyncServerStreamingCall<T> call)
    {
        using (call)
        {
            await call.ResponseStream.MoveNext(CancellationToken.None);
        }
    }

    public sealed class Sqlite() : MinPositionTests(StorageBackend.Sqlite);

    public sealed class Postgres() : MinPositionTests(StorageBackend.Postgres);
}
