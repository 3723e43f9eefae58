using Microsoft.Extensions.Options;
using Timeline.Domain.Deadlines;
using Timeline.ServiceDefaults.Clients;

namespace Timeline.TimelineServer;

/// <summary>The <c>Timeline</c> configuration section.</summary>
public sealed class TimelineOptions
{
    public const string Section = "Timeline";

    /// <summary>
    /// The storage service's gRPC address (<c>Timeline:StorageAddress</c>): one address, several
    /// separated by commas (balanced round robin, a call retried on another when one is down), or
    /// <c>dns:///host:port</c> (every address the name resolves to).
    /// </summary>
    public string StorageAddress { get; set; } = "http://127.0.0.1:5201";

    /// <summary>
    /// The token this service presents to storage (<c>Timeline:StorageToken</c>, scope
    /// <c>events:read</c>); empty when storage runs without tokens. Keep it out of files: set it
    /// from the environment (<c>Timeline__StorageToken</c>).
    /// </summary>
    public string StorageToken { get; set; } = "";

    /// <summary>How long a risk signal keeps a deadline at risk, in days (<c>Timeline:RiskWindowDays</c>).</summary>
    public int RiskWindowDays { get; set; } = DeadlineRules.DefaultRiskWindowDays;

    /// <summary>
    /// How long a deadline call waits for the projection to catch up with storage before it is
    /// answered with UNAVAILABLE (the caller's own deadline, when shorter, wins).
    /// </summary>
    public TimeSpan CatchUpTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a call with a <c>min_position</c> this replica has not read yet waits for it before
    /// it is answered UNAVAILABLE (PROJECTION_BEHIND), so the caller tries another replica. Half the
    /// caller's remaining deadline, when shorter, wins. Longer than a storage checkpoint interval plus
    /// its tail interval, so a position that bears on no deadline (seen only through a checkpoint) is
    /// reached within it.
    /// </summary>
    public TimeSpan MinPositionWait { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// How long health stays SERVING after the projection stopped following storage's log (storage
    /// down or unreachable): longer than a storage restart plus the longest reconnect back-off and
    /// connect timeout (about 1-2 s + 5 s + 5 s), so restarting storage does not take every replica
    /// out of rotation at once; short enough that a replica cut off from the log stops getting traffic.
    /// </summary>
    public TimeSpan HealthGrace { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// The first and the longest wait before resubscribing to storage after consecutive failures
    /// (exponential with jitter: <see cref="Deadlines.ReconnectBackoff"/>).
    /// </summary>
    public TimeSpan ReconnectMinDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The longest the service waits for storage (<c>Timeline:StorageTimeout</c>): the ceiling of
    /// each call to it (the caller's deadline, when sooner, wins; past the ceiling the call is
    /// UNAVAILABLE), and the longest the subscription may stay silent before it is taken for
    /// stalled and made again (storage sends a checkpoint every <c>Storage:CheckpointInterval</c>,
    /// 1 s, so keep this a few times longer).
    /// </summary>
    public TimeSpan StorageTimeout { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>Refuses at start, naming the setting, a <see cref="TimelineOptions"/> the service cannot work with.</summary>
internal sealed class TimelineOptionsValidation : IValidateOptions<TimelineOptions>
{
    public const int MaxRiskWindowDays = 3650;

    public ValidateOptionsResult Validate(string? name, TimelineOptions options)
    {
        var failures = new List<string>();
        var section = TimelineOptions.Section;
        if (!ServiceAddresses.TryParse(options.StorageAddress, out _, out var problem))
        {
            failures.Add($"{section}:StorageAddress '{options.StorageAddress}' {problem}");
        }

        if (options.RiskWindowDays is < 0 or > MaxRiskWindowDays)
        {
            failures.Add($"{section}:RiskWindowDays must be from 0 to {MaxRiskWindowDays} days (got {options.RiskWindowDays})");
        }

        Positive(failures, $"{section}:CatchUpTimeout", options.CatchUpTimeout);
        Positive(failures, $"{section}:MinPositionWait", options.MinPositionWait);
        Positive(failures, $"{section}:ReconnectMinDelay", options.ReconnectMinDelay);
        Positive(failures, $"{section}:StorageTimeout", options.StorageTimeout);
        if (options.ReconnectMaxDelay < options.ReconnectMinDelay)
        {
            failures.Add($"{section}:ReconnectMaxDelay ({options.ReconnectMaxDelay}) must not be shorter than {section}:ReconnectMinDelay ({options.ReconnectMinDelay})");
        }

        if (options.HealthGrace < TimeSpan.Zero)
        {
            failures.Add($"{section}:HealthGrace must not be negative (got {options.HealthGrace})");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Positive(List<string> failures, string setting, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            failures.Add($"{setting} must be longer than zero (got {value})");
        }
    }
}
