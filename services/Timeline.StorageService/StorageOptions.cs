using Timeline.Domain.Validation;

namespace Timeline.StorageService;

/// <summary>Configuration section <c>Storage</c>.</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary>The SQLite file. Default: <c>timeline/timeline.db</c> under the user's local data folder.</summary>
    public string DatabasePath { get; set; } = DefaultDatabasePath();

    /// <summary>How many committed revisions a live subscriber may have queued before it is ended with RESOURCE_EXHAUSTED.</summary>
    public int SubscriberBufferSize { get; set; } = 4_096;

    /// <summary>Most open SubscribeEvents streams at once.</summary>
    public int MaxSubscribers { get; set; } = 2_000;

    /// <summary>How often a subscriber gets a checkpoint while nothing it asked for arrives.</summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Most batches the single writer commits in one transaction (group commit).</summary>
    public int MaxBatchesPerCommit { get; set; } = 256;

    public EventLimits Limits { get; set; } = new();

    public static string DefaultDatabasePath()
    {
        var root = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create);
        if (string.IsNullOrEmpty(root))
        {
            root = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
        }

        return Path.Combine(root, "timeline", "timeline.db");
    }
}
