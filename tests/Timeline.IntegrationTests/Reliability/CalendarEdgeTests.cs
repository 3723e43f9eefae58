using Grpc.Core;
using Timeline.IntegrationTests.Timeline;
using Timeline.V1;

namespace Timeline.IntegrationTests.Reliability;

/// <summary>
/// Date arithmetic on request values and stored dates at both ends of the calendar
/// (0001-01-01 and 9999-12-31): replay windows, as-of days, risk windows that would age out past
/// the end, due dates on the last day, and a clock on the last day. Each valid request is
/// answered; each invalid one is refused naming the field; none is UNKNOWN.
/// </summary>
public sealed class CalendarEdgeTests : IAsyncLifetime
{
    private TimelineSystem system = null!;

    public async ValueTask InitializeAsync()
    {
        // The service's clock on the calendar's last day; the longest risk window it accepts.
        system = await TimelineSystem.StartAsync(new DateTimeOffset(9999, 12, 31, 12, 0, 0, TimeSpan.Zero), timelineArgs: ["--Timeline:RiskWindowDays", "3650"]);
        await system.AppendAsync(
            Deadline("late", "9950-06-30", "9999-12-31"),
            Effect("late-risk", "late", "9999-12-30", DeadlineEffectType.Risk),
            Deadline("early", "0001-01-01", "0001-01-31"),
            Effect("early-risk", "early", "0001-01-02", DeadlineEffectType.Risk),
            Effect("early-met", "early", "0001-01-20", DeadlineEffectType.Met));
        await system.WaitUntilServingAsync();
        await Calls.EventuallyAsync(() => system.Projection.Current.Deadlines.Count == 2, "both deadlines are projected");
    }

    public async ValueTask DisposeAsync() => await system.DisposeAsync();

    [Theory]
    [InlineData("9900-01-01", "9999-12-31")]
    [InlineData("9999-12-31", "9999-12-31")]
    [InlineData("9950-01-01", "9999-12-31")]
    [InlineData("0001-01-01", "0100-12-31")]
    [InlineData("0001-01-01", "0001-01-01")]
    public async Task A_replay_window_at_either_end_of_the_calendar_is_answered(string from, string to)
    {
        var changes = await ReplayAsync(from, to);

        Assert.All(changes, c => Assert.InRange(string.CompareOrdinal(c.Since, to), int.MinValue, 0));
    }

    [Fact]
    public async Task The_late_deadlines_whole_life_replays_to_the_last_day()
    {
        var changes = await ReplayAsync("9900-01-01", "9999-12-31");

        Assert.Equal(
            [(DeadlineState.OnTrack, "9950-06-30"), (DeadlineState.AtRisk, "9999-12-30")],
            changes.Where(c => c.DeadlineId == "late").Select(c => (c.State, c.Since)).ToArray());
    }

    [Theory]
    [InlineData("0001-01-01", "0101-01-02")]
    [InlineData("9800-01-01", "9999-12-31")]
    public async Task A_window_longer_than_a_hundred_years_is_refused_naming_to(string from, string to)
    {
        var status = await Calls.FailsWith(StatusCode.InvalidArgument, () => ReplayAsync(from, to));

        Assert.Contains("to", status.ViolatedFields());
    }

    [Theory]
    [InlineData("9999-12-31", DeadlineState.Met, 0)]
    [InlineData("0001-01-01", DeadlineState.OnTrack, 30)]
    [InlineData("0001-01-02", DeadlineState.AtRisk, 29)]
    [InlineData("0001-01-20", DeadlineState.Met, 0)]
    public async Task Deadlines_as_of_either_end_of_the_calendar_are_answered(string asOf, DeadlineState early, int earlyDaysRemaining)
    {
        var response = await system.Timeline.ListDeadlinesAsync(new ListDeadlinesRequest { AsOf = asOf }, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync.WaitAsync(Calls.Timeout, cancellationToken: TestContext.Current.CancellationToken);

        var late = response.Deadlines.SingleOrDefault(d => d.DeadlineId == "late");
        if (asOf == "9999-12-31")
        {
            Assert.NotNull(late);
            Assert.Equal(DeadlineState.AtRisk, late.State);
            Assert.Equal(0, late.DaysRemaining);
        }

        var first = response.Deadlines.Single(d => d.DeadlineId == "early");
        Assert.Equal(early, first.State);
        if (early != DeadlineState.Met)
        {
            Assert.Equal(earlyDaysRemaining, first.DaysRemaining);
        }
    }

    [Fact]
    public async Task A_watch_on_the_calendars_last_day_sends_the_statuses_and_stays_open()
    {
        using var watch = system.Timeline.WatchDeadlines(new WatchDeadlinesRequest(), cancellationToken: TestContext.Current.CancellationToken);
        var (statuses, caughtUp) = await watch.ResponseStream.InitialAsync();

        Assert.Equal("9999-12-31", caughtUp.AsOf);
        Assert.Equal(DeadlineState.AtRisk, statuses.Single(s => s.DeadlineId == "late").State);

        // Nothing changes by time any more (the risk window would age out past the calendar): the
        // watch waits, and a new event still reaches it.
        var next = watch.ResponseStream.NextAsync();
        await system.AppendAsync(Effect("late-met", "late", "9999-12-31", DeadlineEffectType.Met));
        Assert.Equal(DeadlineState.Met, (await next).Status.State);
    }

    private async Task<List<DeadlineStatus>> ReplayAsync(string from, string to) =>
        [.. (await system.ReplayAsync(from, to)).Select(r => r.Change)];

    private static NewEvent Deadline(string id, string occurred, string due) => new()
    {
        EventId = $"{id}-set",
        Title = $"the {id} deadline is set",
        Occurred = new FuzzyDate { Edtf = occurred },
        Deadline = new DeadlineEffect { DeadlineId = id, Effect = DeadlineEffectType.Set, Title = $"{id} done", Due = new FuzzyDate { Edtf = due } },
    };

    private static NewEvent Effect(string eventId, string deadlineId, string occurred, DeadlineEffectType effect) => new()
    {
        EventId = eventId,
        Title = $"{effect} for {deadlineId}",
        Occurred = new FuzzyDate { Edtf = occurred },
        Deadline = new DeadlineEffect { DeadlineId = deadlineId, Effect = effect },
    };
}
