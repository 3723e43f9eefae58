namespace Timeline.IntegrationTests.Reliability.Probes;

/// <summary>
/// A test-only stand-in for a service's clock (its <see cref="TimeProvider"/>) that throws when
/// armed: a dependency failing in a way no code path expects, to prove the last line of defence.
/// </summary>
internal sealed class FaultyClock : TimeProvider
{
    public const string Message = "test fault: the clock is broken";

    private volatile bool nowFails;
    private volatile bool timersFail;

    /// <summary>Reading the time throws.</summary>
    public bool NowFails
    {
        get => nowFails;
        set => nowFails = value;
    }

    /// <summary>Creating a timer throws.</summary>
    public bool TimersFail
    {
        get => timersFail;
        set => timersFail = value;
    }

    public override DateTimeOffset GetUtcNow() => NowFails ? throw new InvalidOperationException(Message) : System.GetUtcNow();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        TimersFail ? throw new InvalidOperationException(Message) : System.CreateTimer(callback, state, dueTime, period);
}
