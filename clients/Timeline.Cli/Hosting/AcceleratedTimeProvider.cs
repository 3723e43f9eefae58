namespace Timeline.Cli.Hosting;

/// <summary>
/// A demo clock: starts at a chosen instant and runs <see cref="Speed"/> times faster than real time.
/// <see cref="GetUtcNow"/> is scaled, and timers fire when the scaled clock reaches their due time, so a
/// service that waits with <c>Task.Delay(span, timeProvider)</c> or a <c>PeriodicTimer</c> wakes on the
/// demo's calendar. It can start paused (time stands still) and be started later; timers re-arm when it does.
/// </summary>
public sealed class AcceleratedTimeProvider : TimeProvider
{
    private readonly TimeProvider real;
    private readonly Lock gate = new();
    private readonly HashSet<AcceleratedTimer> timers = [];
    private DateTimeOffset anchor;
    private long anchorRealTimestamp;
    private bool running;

    /// <param name="start">The instant the clock shows when created.</param>
    /// <param name="speed">Demo seconds per real second, e.g. 86,400 for one day per second.</param>
    /// <param name="startRunning">False to hold the clock at <paramref name="start"/> until <see cref="Start"/>.</param>
    /// <param name="real">The real clock underneath (tests pass a fake one).</param>
    public AcceleratedTimeProvider(DateTimeOffset start, double speed, bool startRunning = true, TimeProvider? real = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(speed);
        this.real = real ?? System;
        Speed = speed;
        anchor = start.ToUniversalTime();
        anchorRealTimestamp = this.real.GetTimestamp();
        running = startRunning;
    }

    public double Speed { get; }

    public bool IsRunning
    {
        get
        {
            lock (gate)
            {
                return running;
            }
        }
    }

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    /// <summary>Ticks of the demo clock, so elapsed-time measurements agree with <see cref="GetUtcNow"/>.</summary>
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override DateTimeOffset GetUtcNow()
    {
        lock (gate)
        {
            return NowLocked();
        }
    }

    public override long GetTimestamp() => GetUtcNow().UtcTicks;

    /// <summary>Sets the clock running from where it stands.</summary>
    public void Start() => SetRunning(true);

    /// <summary>Holds the clock where it stands; timers wait.</summary>
    public void Pause() => SetRunning(false);

    /// <summary>The real time until the demo clock reaches <paramref name="instant"/> (zero if it has); infinite while paused.</summary>
    public TimeSpan RealDelayUntil(DateTimeOffset instant)
    {
        lock (gate)
        {
            return RealDelayLocked(instant);
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new AcceleratedTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    private void SetRunning(bool value)
    {
        AcceleratedTimer[] toRearm;
        lock (gate)
        {
            if (running == value)
            {
                return;
            }

            anchor = NowLocked();
            anchorRealTimestamp = real.GetTimestamp();
            running = value;
            toRearm = [.. timers];
        }

        foreach (var timer in toRearm)
        {
            timer.Rearm();
        }
    }

    private DateTimeOffset NowLocked()
    {
        if (!running)
        {
            return anchor;
        }

        var realElapsed = real.GetElapsedTime(anchorRealTimestamp);
        return anchor + TimeSpan.FromTicks((long)(realElapsed.Ticks * Speed));
    }

    private TimeSpan RealDelayLocked(DateTimeOffset instant)
    {
        var remaining = instant - NowLocked();
        if (remaining <= TimeSpan.Zero)
        {
            return TimeSpan.Zero;
        }

        if (!running)
        {
            return Timeout.InfiniteTimeSpan;
        }

        // Round up so a timer never fires before the demo clock reaches its instant.
        // Far-off instants wake once a day and re-aim (real timers cap out at about 49 days).
        var ticks = Math.Ceiling(remaining.Ticks / Speed);
        return ticks > TimeSpan.TicksPerDay ? TimeSpan.FromDays(1) : TimeSpan.FromTicks(Math.Max(1, (long)ticks));
    }

    private void Register(AcceleratedTimer timer, bool active)
    {
        lock (gate)
        {
            if (active)
            {
                timers.Add(timer);
            }
            else
            {
                timers.Remove(timer);
            }
        }
    }

    /// <summary>A timer on the demo clock, backed by one real timer aimed at the scaled due time.</summary>
    private sealed class AcceleratedTimer : ITimer
    {
        private readonly AcceleratedTimeProvider clock;
        private readonly TimerCallback callback;
        private readonly object? state;
        private readonly ITimer realTimer;
        private readonly Lock timerGate = new();
        private DateTimeOffset? due;
        private TimeSpan period = Timeout.InfiniteTimeSpan;
        private bool disposed;

        public AcceleratedTimer(AcceleratedTimeProvider clock, TimerCallback callback, object? state)
        {
            this.clock = clock;
            this.callback = callback;
            this.state = state;
            realTimer = clock.real.CreateTimer(_ => OnRealTick(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (timerGate)
            {
                if (disposed)
                {
                    return false;
                }

                this.period = period == TimeSpan.Zero ? Timeout.InfiniteTimeSpan : period;
                due = dueTime == Timeout.InfiniteTimeSpan ? null : clock.GetUtcNow() + dueTime;
            }

            clock.Register(this, active: true);
            Rearm();
            return true;
        }

        public void Rearm()
        {
            lock (timerGate)
            {
                if (disposed)
                {
                    return;
                }

                var delay = due is { } at ? clock.RealDelayUntil(at) : Timeout.InfiniteTimeSpan;
                realTimer.Change(delay, Timeout.InfiniteTimeSpan);
            }
        }

        public void Dispose()
        {
            lock (timerGate)
            {
                disposed = true;
                due = null;
            }

            clock.Register(this, active: false);
            realTimer.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }

        private void OnRealTick()
        {
            lock (timerGate)
            {
                if (disposed || due is not { } at)
                {
                    return;
                }

                var now = clock.GetUtcNow();
                if (now < at)
                {
                    // Woken early (rounding, or the clock was paused): wait for the rest.
                    realTimer.Change(clock.RealDelayUntil(at), Timeout.InfiniteTimeSpan);
                    return;
                }

                // Like a real timer, a periodic one does not replay ticks it missed.
                due = period == Timeout.InfiniteTimeSpan ? null : at + period > now ? at + period : now + period;
            }

            callback(state);
            Rearm();
        }
    }
}
