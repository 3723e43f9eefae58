using Microsoft.Extensions.Options;
using Npgsql;

namespace Timeline.StorageService.Storage.Postgres;

/// <summary>
/// The PostgreSQL backend's settings: keys of section <c>Storage</c> beside the shared ones
/// (<see cref="StorageOptions"/>), read and checked only when <c>Storage:Provider</c> is <c>postgres</c>.
/// </summary>
public sealed class PostgresStorageOptions
{
    /// <summary>The connection string (Npgsql's keywords: <c>Host=…;Database=…;Username=…</c>).</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>How often each instance reads the revisions other instances committed (its live tail).</summary>
    public TimeSpan TailInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How often a transaction that hit a serialization failure or deadlock is run again before the append is UNAVAILABLE.</summary>
    public int MaxTransactionAttempts { get; set; } = 5;

    /// <summary>What is wrong with these settings, one line per setting naming it; empty when nothing is.</summary>
    public IEnumerable<string> Problems()
    {
        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            yield return $"{StorageOptions.Section}:ConnectionString is required with {StorageOptions.Section}:Provider=postgres (e.g. \"Host=db.example;Database=timeline;Username=timeline\")";
        }
        else if (ConnectionProblem(ConnectionString) is { } problem)
        {
            yield return problem;
        }

        if (TailInterval <= TimeSpan.Zero)
        {
            yield return $"{StorageOptions.Section}:{nameof(TailInterval)} must be longer than zero (got {TailInterval})";
        }

        if (MaxTransactionAttempts < 1)
        {
            yield return $"{StorageOptions.Section}:{nameof(MaxTransactionAttempts)} must be at least 1 (got {MaxTransactionAttempts})";
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

    /// <summary>Adds these settings' problems to the section's (one refusal line at start, <see cref="StorageOptions.Problems"/> first).</summary>
    internal sealed class Validator(IOptions<PostgresStorageOptions> postgres) : IValidateOptions<StorageOptions>
    {
        public ValidateOptionsResult Validate(string? name, StorageOptions options) =>
            postgres.Value.Problems().ToList() is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
    }
}
