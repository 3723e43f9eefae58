using Grpc.Health.V1;
using Timeline.Benchmarks.Infrastructure;

namespace Timeline.Benchmarks.Raw;

/// <summary>
/// An empty database exactly as the storage service creates it: the service is started once on
/// an empty file, its migrations run, and it is stopped cleanly (WAL checkpointed). Every raw
/// baseline starts from a copy, so schema, indexes and user_version are the service's own.
/// </summary>
internal static class SchemaTemplate
{
    public static async Task<string> CreateAsync(string directory)
    {
        var path = Path.Combine(directory, "template.db");
        await using (var storage = await ServiceProcess.StartStorageAsync(path))
        {
            var health = await new Health.HealthClient(storage.Channel).CheckAsync(new HealthCheckRequest());
            if (health.Status != HealthCheckResponse.Types.ServingStatus.Serving)
            {
                throw new InvalidOperationException("storage did not become healthy: " + health.Status);
            }
        }

        foreach (var leftover in new[] { path + "-wal", path + "-shm" })
        {
            if (File.Exists(leftover) && new FileInfo(leftover).Length > 0 && leftover.EndsWith("-wal", StringComparison.Ordinal))
            {
                throw new InvalidOperationException("the storage service left a non-empty WAL behind; the template would miss its schema");
            }
        }

        return path;
    }
}
