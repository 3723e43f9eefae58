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
        var attempts = options.Value.MaxTransactionAttempts;
        var reconnected = false;
        Applied applied;
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

        var (committed, previousDeadlines, outcomes) = applied;
        activity?.SetTag("timeline.storage.revisions", committed.Count);

        // Published at once when it follows what this instance has delivered; when another instance
        // committed the positions before it, the tail reads them (and this group) in order instead.
        if (!broadcaster.TryPublishNext(new CommitGroup(committed, previousDeadlines)))
        {
            tail.Wake();
        }

        metrics.Committed(group.Count, committed.Count);
        StorageLog.GroupCommitted(logger, group.Count, committed.Count, committed.Count > 0 ? committed[^1].Position : broadcaster.Head);
        GroupCommit.Answer(outcomes);
    }

    private static ProblemException CommitOutcomeUnknown() =>
        new(ProblemKind.Unavailable, "COMMIT_OUTCOME_UNKNOWN",
            "the connection to the event log's database was lost while committing, so this request may or may not be stored: send it again (an identical append is a no-op)");

    /// <summary>Runs one transaction for the group: lock, read, decide, write, advance, commit.</summary>
    private async Task<Applied> ApplyAsync(List<PendingAppend> group, Stage stage)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted);

        // One round trip: the counter's lock first, then (holding it) every latest revision the group touches.
        long head, headRecordedAt;
        var stored = new Dictionary<string, LatestRevision>(StringComparer.Ordinal);
        await using (var read = new NpgsqlBatch(connection, transaction))
        {
            read.BatchCommands.Add(new NpgsqlBatchCommand(PostgresSql.LockHead));
            var latest = new NpgsqlBatchCommand(PostgresSql.Latest);
            latest.Parameters.Add(new NpgsqlParameter<string[]>("EventIds", [.. group.SelectMany(p => p.Events).Select(e => e.EventId).Distinct(StringComparer.Ordinal)]));
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
                    reader.IsDBNull(5) ? null : reader.GetString(5));
            }
        }

        // recorded_at never decreases with position, whichever instance wrote the previous one.
        var recordedAt = Math.Max(headRecordedAt, RecordTime.ToMicros(time.GetUtcNow()));
        var rows = new Rows();
        var committed = new List<EventRecord>();
        var previousDeadlines = new Dictionary<long, string>();
        var outcomes = new List<BatchOutcome>(group.Count);
        var next = new LogPosition(head + 1);
        foreach (var pending in group)
        {
            // The batch's changes are staged apart, so a refusal drops exactly this batch.
            var staged = new Dictionary<string, LatestRevision>(StringComparer.Ordinal);
            var batchRows = new List<(NewEvent Event, AppendDecision Decision, LogPosition Position, LatestRevision? Previous)>();
            var results = new List<AppendedEvent>(pending.Events.Count);
            try
            {
                for (var i = 0; i < pending.Events.Count; i++)
                {
                    var e = pending.Events[i];
                    var latest = staged.GetValueOrDefault(e.EventId) ?? stored.GetValueOrDefault(e.EventId);
                    var decision = AppendRules.Decide(e, i, pending.Prepared[i], latest);
                    if (decision.Existing is { } existing)
                    {
                        results.Add(new AppendedEvent(e.EventId, existing.Revision, existing.Position, NoOp: true));
                        continue;
                    }

                    var position = new LogPosition(next.Value + batchRows.Count);
                    var content = decision.Content.Content;
                    staged[e.EventId] = new LatestRevision(position, decision.Revision, content.Retracted, decision.Content.Body, content.Deadline?.DeadlineId);
                    batchRows.Add((e, decision, position, latest));
                    results.Add(new AppendedEvent(e.EventId, decision.Revision, position, NoOp: false));
                }
            }
            catch (ProblemException problem)
            {
                outcomes.Add(new BatchOutcome(pending, null, problem));
                continue;
            }

            foreach (var (eventId, latest) in staged)
            {
                stored[eventId] = latest;
            }

            foreach (var (e, decision, position, previous) in batchRows)
            {
                rows.Add(e.EventId, decision, position, pending.RecordedBy);
                committed.Add(AppendRules.Committed(decision.Content, e.EventId, decision.Revision, position, recordedAt, pending.RecordedBy));
                if (previous?.DeadlineId is { } previousDeadline)
                {
                    previousDeadlines[position.Value] = previousDeadline;
                }
            }

            next = new LogPosition(next.Value + batchRows.Count);
            outcomes.Add(new BatchOutcome(pending, results, null));
        }

        if (rows.Count > 0)
        {
            await using var write = rows.Batch(connection, transaction, recordedAt);
            await write.ExecuteNonQueryAsync();
        }

        stage.Committing = true;
        await transaction.CommitAsync();
        return new Applied(committed, previousDeadlines, outcomes);
    }

    private sealed record Applied(List<EventRecord> Committed, Dictionary<long, string> PreviousDeadlines, List<BatchOutcome> Outcomes);

    /// <summary>How far a transaction got: once its commit is sent, a lost connection leaves its outcome unknown.</summary>
    private sealed class Stage
    {
        public bool Committing { get; set; }
    }

    /// <summary>The new revisions of one transaction as columns, for the array statements.</summary>
    private sealed class Rows
    {
        private readonly List<long> positions = [];
        private readonly List<string> eventIds = [];
        private readonly List<long> revisions = [];
        private readonly List<string> recordedBy = [];
        private readonly List<int> earliest = [];
        private readonly List<int> latest = [];
        private readonly List<short> spanClasses = [];
        private readonly List<string> kinds = [];
        private readonly List<string> countries = [];
        private readonly List<string?> deadlineIds = [];
        private readonly List<bool> retracted = [];
        private readonly List<byte[]> bodies = [];
        private readonly List<string> tags = [];
        private readonly List<long> tagPositions = [];
        private readonly List<string> actors = [];
        private readonly List<long> actorPositions = [];
        private readonly Dictionary<string, int> lastOfEvent = new(StringComparer.Ordinal);

        public int Count => positions.Count;

        public void Add(string eventId, AppendDecision decision, LogPosition position, string by)
        {
            var prepared = decision.Content;
            var content = prepared.Content;
            lastOfEvent[eventId] = positions.Count;
            positions.Add(position.Value);
            eventIds.Add(eventId);
            revisions.Add(decision.Revision.Value);
            recordedBy.Add(by);
            earliest.Add(prepared.Earliest);
            latest.Add(prepared.Latest);
            spanClasses.Add((short)prepared.SpanClass);
            kinds.Add(content.Kind);
            countries.Add(content.Location?.Country ?? string.Empty);
            deadlineIds.Add(content.Deadline?.DeadlineId);
            retracted.Add(content.Retracted);
            bodies.Add(prepared.Body);
            foreach (var tag in content.Tags)
            {
                tags.Add(tag);
                tagPositions.Add(position.Value);
            }

            foreach (var actor in content.Actors)
            {
                actors.Add(actor);
                actorPositions.Add(position.Value);
            }
        }

        /// <summary>Every new revision, its tags and actors, each event's new latest revision, then the counter: one round trip.</summary>
        public NpgsqlBatch Batch(NpgsqlConnection connection, NpgsqlTransaction transaction, long recordedAt)
        {
            var batch = new NpgsqlBatch(connection, transaction);
            batch.BatchCommands.Add(Command(
                PostgresSql.InsertRevisions,
                Array("Positions", positions), Array("EventIds", eventIds), Array("Revisions", revisions), Array("RecordedBy", recordedBy),
                Array("Earliest", earliest), Array("Latest", latest), Array("Kinds", kinds), Array("Countries", countries),
                new NpgsqlParameter("DeadlineIds", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = deadlineIds.ToArray() },
                Array("Retracted", retracted), Array("Bodies", bodies), new NpgsqlParameter<long>("RecordedAt", recordedAt)));
            if (tags.Count > 0)
            {
                batch.BatchCommands.Add(Command(PostgresSql.InsertTags, Array("Tags", tags), Array("Positions", tagPositions)));
            }

            if (actors.Count > 0)
            {
                batch.BatchCommands.Add(Command(PostgresSql.InsertActors, Array("Actors", actors), Array("Positions", actorPositions)));
            }

            // ON CONFLICT may touch a row once per statement: the group's last revision of each event only.
            var last = lastOfEvent.Values.Order().ToList();
            batch.BatchCommands.Add(Command(
                PostgresSql.UpsertCurrent,
                Array("EventIds", Pick(eventIds, last)), Array("Positions", Pick(positions, last)), Array("Revisions", Pick(revisions, last)),
                Array("SpanClasses", Pick(spanClasses, last)), Array("Earliest", Pick(earliest, last)), Array("Latest", Pick(latest, last)),
                Array("Kinds", Pick(kinds, last)), Array("Countries", Pick(countries, last)),
                new NpgsqlParameter("DeadlineIds", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = Pick(deadlineIds, last).ToArray() },
                Array("Retracted", Pick(retracted, last))));
            batch.BatchCommands.Add(Command(PostgresSql.AdvanceHead, new NpgsqlParameter<long>("Position", positions[^1]), new NpgsqlParameter<long>("RecordedAt", recordedAt)));
            return batch;
        }

        private static List<T> Pick<T>(List<T> values, List<int> indexes) => [.. indexes.Select(i => values[i])];

        private static NpgsqlParameter<T[]> Array<T>(string name, List<T> values) => new(name, values.ToArray());

        private static NpgsqlBatchCommand Command(string sql, params NpgsqlParameter[] parameters)
        {
            var command = new NpgsqlBatchCommand(sql);
            command.Parameters.AddRange(parameters);
            return command;
        }
    }
}
