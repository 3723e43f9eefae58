using System.Diagnostics;
using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Timeline.Domain.Validation;
using Timeline.V1;

namespace Timeline.StorageService.Storage.Sqlite;

/// <summary>
/// The single writer of the SQLite log, with group commit: appends queue up while a commit is
/// running, then the next transaction takes all of them and one fsync acknowledges them all (when
/// one batch is refused, the group runs again with each batch in its own savepoint, so it never
/// takes the others down). A caller is answered only after the transaction that holds its batch
/// has committed.
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

    public Task StartAsync(CancellationToken cancellationToken)
    {
        connection = database.OpenWriter();
        statements = new SqliteWriterStatements(connection);
        lastRecordedAt = connection.ExecuteScalar<long?>(SqliteSql.LastRecordedAt) ?? 0;
        broadcaster.Initialize(connection.ExecuteScalar<long>(SqliteSql.Head));
        // Its own thread: a commit blocks in SQLite (and in fsync) for milliseconds, and on a
        // thread-pool thread that is one of the two threads this 2-core machine starts with,
        // taken from the requests the commit is waiting for (S2 measured 6.5 ms per commit).
        loop = Task.Factory.StartNew(Run, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        // Open streams would hold the server's shutdown until its timeout: end them as soon as it begins.
        lifetime.ApplicationStopping.Register(() => broadcaster.CompleteAll(GroupCommit.ShuttingDown()));
        return Task.CompletedTask;
    }

    /// <summary>Stops taking appends, finishes the ones already queued, closes the file cleanly.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        queue.Complete();
        if (loop is not null)
        {
            await loop.WaitAsync(cancellationToken);
        }

        broadcaster.CompleteAll(GroupCommit.ShuttingDown());
        if (connection is not null)
        {
            var head = broadcaster.Head;
            statements?.Dispose();
            connection.Execute("PRAGMA wal_checkpoint(TRUNCATE)");
            await connection.DisposeAsync();
            database.MarkClosed();
            StorageLog.DatabaseClosed(logger, head);
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
        Applied applied;
        try
        {
            // Optimistically the group in one go; when a batch is refused (rare: validation ran
            // before queueing, so only a revision conflict or a retraction of an unknown event
            // gets here), the group runs again with a savepoint around each batch, so the refused
            // one does not take the others down. A savepoint on every batch would cost every
            // commit: SQLite journals each page a savepoint changes.
            applied = Apply(group, isolate: false) ?? Apply(group, isolate: true)!;
        }
        catch (Exception ex) when (ex is not ProblemException)
        {
            // The file could not commit (or this service failed): refuse the group and keep the
            // writer's thread running, so no later append waits forever.
            StorageLog.GroupCommitFailed(logger, ex, group.Count);
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            PendingAppend.FailAll(group, GroupCommit.WriteFailed());
            return;
        }

        var (committed, previousDeadlines, outcomes) = applied;
        activity?.SetTag("timeline.storage.revisions", committed.Count);
        broadcaster.Publish(new CommitGroup(committed, previousDeadlines));
        metrics.Committed(group.Count, committed.Count);
        StorageLog.GroupCommitted(logger, group.Count, committed.Count, broadcaster.Head);
        GroupCommit.Answer(outcomes);
    }

    /// <summary>
    /// Runs the group in one transaction and commits it. Without <paramref name="isolate"/>, a
    /// refused batch rolls everything back and the answer is null (unless it was the only batch:
    /// then that refusal is the outcome); with it, each batch has its own savepoint.
    /// </summary>
    private Applied? Apply(List<PendingAppend> group, bool isolate)
    {
        var committed = new List<EventRecord>();
        var previousDeadlines = new Dictionary<long, string>();
        var outcomes = new List<BatchOutcome>(group.Count);
        using var transaction = connection!.BeginTransaction();
        statements!.Enlist(transaction);
        var now = Math.Max(lastRecordedAt, RecordTime.ToMicros(time.GetUtcNow()));
        for (var i = 0; i < group.Count; i++)
        {
            var savepoint = $"batch{i}";
            if (isolate)
            {
                transaction.Save(savepoint);
            }

            var mark = committed.Count;
            try
            {
                var results = ApplyBatch(group[i], now, committed, previousDeadlines);
                if (isolate)
                {
                    transaction.Release(savepoint);
                }

                outcomes.Add(new(group[i], results, null));
            }
            catch (ProblemException problem) when (isolate || group.Count == 1)
            {
                if (!isolate)
                {
                    transaction.Rollback();
                    return new Applied([], [], [new(group[i], null, problem)]);
                }

                transaction.Rollback(savepoint);
                transaction.Release(savepoint);

                // The positions of the undone rows are handed out again: forget what was noted for them.
                foreach (var undone in committed.Skip(mark))
                {
                    previousDeadlines.Remove(undone.Position);
                }

                committed.RemoveRange(mark, committed.Count - mark);
                outcomes.Add(new(group[i], null, problem));
            }
            catch (ProblemException)
            {
                transaction.Rollback();
                return null;
            }
        }

        transaction.Commit();
        lastRecordedAt = now;
        return new Applied(committed, previousDeadlines, outcomes);
    }

    private sealed record Applied(List<EventRecord> Committed, Dictionary<long, string> PreviousDeadlines, List<BatchOutcome> Outcomes);

    private List<AppendedEvent> ApplyBatch(PendingAppend batch, long recordedAt, List<EventRecord> committed, Dictionary<long, string> previousDeadlines)
    {
        var events = batch.Events;
        var sql = statements!;
        var results = new List<AppendedEvent>(events.Count);
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            var latest = sql.Latest(e.EventId);
            var decision = AppendRules.Decide(e, i, batch.Prepared[i], latest);
            if (decision.Existing is { } existing)
            {
                results.Add(new AppendedEvent(e.EventId, existing.Revision, existing.Position, NoOp: true));
                continue;
            }

            var prepared = decision.Content;
            var content = prepared.Content;
            var row = new NewRevision(
                e.EventId,
                decision.Revision.Value,
                recordedAt,
                batch.RecordedBy,
                prepared.Earliest,
                prepared.Latest,
                content.Kind,
                content.Location?.Country ?? string.Empty,
                content.Deadline?.DeadlineId,
                content.Retracted,
                prepared.Body);
            var position = sql.InsertRevision(row);
            foreach (var tag in content.Tags)
            {
                sql.InsertTag(tag, position);
            }

            foreach (var actor in content.Actors)
            {
                sql.InsertActor(actor, position);
            }

            sql.UpsertCurrent(row, position);
            committed.Add(AppendRules.Committed(prepared, e.EventId, decision.Revision, new LogPosition(position), recordedAt, batch.RecordedBy));
            if (latest?.DeadlineId is { } previousDeadline)
            {
                previousDeadlines[position] = previousDeadline;
            }

            results.Add(new AppendedEvent(e.EventId, decision.Revision, new LogPosition(position), NoOp: false));
        }

        return results;
    }
}
