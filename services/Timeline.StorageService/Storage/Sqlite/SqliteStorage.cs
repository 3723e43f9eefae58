using Microsoft.Extensions.Options;

namespace Timeline.StorageService.Storage.Sqlite;

/// <summary>The SQLite backend's services: one file, one writer (<c>Storage:Provider</c> = <c>sqlite</c>, the default).</summary>
internal static class SqliteStorage
{
    public static IServiceCollection AddSqliteEventLog(this IServiceCollection services)
    {
        services.AddOptions<SqliteStorageOptions>().BindConfiguration(StorageOptions.Section);
        services.AddSingleton<IValidateOptions<StorageOptions>, SqliteStorageOptions.Validator>();
        services.AddSingleton<SqliteDatabase>();
        services.AddSingleton<SqliteWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<SqliteWriter>());
        services.AddSingleton<SqliteEventLog>();
        services.AddSingleton<IEventLog>(sp => sp.GetRequiredService<SqliteEventLog>());
        services.AddGrpcHealthChecks().AddCheck<SqliteHealthCheck>("database");
        return services;
    }
}
