using Microsoft.Extensions.Options;

namespace Timeline.StorageService.Storage.Sqlite;

/// <summary>
/// The SQLite backend's settings: keys of section <c>Storage</c> beside the shared ones
/// (<see cref="StorageOptions"/>), read and checked only when <c>Storage:Provider</c> is <c>sqlite</c>.
/// </summary>
public sealed class SqliteStorageOptions
{
    /// <summary>The SQLite file. Default: <c>timeline/timeline.db</c> under the user's local data folder.</summary>
    public string DatabasePath { get; set; } = DefaultDatabasePath();

    /// <summary>
    /// The longest the damage check at start (<c>PRAGMA quick_check</c>) may take; a file it cannot
    /// check in that time is opened unchecked, with a warning. Zero skips the check.
    /// </summary>
    public TimeSpan IntegrityCheckTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>What is wrong with these settings, one line per setting naming it; empty when nothing is.</summary>
    public IEnumerable<string> Problems()
    {
        if (string.IsNullOrWhiteSpace(DatabasePath))
        {
            yield return $"{StorageOptions.Section}:DatabasePath is empty; give the SQLite file's path";
        }

        if (IntegrityCheckTimeout < TimeSpan.Zero)
        {
            yield return $"{StorageOptions.Section}:IntegrityCheckTimeout must not be negative (got {IntegrityCheckTimeout}; zero skips the check)";
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

    /// <summary>Adds these settings' problems to the section's (one refusal line at start, <see cref="StorageOptions.Problems"/> first).</summary>
    internal sealed class Validator(IOptions<SqliteStorageOptions> sqlite) : IValidateOptions<StorageOptions>
    {
        public ValidateOptionsResult Validate(string? name, StorageOptions options) =>
            sqlite.Value.Problems().ToList() is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
    }
}
