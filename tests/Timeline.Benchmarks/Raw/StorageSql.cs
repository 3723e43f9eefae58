using System.Reflection;

namespace Timeline.Benchmarks.Raw;

/// <summary>
/// The storage service's own SQL text, read from its assembly by reflection (the class is
/// internal), so the baselines run exactly the statements the service runs and cannot drift.
/// </summary>
internal static class StorageSql
{
    private static readonly Type Sql = typeof(Timeline.StorageService.StorageOptions).Assembly.GetType("Timeline.StorageService.Storage.Sql", throwOnError: true)!;

    public static string InsertRevision => Get(nameof(InsertRevision));

    public static string InsertTag => Get(nameof(InsertTag));

    public static string InsertActor => Get(nameof(InsertActor));

    public static string UpsertCurrent => Get(nameof(UpsertCurrent));

    public static string ListCurrent => Get(nameof(ListCurrent));

    private static string Get(string name) =>
        Sql.GetField(name, BindingFlags.Public | BindingFlags.Static)?.GetRawConstantValue() as string
        ?? throw new InvalidOperationException($"Sql.{name} is gone from the storage service; update the benchmark's baselines");
}
