using Npgsql;
using Timeline.Domain.Validation;

namespace Timeline.StorageService;

/// <summary>Configuration section <c>Storage</c>.</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary>The embedded default: one SQLite file (<see cref="DatabasePath"/>).</summary>
    public const string Sqlite = "sqlite";

    /// <summary>A PostgreSQL database (<see cref="ConnectionString"/>), shared by any number of storage instances.</summary>
    public const string Postgres = "postgres";

    /// <summary>Which backend keeps the log: <c>sqlite</c> (the default) or <c>postgres</c>.</summary>
    public string Provider { get; set; } = Sqlite;

    /// <summary>The SQLite file. Default: <c>timeline/timeline.db</c> under the user's local data folder.</summary>
    public string DatabasePath { get; set; } = DefaultDatabasePath();

    /// <summary>The PostgreSQL connection string (Npgsql's keywords: <c>Host=…;Database=…;Username=…</c>), for <c>Provider = postgres</c>.</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>
    /// SQLite: the longest the damage check at start (<c>PRAGMA quick_check</c>) may take; a file
    /// it cannot check in that time is opened unchecked, with a warning. Zero skips the check.
    /// </summary>
    public TimeSpan IntegrityCheckTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>PostgreSQL: how often each instance reads the revisions other instances committed (its live tail).</summary>
    public TimeSpan TailInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>PostgreSQL: how often a transaction that hit a serialization failure or deadlock is run again before the append is UNAVAILABLE.</summary>
    public int MaxTransactionAttempts { get; set; } = 5;

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
        else if (provider == Postgres && string.IsNullOrWhiteSpace(ConnectionString))
        {
            yield return $"{Section}:ConnectionString is required with {Section}:Provider=postgres (e.g. \"Host=db.example;Database=timeline;Username=timeline\")";
        }
        else if (provider == Postgres && ConnectionProblem(ConnectionString) is { } problem)
        {
            yield return problem;
        }
        else if (provider == Sqlite && string.IsNullOrWhiteSpace(DatabasePath))
        {
            yield return $"{Section}:DatabasePath is empty; give the SQLite file's path";
        }

        if (IntegrityCheckTimeout < TimeSpan.Zero)
        {
            yield return $"{Section}:IntegrityCheckTimeout must not be negative (got {IntegrityCheckTimeout}; zero skips the check)";
        }

        foreach (var (setting, interval) in new[] { (nameof(TailInterval), TailInterval), (nameof(CheckpointInterval), CheckpointInterval), (nameof(ReadTimeLimit), ReadTimeLimit) })
        {
            if (interval <= TimeSpan.Zero)
            {
                yield return $"{Section}:{setting} must be longer than zero (got {interval})";
            }
        }

        foreach (var (setting, value) in new[]
        {
            (nameof(MaxTransactionAttempts), MaxTransactionAttempts), (nameof(MaxBatchesPerCommit), MaxBatchesPerCommit),
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

    private static string? ConnectionProblem(string connectionString)
    {
        try
        {
            DescribeConnection(connectionString);
            return null;
        }
        catch (InvalidOperationException ex)
        {
            return ex.Message;
        }
    }

    /// <summary>Where a PostgreSQL connection string points, for a log line or a banner: host, port and database, never the password.</summary>
    public static string DescribeConnection(string connectionString)
    {
        try
        {
            var settings = new NpgsqlConnectionStringBuilder(connectionString);
            return $"{settings.Host}:{settings.Port}/{settings.Database}";
        }
        catch (ArgumentException ex)
        {
            throw new InvalidOperationException($"Storage:ConnectionString is not a PostgreSQL connection string: {ex.Message}", ex);
        }
    }

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
