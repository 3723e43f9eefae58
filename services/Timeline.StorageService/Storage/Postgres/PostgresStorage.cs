namespace Timeline.StorageService.Storage.Postgres;

internal static class PostgresStorage
{
    public static IServiceCollection AddPostgresEventLog(this IServiceCollection services) => throw new NotImplementedException();
}
