using Microsoft.Extensions.Options;
using Timeline.StorageService.Storage.Postgres;
using Timeline.StorageService.Storage.Sqlite;

namespace Timeline.StorageService.Storage;

/// <summary>The event log behind its seam, on the backend <c>Storage:Provider</c> names, and what is the same on every backend.</summary>
internal static class StorageRegistration
{
    public static IServiceCollection AddEventLog(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>();
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
            return new LogBroadcaster(options.SubscriberBufferSize, options.MaxSubscribers);
        });
        services.AddSingleton<StorageMetrics>();
        services.AddSingleton<EventIds>();
        services.AddSingleton<Subscriptions>();
        return StorageOptions.ProviderOf(configuration) == StorageOptions.Postgres
            ? services.AddPostgresEventLog()
            : services.AddSqliteEventLog();
    }

    /// <summary>Says exactly what is wrong with the <c>Storage</c> section, so the service refuses to start with one clear line.</summary>
    private sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
    {
        public ValidateOptionsResult Validate(string? name, StorageOptions options) =>
            options.Problems().ToList() is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
    }
}
