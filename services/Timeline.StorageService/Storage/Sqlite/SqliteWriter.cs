using System.Diagnostics;
using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Timeline.Domain.Validation;
using Timeline.V1;

namespace Timeline.StorageService.Storage.Sqlite;

/// <summary>
/// The single writer of the SQLite log, with group commit: appends queue up while a commit is
/// running, then the next transaction takes all of them and one fsync acknowledges them all (a
/// refused batch is dropped before anything is written, so it never takes the others down). A
/// caller is answered only after the transaction that holds its batch has committed.
/// </summary>
internal sealed class SqliteWriter(
    SqliteDatabase database,
    LogBroadcaster broadcaster,
    TimeProvider time,
    StorageMetrics metrics,
    IHostApplicationLifetime lifetime,
    IOptions<StorageOptions> options,
    ILogger<SqliteWriter> logger) : IHostedService
{
    private readonly AppendQueue queue = new(options.Value.MaxBatchesPerCommit);
    private SqliteConnection? connection;
    private SqliteWriterStatements? statements;
    private Task? loop;
    private long lastRecordedAt;
    private LogPosition head;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        connection = database.OpenWriter();
        statements = new SqliteWriterStatements(connection);
        lastRecordedAt = connection.ExecuteScalar<long?>(SqliteSql.LastRecordedAt) ?? 0;
        // The last position: the writer hands out the next ones itself, as the only writer of the file.
        head = new LogPosition(connection.ExecuteScalar<long>(SqliteSql.Head));
        broadcaster.Initialize(head.Value);
        // Its own thread: a commit blocks in SQLite (and in fsync) for milliseconds, and on a
        // thread-pool thread that is one of the two threads this 2-core machine starts with,
        // taken from the requests the commit is waiting for (S2 measured 6.5 ms per commit).
        loop = Task.Factory.StartNew(Run, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        // Open streams would hold the server's shutdown until its timeout: end them as soon as it begins.
        lifetime.ApplicationStopping.Register(() => broadcaster.CompleteAll(GroupCommit.ShuttingDown()));
        return Task.CompletedTask;
    }

    /// <summary>
    /// Stops taking appends, finishes the ones already queued, closes the file cleanly. Never
    /// throws past what it could not do: a checkpoint that fails (a full disk) is logged, the file
    /// is still closed and its lock released, and the failure is rethrown last so the process's
    /// exit code says the close was not clean (everything acknowledged is in the WAL file anyway).
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        queue.Complete();
        Exception? failure = null;
        if (loop is not null)
        {
            try
            {
                await loop.WaitAsync(cancellationToken);
            }
            catch (Exception ex)
            {
                // The host's shutdown timeout ran out first: the appends still queued are not answered.
                failure = ex;
            }
        }

        broadcaster.CompleteAll(GroupCommit.ShuttingDown());
        if (connection is not null && failure is null)
        {
            var head = broadcaster.Head;
            try
            {
                statements?.Dispose();
                connection.Execute("PRAGMA wal_checkpoint(TRUNCATE)");
            }
            catch (Exception ex)
            {
                failure = ex;
            }

            try
            {
                await connection.DisposeAsync();
            }
            catch (Exception ex)
            {
                failure ??= ex;
            }

            if (failure is null)
            {
                StorageLog.DatabaseClosed(logger, head);
            }
        }

        database.Close();
        if (failure is not null)
        {
            StorageLog.CloseFailed(logger, failure, database.Path);
            throw new InvalidOperationException($"the event log {database.Path} was not closed cleanly ({failure.Message.TrimEnd('.')}); every acknowledged commit is in its WAL file, which the next start recovers", failure);
        }
    }

    /// <summary>Queues a validated batch and completes when it is durably committed (or refused).</summary>
    public Task<IReadOnlyList<AppendedEvent>> AppendAsync(IReadOnlyList<NewEvent> events, string recordedBy) => queue.Enqueue(events, recordedBy);

    private void Run()
    {
        var group = new List<PendingAppend>();
        while (queue.WaitForGroup(group))
        {
            CommitGroup(group);
        }
    }

    private void CommitGroup(List<PendingAppend> group)
    {
        using var activity = GroupCommit.StartActivity(group);
        if (database.RefuseWrites() is { } refusal)
        {
            // A damaged file, or one no longer at its path: nothing more is written to it.
            activity?.SetStatus(ActivityStatusCode.Error, refusal.Message);
            PendingAppend.FailAll(group, refusal);
            return;
        }

        GroupPlan plan;
        try
        {
            plan = Apply(group);
        }
        catch (Exception ex) when (ex is not ProblemException)
        {
            // The file could not commit (or this service failed): refuse the group and keep the
            // writer's thread running, so no later append waits forever. Health says so until a
            // commit succeeds; a damaged page stops writes for good.
            StorageLog.GroupCommitFailed(logger, ex, group.Count);
            database.CommitFailed(ex);
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            PendingAppend.FailAll(group, GroupCommit.WriteFailed());
            return;
        }

        if (plan.Revisions.Count > 0)
        {
            database.CommitSucceeded();
        }

        activity?.SetTag("timeline.storage.revisions", plan.Committed.Count);
        broadcaster.Publish(new CommitGroup(plan.Committed, plan.PreviousDeadlines));
        metrics.Committed(group.Count, plan.Committed.Count);
        StorageLog.GroupCommitted(logger, group.Count, plan.Committed.Count, broadcaster.Head);
        GroupCommit.Answer(plan.Outcomes);
    }

    /// <summary>
    /// Runs the group in one transaction: one read of the latest revision of every event it
    /// touches, the decisions in memory (<see cref="GroupPlan"/>: a refused batch is dropped
    /// there alone, so nothing of it is written), one statement per table, the commit.
    /// </summary>
    private GroupPlan Apply(List<PendingAppend> group)
    {
        using var transaction = connection!.BeginTransaction();
        statements!.Enlist(transaction);
        var now = Math.Max(lastRecordedAt, RecordTime.ToMicros(time.GetUtcNow()));
        var plan = GroupPlan.Decide(group, statements.Latest(GroupPlan.EventIds(group)), head, now);
        if (plan.Revisions.Count == 0)
        {
            // Only no-ops and refusals: nothing to write or to wait for.
            transaction.Rollback();
            return plan;
        }

        statements.Write(plan, now);
        transaction.Commit();
        lastRecordedAt = now;
        head = plan.Head;
        return plan;
    }
}
