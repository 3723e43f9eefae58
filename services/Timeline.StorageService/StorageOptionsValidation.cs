using Microsoft.Extensions.Options;

namespace Timeline.StorageService;

/// <summary>Refuses at start, naming the setting, a <see cref="StorageOptions"/> the service cannot work with.</summary>
internal sealed class StorageOptionsValidation : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        var section = StorageOptions.Section;
        var failures = new List<string>(options.Limits.Problems($"{section}:Limits"));
        if (string.IsNullOrWhiteSpace(options.DatabasePath))
        {
            failures.Add($"{section}:DatabasePath is empty; give the SQLite file's path");
        }

        AtLeastOne(failures, $"{section}:SubscriberBufferSize", options.SubscriberBufferSize);
        AtLeastOne(failures, $"{section}:MaxSubscribers", options.MaxSubscribers);
        AtLeastOne(failures, $"{section}:MaxBatchesPerCommit", options.MaxBatchesPerCommit);
        if (options.CheckpointInterval <= TimeSpan.Zero)
        {
            failures.Add($"{section}:CheckpointInterval must be longer than zero (got {options.CheckpointInterval})");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void AtLeastOne(List<string> failures, string setting, int value)
    {
        if (value < 1)
        {
            failures.Add($"{setting} must be at least 1 (got {value})");
        }
    }
}
