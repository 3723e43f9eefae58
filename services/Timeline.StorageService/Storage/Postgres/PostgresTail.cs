using Google.Protobuf;
using Microsoft.Extensions.Options;
using Npgsql;
using Timeline.V1;

namespace Timeline.StorageService.Storage.Postgres;

/// <summary>
/// This instance's live tail of the shared log: every <c>Storage:TailInterval</c> (or at once when
/// woken, e.g. by an own commit that follows positions not yet seen) it reads the revisions
/// committed after the broadcaster's head, in position order, and publishes them, so subscribers
/// of this instance see what other instances append. Positions commit in order (the counter row),
/// so one read past the head is a gap-free run and nothing can be skipped. Nothing depends on
/// LISTEN/NOTIFY (poolers in transaction mode and hot standbys do not deliver it). Each poll is
/// also the database probe behind the health check. A body that cannot be parsed is a damaged
/// log, not an unreachable database: the live streams end with INTERNAL (as a catch-up over the
/// same row does), the instance stays healthy, and the tail reads from the same place again.
/// </summary>
internal sealed class PostgresTail(
    PostgresDatabase database,
    LogBroadcaster broadcaster,
    TimeProvider time,
    IOptions<PostgresStorageOptions> options,
    ILogger<PostgresTail> logger) : BackgroundService
{
    private const int Page = 1_000;

    private readonly SemaphoreSlim wake = new(0, 1);

    /// <summary>The damaged position last logged: each poll meets it again, and one log line says it.</summary>
    private long damagedLogged;

    /// <summary>Reads now instead of at the next interval.</summary>
    public void Wake()
    {
        try
        {
            wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already woken.
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.TailInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            var full = false;
            try
            {
                full = await ReadAsync(stoppingToken) == Page;
                database.Succeeded();
            }
            catch (DamagedRevisionException ex)
            {
                database.Succeeded();
                if (ex.Position != damagedLogged)
                {
                    StorageLog.DamagedRevision(logger, ex, ex.Position);
                    damagedLogged = ex.Position;
                }

                // Subscribers would otherwise wait for a revision that cannot be sent, told nothing.
                broadcaster.CompleteAll(ex);
            }
            catch (Exception ex) when (PostgresDatabase.IsDatabaseFailure(ex) && !stoppingToken.IsCancellationRequested)
            {
                database.Failed(ex);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }

            if (full)
            {
                continue;
            }

            using var timer = new CancellationTokenSource(interval, time);
            using var either = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, timer.Token);
            try
            {
                await wake.WaitAsync(either.Token);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                // The interval passed.
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One read past the head; returns how many revisions it published.</summary>
    private async Task<int> ReadAsync(CancellationToken cancellationToken)
    {
        var after = broadcaster.Head;
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(PostgresSql.Tail, connection);
        command.Parameters.Add(new NpgsqlParameter<long>("After", after));
        command.Parameters.Add(new NpgsqlParameter<int>("Limit", Page));
        var records = new List<StoredRevision>();
        var previousDeadlines = new Dictionary<long, string>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                StoredRevision record;
                try
                {
                    var stored = new StoredRevision(reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetString(4), reader.GetFieldValue<byte[]>(5));
                    record = stored with { Committed = stored.ToRecord() };
                }
                catch (InvalidProtocolBufferException ex)
                {
                    // An IOException: left as it is, it would read as the database failing.
                    throw new DamagedRevisionException(reader.GetInt64(0), ex);
                }

                records.Add(record);
                if (!reader.IsDBNull(6))
                {
                    previousDeadlines[record.Position] = reader.GetString(6);
                }
            }
        }

        if (records.Count > 0)
        {
            broadcaster.Publish(new CommitGroup(records, previousDeadlines));
        }

        return records.Count;
    }

    public override void Dispose()
    {
        wake.Dispose();
        base.Dispose();
    }
}

/// <summary>A stored revision whose body cannot be parsed (not a failure of the database, which answered).</summary>
internal sealed class DamagedRevisionException(long position, Exception inner)
    : Exception($"the revision at position {position} cannot be read: its stored body is damaged", inner)
{
    public long Position { get; } = position;
}
