using System.ComponentModel.DataAnnotations;
using Timeline.Domain.Deadlines;

namespace Timeline.TimelineService;

/// <summary>The <c>Timeline</c> configuration section.</summary>
public sealed class TimelineOptions
{
    public const string Section = "Timeline";

    /// <summary>The storage service's gRPC address (<c>Timeline:StorageAddress</c>).</summary>
    [Required]
    public string StorageAddress { get; set; } = "http://127.0.0.1:5201";

    /// <summary>
    /// The token this service presents to storage (<c>Timeline:StorageToken</c>, scope
    /// <c>events:read</c>); empty when storage runs without tokens. Keep it out of files: set it
    /// from the environment (<c>Timeline__StorageToken</c>).
    /// </summary>
    public string StorageToken { get; set; } = "";

    /// <summary>How long a risk signal keeps a deadline at risk, in days (<c>Timeline:RiskWindowDays</c>).</summary>
    [Range(0, 3650)]
    public int RiskWindowDays { get; set; } = DeadlineRules.DefaultRiskWindowDays;

    /// <summary>
    /// How long a deadline call waits for the projection to catch up with storage before it is
    /// answered with UNAVAILABLE (the caller's own deadline, when shorter, wins).
    /// </summary>
    public TimeSpan CatchUpTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long health stays SERVING after the projection stopped following storage's log (storage
    /// down or unreachable): longer than a storage restart plus the longest reconnect back-off and
    /// connect timeout (about 1-2 s + 5 s + 5 s), so restarting storage does not take every replica
    /// out of rotation at once; short enough that a replica cut off from the log stops getting traffic.
    /// </summary>
    public TimeSpan HealthGrace { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The first and the longest wait before resubscribing to storage after a failure.</summary>
    public TimeSpan ReconnectMinDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromSeconds(5);
}
