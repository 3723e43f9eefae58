using Grpc.Core;
using Timeline.Tests.Shared;
using Timeline.V1;

namespace Timeline.IntegrationTests.Timeline;

/// <summary>ListDeadlines, ReplayDeadlines and time passing on the timeline service's clock, over both real services.</summary>
public abstract class DeadlineStatusTests(StorageBackend backend) : IAsyncLifetime
{
    private TimelineSystem _system = null!;

    public async ValueTask InitializeAsync()
    {
        _system = await TimelineSystem.StartAsync(MaliReport.ReportDay, backend);
        await _system.AppendAsync(MaliReport.Events());
    }

    public async ValueTask DisposeAsync() => await _system.DisposeAsync();

    private async Task<ListDeadlinesResponse> ListAsync(string asOf = "") =>
        await _system.Timeline.ListDeadlinesAsync(new ListDeadlinesRequest { AsOf = asOf }).ResponseAsync.WaitAsync(Calls.Timeout);

    private async Task<List<DeadlineStatus>> ReplayAsync(string from, string to) =>
        [.. (await _system.ReplayAsync(from, to)).Select(r => r.Change)];

    [Fact]
    public async Task On_the_report_day_MINUSMA_is_at_risk_because_of_the_UN_warning()
    {
        var status = Assert.Single((await ListAsync()).Deadlines);

        Assert.Equal(MaliReport.Deadline, status.DeadlineId);
        Assert.Equal("MINUSMA's departure complete", status.Title);
        Assert.Equal("UN Security Council", status.Responsible);
        Assert.Equal(DeadlineState.AtRisk, status.State);
        Assert.Equal("2023-12-31", status.Due.Latest);
        Assert.Equal("2023-12-31", status.OriginalDue.Latest);
        Assert.Equal(76, status.DaysRemaining);
        Assert.Equal("2023-10-16", status.AsOf);
        Assert.Equal("2023-10-14", status.Since);
        var reason = Assert.Single(status.Reasons);
        Assert.Equal("un-warning", reason.EventId);
        Assert.Equal(DeadlineEffectType.Risk, reason.Effect);
        Assert.Equal("2023-10-14", reason.Occurred.Latest);
        Assert.False(string.IsNullOrEmpty(reason.Explanation));
    }

    [Fact]
    public async Task As_of_a_later_day_the_warning_has_aged_out()
    {
        var status = Assert.Single((await ListAsync("2023-11-14")).Deadlines);

        Assert.Equal(DeadlineState.OnTrack, status.State);
        Assert.Equal("2023-11-14", status.Since);
    }

    [Fact]
    public async Task Moving_the_clock_past_the_risk_window_then_past_the_due_date_gives_on_track_then_missed()
    {
        _system.Clock.SetUtcNow(new DateTimeOffset(2023, 11, 14, 0, 0, 1, TimeSpan.Zero));
        Assert.Equal(DeadlineState.OnTrack, Assert.Single((await ListAsync()).Deadlines).State);

        _system.Clock.SetUtcNow(new DateTimeOffset(2024, 1, 1, 0, 0, 1, TimeSpan.Zero));
        var missed = Assert.Single((await ListAsync()).Deadlines);
        Assert.Equal(DeadlineState.Missed, missed.State);
        Assert.Equal(-1, missed.DaysRemaining);
    }

    [Fact]
    public async Task Replaying_2023_shows_how_the_deadline_moved_until_it_was_met()
    {
        await _system.AppendAsync(MaliReport.Met("2023-12-31"));
        _system.Clock.SetUtcNow(new DateTimeOffset(2024, 2, 1, 0, 0, 0, TimeSpan.Zero));

        var changes = await ReplayAsync("2023-01-01", "2023-12-31");

        Assert.Equal(
            [
                (DeadlineState.OnTrack, "2023-06-30"),
                (DeadlineState.AtRisk, "2023-10-14"),
                (DeadlineState.OnTrack, "2023-11-14"),
                (DeadlineState.Met, "2023-12-31"),
            ],
            changes.Select(c => (c.State, c.Since)));
    }

    [Fact]
    public async Task Replay_ends_today_because_later_changes_have_not_happened()
    {
        var changes = await ReplayAsync("2023-10-01", "2024-12-31");

        Assert.Equal([(DeadlineState.OnTrack, "2023-06-30"), (DeadlineState.AtRisk, "2023-10-14")], changes.Select(c => (c.State, c.Since)));
        Assert.Equal("2023-10-01", changes[0].AsOf);
    }

    [Fact]
    public async Task Deadlines_are_listed_by_id_one_page_at_a_time_as_of_the_first_page()
    {
        var other = MaliReport.Resolution2690();
        other.EventId = "ecowas-transition";
        other.Deadline.DeadlineId = "a-transition";
        await _system.AppendAsync(other);
        await Calls.EventuallyAsync(() => _system.Projection.Current.Deadlines.Count == 2, "both deadlines are projected");

        var first = await _system.Timeline.ListDeadlinesAsync(new ListDeadlinesRequest { PageSize = 1 }, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync.WaitAsync(Calls.Timeout, cancellationToken: TestContext.Current.CancellationToken);
        _system.Clock.SetUtcNow(new DateTimeOffset(2024, 1, 1, 0, 0, 1, TimeSpan.Zero));
        var second = await _system.Timeline.ListDeadlinesAsync(new ListDeadlinesRequest { PageSize = 1, PageToken = first.NextPageToken }, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync.WaitAsync(Calls.Timeout, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("a-transition", Assert.Single(first.Deadlines).DeadlineId);
        var minusma = Assert.Single(second.Deadlines);
        Assert.Equal((MaliReport.Deadline, "2023-10-16", DeadlineState.AtRisk), (minusma.DeadlineId, minusma.AsOf, minusma.State));
        Assert.Empty(second.NextPageToken);
    }

    [Fact]
    public async Task Bad_deadline_requests_are_refused_naming_the_field()
    {
        Assert.Contains("as_of", (await Calls.FailsWith(StatusCode.InvalidArgument, () => ListAsync("tomorrow"))).ViolatedFields());
        Assert.Contains("to", (await Calls.FailsWith(StatusCode.InvalidArgument, () => ReplayAsync("2023-12-31", "2023-01-01"))).ViolatedFields());
        Assert.Contains("from", (await Calls.FailsWith(StatusCode.InvalidArgument, () => ReplayAsync("", "2023-01-01"))).ViolatedFields());
    }

    public sealed class Sqlite() : DeadlineStatusTests(StorageBackend.Sqlite);

    public sealed class Postgres() : DeadlineStatusTests(StorageBackend.Postgres);
}
