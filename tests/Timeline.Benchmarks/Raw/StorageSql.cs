using System.Reflection;

namespace Timeline.Benchmarks.Raw;

/// <summary>
/// The storage service's own SQL text, read from its assembly by reflection (the class is
/// internal), so the baselines run exactly the statements the service runs and cannot drift; the
/// same for the per-class keys the list statement is bound with.
/// </summary>
internal static class StorageSql
{
    private static readonly Type Sql = typeof(Timeline.StorageService.StorageOptions).Assembly.GetType("Timeline.StorageService.Storage.Sqlite.SqliteSql", throwOnError: true)!;

    private static readonly Type Database = typeof(Timeline.StorageService.StorageOptions).Assembly.GetType("Timeline.StorageService.Storage.Sqlite.SqliteDatabase", throwOnError: true)!;

    private static readonly Type SpanClasses = typeof(Timeline.StorageService.StorageOptions).Assembly.GetType("Timeline.StorageService.Storage.SpanClasses", throwOnError: true)!;

    public static string InsertRevision => Get(nameof(InsertRevision));

    public static string InsertTag => Get(nameof(InsertTag));

    public static string InsertActor => Get(nameof(InsertActor));

    public static string UpsertCurrent => Get(nameof(UpsertCurrent));

    /// <summary>A page of the current view, first or next: one arm per span class, merged.</summary>
    public static string ListCurrent => Get(nameof(ListCurrent));

    /// <summary>How many span classes (arms of <see cref="ListCurrent"/>, keys <c>@E0</c>…) the service has.</summary>
    public static int SpanClassCount => (int)(SpanClasses.GetField("Count", BindingFlags.Public | BindingFlags.Static)?.GetRawConstantValue()
        ?? throw new InvalidOperationException("SpanClasses.Count is gone from the storage service; update the benchmark's baselines"));

    /// <summary>The page cache (KiB) of the service's list connections, which the raw reader's connection gets too.</summary>
    public static int ReaderCacheKiB => (int)(Database.GetField("ReaderCacheKiB", BindingFlags.Public | BindingFlags.Static)?.GetRawConstantValue()
        ?? throw new InvalidOperationException("SqliteDatabase.ReaderCacheKiB is gone from the storage service; update the benchmark's baselines"));

    /// <summary>
    /// The service's own key of a span class's arm (class, occurred_from day, the page token's
    /// key): the raw baseline binds exactly the keys the service binds.
    /// </summary>
    public static readonly Func<int, int?, (long Earliest, long Latest, long Position)?, (long Earliest, long Latest, long Position)> SpanKey =
        (SpanClasses.GetMethod("Key", BindingFlags.Public | BindingFlags.Static, [typeof(int), typeof(int?), typeof((long, long, long)?)])
            ?? throw new InvalidOperationException("SpanClasses.Key is gone from the storage service; update the benchmark's baselines"))
        .CreateDelegate<Func<int, int?, (long, long, long)?, (long, long, long)>>();

    private static string? Find(string name) => Sql.GetField(name, BindingFlags.Public | BindingFlags.Static)?.GetRawConstantValue() as string;

    private static string Get(string name) =>
        Find(name) ?? throw new InvalidOperationException($"SqliteSql.{name} is gone from the storage service; update the benchmark's baselines");
}
