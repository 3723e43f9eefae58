using Microsoft.Extensions.Options;

namespace Timeline.StorageService.Storage.Postgres;

/// <summary>
/// The PostgreSQL backend's services (<c>Storage:Provider</c> = <c>postgres</c>, with
/// <c>Storage:ConnectionString</c>): any number of instances on one database, each with its own
/// writer and live tail.
/// </summary>
internal static class PostgresStorage
{
    public static IServiceCollection AddPostgresEventLog(this IServiceCollection services)
    {
        services.AddOptions<PostgresStorageOptions>().BindConfiguration(StorageOptions.Section);
        services.AddSingleton<IValidateOptions<StorageOptions>, PostgresStorageOptions.Validator>();
        services.AddSingleton<PostgresDatabase>();
        services.AddSingleton<PostgresTail>();
        services.AddSingleton<PostgresWriter>();

        // The writer first: it migrates the schema and sets the head the tail reads after.
        services.AddHostedService(sp => sp.GetRequiredService<PostgresWriter>());
        services.AddHostedService(sp => sp.GetRequiredService<PostgresTail>());
        services.AddSingleton<PostgresEventLog>();
        services.AddSingleton<IEventLog>(sp => sp.GetRequiredService<PostgresEventLog>());
        services.AddGrpcHealthChecks().AddCheck<PostgresHealthCheck>("database");
        return services;
    }
}
