using Microsoft.Extensions.Time.Testing;
using Timeline.Cli.Demo;
using Timeline.Cli.Hosting;

namespace Timeline.Cli.Tests;

public sealed class AcceleratedTimeProviderTests
{
    private static readonly DateTimeOffset Start = new(2023, 10, 16, 0, 0, 0, TimeSpan.Zero);
    private const double DayPerSecond = 86_400;

    [Fact]
    public void Now_runs_speed_times_faster_than_the_real_clock()
    {
        var real = new FakeTimeProvider();
        var clock = new AcceleratedTimeProvider(Start, DayPerSecond, real: real);

        Assert.Equal(Start, clock.GetUtcNow());
        real.Advance(TimeSpan.FromSeconds(2.5));

        Assert.Equal(Start.AddDays(2.5), clock.GetUtcNow());
        Assert.Equal(TimeSpan.FromDays(2.5), clock.GetElapsedTime(clock.GetTimestamp() - TimeSpan.FromDays(2.5).Ticks));
    }

    [Fact]
    public void A_paused_clock_stands_still_until_started_and_then_runs_from_where_it_stood()
    {
        var real = new FakeTimeProvider();
        var clock = new AcceleratedTimeProvider(Start, DayPerSecond, startRunning: false, real: real);

        real.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(Start, clock.GetUtcNow());

        clock.Start();
        real.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(Start.AddDays(1), clock.GetUtcNow());

        clock.Pause();
        real.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(Start.AddDays(1), clock.GetUtcNow());
    }

    [Fact]
    public void A_timer_fires_when_the_demo_clock_reaches_its_due_time_not_before()
    {
        var real = new FakeTimeProvider();
        var clock = new AcceleratedTimeProvider(Start, DayPerSecond, real: real);
        var fired = new List<DateTimeOffset>();
        using var timer = clock.CreateTimer(_ => fired.Add(clock.GetUtcNow()), null, TimeSpan.FromDays(29), Timeout.InfiniteTimeSpan);

        real.Advance(TimeSpan.FromSeconds(28.9));
        Assert.Empty(fired);

        real.Advance(TimeSpan.FromSeconds(0.1));
        var at = Assert.Single(fired);
        Assert.Equal(Start.AddDays(29), at);
    }

    [Fact]
    public void A_timer_created_while_paused_waits_for_the_clock_to_start()
    {
        var real = new FakeTimeProvider();
        var clock = new AcceleratedTimeProvider(Start, DayPerSecond, startRunning: false, real: real);
        var fired = 0;
        using var timer = clock.CreateTimer(_ => fired++, null, TimeSpan.FromDays(1), Timeout.InfiniteTimeSpan);

        real.Advance(TimeSpan.FromHours(1));
        Assert.Equal(0, fired);

        clock.Start();
        real.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, fired);
    }

    [Fact]
    public void A_periodic_timer_ticks_once_per_demo_period()
    {
        var real = new FakeTimeProvider();
        var clock = new AcceleratedTimeProvider(Start, DayPerSecond, real: real);
        var fired = 0;
        using var timer = clock.CreateTimer(_ => fired++, null, TimeSpan.FromDays(1), TimeSpan.FromDays(1));

        for (var i = 0; i < 3; i++)
        {
            real.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(3, fired);
    }

    [Fact]
    public void A_changed_or_disposed_timer_does_not_fire_at_its_old_time()
    {
        var real = new FakeTimeProvider();
        var clock = new AcceleratedTimeProvider(Start, DayPerSecond, real: real);
        var fired = 0;
        var timer = clock.CreateTimer(_ => fired++, null, TimeSpan.FromDays(1), Timeout.InfiniteTimeSpan);

        timer.Change(TimeSpan.FromDays(3), Timeout.InfiniteTimeSpan);
        real.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(0, fired);

        timer.Dispose();
        real.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(0, fired);
    }

    [Fact]
    public async Task Task_Delay_on_the_demo_clock_takes_the_scaled_real_time()
    {
        // Ten demo days at a day per millisecond: about 10 ms of real time.
        var clock = new AcceleratedTimeProvider(Start, DayPerSecond * 1000);
        var before = clock.GetUtcNow();

        await Task.Delay(TimeSpan.FromDays(10), clock, cancellationToken: TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.True(clock.GetUtcNow() - before >= TimeSpan.FromDays(10));
    }

    [Fact]
    public void Real_delay_until_an_instant_is_scaled_and_zero_once_passed()
    {
        var real = new FakeTimeProvider();
        var clock = new AcceleratedTimeProvider(Start, DayPerSecond, real: real);

        Assert.Equal(TimeSpan.FromSeconds(5), clock.RealDelayUntil(Start.AddDays(5)));
        Assert.Equal(TimeSpan.Zero, clock.RealDelayUntil(Start.AddDays(-1)));

        clock.Pause();
        Assert.Equal(Timeout.InfiniteTimeSpan, clock.RealDelayUntil(Start.AddDays(5)));
    }

    [Fact]
    public async Task The_demo_waiting_for_a_day_that_the_clock_passes_while_it_looks_returns_on_that_day()
    {
        // Each look at the clock moves it 86.4 demo seconds (a millisecond of the real clock at a
        // day a second): the day is still ahead at the first look and behind at the second.
        var clock = new AcceleratedTimeProvider(Start, DayPerSecond, real: new TickingClock());
        var day = clock.GetUtcNow() + TimeSpan.FromSeconds(100);

        await DemoRun.WaitForDayAsync(clock, day, TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.True(clock.GetUtcNow() >= day);
    }

    /// <summary>A real clock that moves a millisecond each time it is read; its timers are the system's.</summary>
    private sealed class TickingClock : TimeProvider
    {
        private long ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Interlocked.Add(ref ticks, TimeSpan.TicksPerMillisecond);

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
            System.CreateTimer(callback, state, dueTime, period);
    }
}
