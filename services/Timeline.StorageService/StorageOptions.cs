using Timeline.Domain.Validation;

namespace Timeline.StorageService;

/// <summary>
/// Configuration section <c>Storage</c>: the settings every backend shares. Each backend's own
/// settings (same section, keys unchanged) live with it: <c>Storage/Sqlite/SqliteStorageOptions</c>
/// and <c>Storage/Postgres/PostgresStorageOptions</c>, checked at start with these when that
/// backend is the one chosen.
/// </summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary>The embedded default: one SQLite file (<c>Storage:DatabasePath</c>, <see cref="Storage.Sqlite.SqliteStorageOptions"/>).</summary>
    public const string Sqlite = "sqlite";

    /// <summary>A PostgreSQL database (<c>Storage:ConnectionString</c>, <see cref="Storage.Postgres.PostgresStorageOptions"/>), shared by any number of storage instances.</summary>
    public const string Postgres = "postgres";

    /// <summary>Which backend keeps the log: <c>sqlite</c> (the default) or <c>postgres</c>.</summary>
    public string Provider { get; set; } = Sqlite;

    /// <summary>How many committed revisions a live subscriber may have queued before it is ended with RESOURCE_EXHAUSTED.</summary>
    public int SubscriberBufferSize { get; set; } = 4_096;

    /// <summary>Most open SubscribeEvents streams at once.</summary>
    public int MaxSubscribers { get; set; } = 2_000;

    /// <summary>
    /// How often a subscriber gets a checkpoint while nothing it asked for arrives. A timeline
    /// replica (a filtered subscriber) learns only from a checkpoint that it has read past a
    /// position bearing on no deadline, so this bounds how long a call with that min_position waits
    /// (Timeline:MinPositionWait must be longer); at most one small message a second per subscriber.
    /// </summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The longest one page of ListEvents may take in the database: past it the read is stopped and
    /// answered RESOURCE_EXHAUSTED <c>READ_TOO_COSTLY</c>, naming what to narrow (docs/CONTRACT.md).
    /// A filter an index serves costs what its result costs; this bounds the rest (a combination of
    /// filters that matches little of a large log, a list as known at a time without ids, tags or
    /// actors). SQLite checks the clock as the statement runs; PostgreSQL is told it as the list
    /// connections' <c>statement_timeout</c> (keep it below the connection string's command timeout).
    /// </summary>
    public TimeSpan ReadTimeLimit { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Most batches a writer commits in one transaction (group commit).</summary>
    public int MaxBatchesPerCommit { get; set; } = 256;

    public EventLimits Limits { get; set; } = new();

    /// <summary>The provider named in <paramref name="configuration"/>, lower case (the default when unset).</summary>
    public static string ProviderOf(IConfiguration configuration) =>
        configuration[$"{Section}:{nameof(Provider)}"] is { Length: > 0 } provider ? provider.Trim().ToLowerInvariant() : Sqlite;

    /// <summary>What is wrong with these settings, one line per setting naming it; empty when nothing is.</summary>
    public IEnumerable<string> Problems()
    {
        var provider = Provider.Trim().ToLowerInvariant();
        if (provider is not (Sqlite or Postgres))
        {
            yield return $"{Section}:Provider must be '{Sqlite}' or '{Postgres}', not '{Provider}'";
        }

        foreach (var (setting, interval) in new[] { (nameof(CheckpointInterval), CheckpointInterval), (nameof(ReadTimeLimit), ReadTimeLimit) })
        {
            if (interval <= TimeSpan.Zero)
            {
                yield return $"{Section}:{setting} must be longer than zero (got {interval})";
            }
        }

        foreach (var (setting, value) in new[]
        {
            (nameof(MaxBatchesPerCommit), MaxBatchesPerCommit),
            (nameof(SubscriberBufferSize), SubscriberBufferSize), (nameof(MaxSubscribers), MaxSubscribers),
        })
        {
            if (value < 1)
            {
                yield return $"{Section}:{setting} must be at least 1 (got {value})";
            }
        }

        foreach (var problem in Limits.Problems($"{Section}:Limits"))
        {
            yield return problem;
        }
    }
}
