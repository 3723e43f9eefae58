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

    /// <summary>The first page of the current view (older builds had one statement for every page).</summary>
    public static string ListCurrentFirst => Find(nameof(ListCurrentFirst)) ?? Get("ListCurrent");

    /// <summary>A continuation page of the current view, keyed by the previous page's last row.</summary>
    public static string ListCurrentNext => Find(nameof(ListCurrentNext)) ?? Get("ListCurrent");

    private static string? Find(string name) => Sql.GetField(name, BindingFlags.Public | BindingFlags.Static)?.GetRawConstantValue() as string;

    private static string Get(string name) =>
        Find(name) ?? throw new InvalidOperationException($"Sql.{name} is gone from the storage service; update the benchmark's baselines");
}
