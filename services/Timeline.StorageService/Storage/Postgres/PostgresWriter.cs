using System.Data;
using System.Diagnostics;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Timeline.Domain.Validation;
using Timeline.V1;

namespace Timeline.StorageService.Storage.Postgres;

/// <summary>
/// This instance's writer of the shared log, with group commit: appends queue up while a
/// transaction runs, and the next one takes every waiting batch. Each transaction locks the
/// position counter first (<see cref="PostgresSql.LockHead"/>), reads the latest revision of every
/// event it touches, decides each batch with <see cref="AppendRules"/> in memory (a refused batch
/// is dropped there alone, so nothing of it reaches the database), writes the new revisions with
/// one array statement per table, and advances the counter last. Writers on other instances wait
/// for the counter's lock, so positions are gap-free and in commit order (docs/adr/0005).
/// A serialization failure or deadlock runs the whole transaction again; a connection lost before
/// the commit was sent is tried again on a fresh connection; one lost during the commit answers
/// UNAVAILABLE (the outcome is unknown, and a retry is safe: appends are content-idempotent).
/// </summary>
internal sealed class PostgresWriter(
    PostgresDatabase database,
    LogBroadcaster broadcaster,
    PostgresTail tail,
    TimeProvider time,
    StorageMetrics metrics,
    IHostApplicationLifetime lifetime,
    IOptions<StorageOptions> options,
    IOptions<PostgresStorageOptions> postgres,
    ILogger<PostgresWriter> logger) : IHostedService
{
    private readonly AppendQueue queue = new(options.Value.MaxBatchesPerCommit);
    private Task? loop;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var head = await database.MigrateAsync(cancellationToken);
        broadcaster.Initialize(head.Value);
        loop = Task.Run(RunAsync, CancellationToken.None);

        // Open streams would hold the server's shutdown until its timeout: end them as soon as it begins.
        lifetime.ApplicationStopping.Register(() => broadcaster.CompleteAll(GroupCommit.ShuttingDown()));
    }

    /// <summary>Stops taking appends and finishes the ones already queued.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        queue.Complete();
        if (loop is not null)
        {
            await loop.WaitAsync(cancellationToken);
        }

        broadcaster.CompleteAll(GroupCommit.ShuttingDown());
        StorageLog.DatabaseClosed(logger, broadcaster.Head);
    }

    /// <summary>Queues a validated batch and completes when it is durably committed (or refused).</summary>
    public Task<IReadOnlyList<AppendedEvent>> AppendAsync(IReadOnlyList<NewEvent> events, string recordedBy) => queue.Enqueue(events, recordedBy);

    private async Task RunAsync()
    {
        var group = new List<PendingAppend>();
        while (await queue.WaitForGroupAsync(group))
        {
            await CommitGroupAsync(group);
        }
    }

    private async Task CommitGroupAsync(List<PendingAppend> group)
    {
        using var activity = GroupCommit.StartActivity(group);
        var attempts = postgres.Value.MaxTransactionAttempts;
        var reconnected = false;
        GroupPlan applied;
        for (var attempt = 1; ; attempt++)
        {
            var stage = new Stage();
            try
            {
                applied = await ApplyAsync(group, stage);
                database.Succeeded();
                break;
            }
            catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected)
            {
                if (attempt >= attempts)
                {
                    // The database answers, so health stays as it is; this group alone is refused.
                    activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
                    StorageLog.GroupCommitFailed(logger, ex, group.Count);
                    PendingAppend.FailAll(group, new ProblemException(ProblemKind.Unavailable, "STORAGE_CONTENDED",
                        $"the event log's transaction conflicted with others {attempts} times; nothing of this request was stored, retry it"));
                    return;
                }

                // Nothing of the transaction was committed: run all of it again, after a short random pause.
                StorageLog.TransactionRetried(logger, ex.SqlState, attempt);
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 5 * attempt)), time);
            }
            catch (Exception ex) when (PostgresDatabase.IsDatabaseFailure(ex))
            {
                var refusal = database.Failed(ex);
                if (!stage.Committing && !reconnected && PostgresDatabase.IsConnectionFailure(ex))
                {
                    // The commit was never sent: nothing was stored. Once more on a fresh connection
                    // (a pooled one may be dead after a server restart); not more, so that an
                    // unreachable server answers within one connect timeout, not several.
                    reconnected = true;
                    continue;
                }

                activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
                StorageLog.GroupCommitFailed(logger, ex, group.Count);
                PendingAppend.FailAll(group, stage.Committing ? CommitOutcomeUnknown() : refusal);
                return;
            }
            catch (Exception ex) when (ex is not ProblemException)
            {
                // Anything else is a fault of this service, not of the request: refuse the group and
                // keep the writer running, so no later append waits forever.
                activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
                StorageLog.GroupCommitFailed(logger, ex, group.Count);
                PendingAppend.FailAll(group, GroupCommit.WriteFailed());
                return;
            }
        }

        var committed = applied.Committed;
        activity?.SetTag("timeline.storage.revisions", committed.Count);

        // Published at once when it follows what this instance has delivered; when another instance
        // committed the positions before it, the tail reads them (and this group) in order instead.
        if (!broadcaster.TryPublishNext(new CommitGroup(committed, applied.PreviousDeadlines)))
        {
            tail.Wake();
        }

        metrics.Committed(group.Count, committed.Count);
        StorageLog.GroupCommitted(logger, group.Count, committed.Count, committed.Count > 0 ? committed[^1].Position : broadcaster.Head);
        GroupCommit.Answer(applied.Outcomes);
    }

    private static ProblemException CommitOutcomeUnknown() =>
        new(ProblemKind.Unavailable, "COMMIT_OUTCOME_UNKNOWN",
            "the connection to the event log's database was lost while committing, so this request may or may not be stored: send it again (an identical append is a no-op)");

    /// <summary>Runs one transaction for the group: lock, read, decide, write, advance, commit.</summary>
    private async Task<GroupPlan> ApplyAsync(List<PendingAppend> group, Stage stage)
    {
        var connection = await database.DataSource.OpenConnectionAsync();
        NpgsqlTransaction? transaction = null;
        try
        {
            transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted);
            return await ApplyAsync(group, stage, connection, transaction);
        }
        finally
        {
            // A commit left waiting for the synchronous standby disposes of them when it ends (CommitAsync).
            if (!stage.CommitLeftRunning)
            {
                if (transaction is not null)
                {
                    await transaction.DisposeAsync();
                }

                await connection.DisposeAsync();
            }
        }
    }

    private async Task<GroupPlan> ApplyAsync(List<PendingAppend> group, Stage stage, NpgsqlConnection connection, NpgsqlTransaction transaction)
    {

        // One round trip: the counter's lock first, then (holding it) every latest revision the group touches.
        long head, headRecordedAt;
        var stored = new Dictionary<string, LatestRevision>(StringComparer.Ordinal);
        await using (var read = new NpgsqlBatch(connection, transaction))
        {
            read.BatchCommands.Add(new NpgsqlBatchCommand(PostgresSql.LockHead));
            var latest = new NpgsqlBatchCommand(PostgresSql.Latest);
            latest.Parameters.Add(new NpgsqlParameter<string[]>("EventIds", GroupPlan.EventIds(group)));
            read.BatchCommands.Add(latest);
            await using var reader = await read.ExecuteReaderAsync();
            await reader.ReadAsync();
            (head, headRecordedAt) = (reader.GetInt64(0), reader.GetInt64(1));
            await reader.NextResultAsync();
            while (await reader.ReadAsync())
            {
                stored[reader.GetString(0)] = new LatestRevision(
                    new LogPosition(reader.GetInt64(1)),
                    new EventRevision(reader.GetInt64(2)),
                    reader.GetBoolean(3),
                    reader.GetFieldValue<byte[]>(4),
                    reader.IsDBNull(5) ? null : reader.GetString(5),
                    reader.GetInt64(6),
                    reader.GetString(7));
            }
        }

        // recorded_at never decreases with position, whichever instance wrote the previous one.
        var recordedAt = Math.Max(headRecordedAt, RecordTime.ToMicros(time.GetUtcNow()));
        var plan = GroupPlan.Decide(group, stored, new LogPosition(head), recordedAt);
        if (plan.Revisions.Count > 0)
        {
            await using var write = Rows.Batch(plan, connection, transaction, recordedAt);
            await write.ExecuteNonQueryAsync();
        }

        stage.Committing = true;
        await CommitAsync(connection, transaction, stage);
        return plan;
    }

    /// <summary>
    /// Commits without ever cancelling the commit. With a synchronous standby (docs/SCALING.md) the
    /// server flushes the commit locally and then waits for the standby; a cancel during that wait
    /// (what Npgsql sends when a command times out) ends the wait with only a WARNING and the commit
    /// done on this server alone, visible to every reader there, and lost if the standby is promoted.
    /// So the commit has no command timeout of its own: after the connection's
    /// <c>Command Timeout</c> it is left to end by itself on its connection (an HA manager demotes or
    /// stops a primary cut off from its standby) and this throws <see cref="TimeoutException"/>, so
    /// the group is UNAVAILABLE with its outcome unknown. A commit that comes back with a WARNING (its
    /// wait ended by someone else: a cancel, a shutdown) is not acknowledged either.
    /// </summary>
    private static async Task CommitAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Stage stage)
    {
        var warned = false;
        void OnNotice(object? sender, NpgsqlNoticeEventArgs e) => warned |= e.Notice.InvariantSeverity == "WARNING";
        var limit = connection.CommandTimeout;
        connection.Notice += OnNotice;
        var commit = Task.Run(async () =>
        {
            await using var command = new NpgsqlCommand("COMMIT", connection, transaction) { CommandTimeout = 0 };
            await command.ExecuteNonQueryAsync();
        });
        if (limit > 0 && await Task.WhenAny(commit, Task.Delay(TimeSpan.FromSeconds(limit))) != commit)
        {
            stage.CommitLeftRunning = true;
            _ = commit.ContinueWith(
                async _ =>
                {
                    await transaction.DisposeAsync();
                    await connection.DisposeAsync();
                },
                CancellationToken.None,
                TaskContinuationOptions.None,
                TaskScheduler.Default);
            throw new TimeoutException($"the commit did not end within the command timeout ({limit} s); it was left to end by itself, not cancelled");
        }

        await commit;
        connection.Notice -= OnNotice;
        if (warned)
        {
            throw new NpgsqlException("the commit ended with a warning (its wait for the synchronous standby was cancelled): it may be on this server only");
        }
    }

    /// <summary>How far a transaction got: once its commit is sent, a lost connection leaves its outcome unknown.</summary>
    private sealed class Stage
    {
        public bool Committing { get; set; }

        /// <summary>The commit outlived the command timeout and still owns the connection.</summary>
        public bool CommitLeftRunning { get; set; }
    }

    /// <summary>The new revisions of one transaction as columns, for the array statements.</summary>
    private static class Rows
    {
        /// <summary>
        /// Every new revision, its tags and actors (in key order), each event's new latest revision
        /// (inserted when the view has no row for the event yet, updated when it has: the writer
        /// read which, so only updates pay for a conflict check), then the counter: one round trip.
        /// </summary>
        public static NpgsqlBatch Batch(GroupPlan plan, NpgsqlConnection connection, NpgsqlTransaction transaction, long recordedAt)
        {
            var revisions = plan.Revisions;
            var batch = new NpgsqlBatch(connection, transaction);
            batch.BatchCommands.Add(Command(
                PostgresSql.InsertRevisions,
                Array("Positions", revisions, r => r.Position.Value), Array("EventIds", revisions, r => r.EventId),
                Array("Revisions", revisions, r => r.Revision.Value), Array("RecordedBy", revisions, r => r.RecordedBy),
                Array("Earliest", revisions, r => r.Content.Earliest), Array("Latest", revisions, r => r.Content.Latest),
                Array("Kinds", revisions, r => r.Record.Kind), Array("Countries", revisions, r => r.Country),
                DeadlineIds(revisions), Array("Retracted", revisions, r => r.Record.Retracted), Array("Bodies", revisions, r => r.Content.Body),
                new NpgsqlParameter<long>("RecordedAt", recordedAt)));
            KeyRows(batch, PostgresSql.InsertTags, "Tags", plan.TagRows());
            KeyRows(batch, PostgresSql.InsertActors, "Actors", plan.ActorRows());
            var current = plan.CurrentRows().ToList();
            CurrentRows(batch, PostgresSql.InsertCurrent, [.. current.Where(c => !c.InView).Select(c => c.Revision)]);
            CurrentRows(batch, PostgresSql.UpsertCurrent, [.. current.Where(c => c.InView).Select(c => c.Revision)]);
            batch.BatchCommands.Add(Command(PostgresSql.AdvanceHead, new NpgsqlParameter<long>("Position", plan.Head.Value), new NpgsqlParameter<long>("RecordedAt", recordedAt)));
            return batch;
        }

        private static void KeyRows(NpgsqlBatch batch, string sql, string name, List<(string Value, long Position)> rows)
        {
            if (rows.Count > 0)
            {
                batch.BatchCommands.Add(Command(sql, Array(name, rows, r => r.Value), Array("Positions", rows, r => r.Position)));
            }
        }

        private static void CurrentRows(NpgsqlBatch batch, string sql, List<PlannedRevision> rows)
        {
            if (rows.Count == 0)
            {
                return;
            }

            batch.BatchCommands.Add(Command(
                sql,
                Array("EventIds", rows, r => r.EventId), Array("Positions", rows, r => r.Position.Value), Array("Revisions", rows, r => r.Revision.Value),
                Array("SpanClasses", rows, r => (short)r.Content.SpanClass), Array("Earliest", rows, r => r.Content.Earliest), Array("Latest", rows, r => r.Content.Latest),
                Array("Kinds", rows, r => r.Record.Kind), Array("Countries", rows, r => r.Country),
                DeadlineIds(rows), Array("Retracted", rows, r => r.Record.Retracted)));
        }

        private static NpgsqlParameter DeadlineIds(List<PlannedRevision> rows) =>
            new("DeadlineIds", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = rows.Select(r => r.DeadlineId).ToArray() };

        private static NpgsqlParameter<T[]> Array<TRow, T>(string name, List<TRow> rows, Func<TRow, T> value) => new(name, [.. rows.Select(value)]);

        private static NpgsqlBatchCommand Command(string sql, params NpgsqlParameter[] parameters)
        {
            var command = new NpgsqlBatchCommand(sql);
            command.Parameters.AddRange(parameters);
            return command;
        }
    }
}
