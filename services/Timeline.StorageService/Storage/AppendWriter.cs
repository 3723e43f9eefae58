using System.Diagnostics;
using System.Threading.Channels;
using Dapper;
using Google.Protobuf;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Timeline.Domain.Dates;
using Timeline.Domain.Validation;
using Timeline.Storage.V1;
using Timeline.V1;

namespace Timeline.StorageService.Storage;

/// <summary>
/// The single writer of the log, with group commit: appends queue up while a commit is running,
/// then the next transaction takes all of them (each batch inside its own savepoint, so one
/// refused batch never takes the others down) and one fsync acknowledges them all. A caller is
/// answered only after the transaction that holds its batch has committed.
/// </summary>
internal sealed class AppendWriter(
    Database database,
    LogBroadcaster broadcaster,
    TimeProvider time,
    StorageMetrics metrics,
    IHostApplicationLifetime lifetime,
    IOptions<StorageOptions> options,
    ILogger<AppendWriter> logger) : IHostedService
{
    private readonly Channel<PendingAppend> queue = Channel.CreateUnbounded<PendingAppend>(new UnboundedChannelOptions { SingleReader = true });
    private SqliteConnection? connection;
    private WriterStatements? statements;
    private Task? loop;
    private long lastRecordedAt;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        connection = database.OpenWriter();
        statements = new WriterStatements(connection);
        lastRecordedAt = connection.ExecuteScalar<long?>("SELECT MAX(recorded_at) FROM revisions") ?? 0;
        broadcaster.Initialize(connection.ExecuteScalar<long>(Sql.Head));
        // Its own thread: a commit blocks in SQLite (and in fsync) for milliseconds, and on a
        // thread-pool thread that is one of the two threads this 2-core machine starts with,
        // taken from the requests the commit is waiting for (S2 measured 6.5 ms per commit).
        loop = Task.Factory.StartNew(Run, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        // Open streams would hold the server's shutdown until its timeout: end them as soon as it begins.
        lifetime.ApplicationStopping.Register(() => broadcaster.CompleteAll(ShuttingDown()));
        return Task.CompletedTask;
    }

    /// <summary>Stops taking appends, finishes the ones already queued, closes the file cleanly.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        queue.Writer.TryComplete();
        if (loop is not null)
        {
            await loop.WaitAsync(cancellationToken);
        }

        broadcaster.CompleteAll(ShuttingDown());
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

    private static ProblemException ShuttingDown() =>
        new(ProblemKind.Unavailable, "SHUTTING_DOWN", "the storage service is shutting down; resume from your last position");

    /// <summary>Queues a validated batch and completes when it is durably committed (or refused).</summary>
    public Task<IReadOnlyList<AppendResult>> AppendAsync(IReadOnlyList<NewEvent> events, string recordedBy)
    {
        var pending = new PendingAppend(events, recordedBy);
        if (!queue.Writer.TryWrite(pending))
        {
            throw new ProblemException(ProblemKind.Unavailable, "SHUTTING_DOWN", "the storage service is shutting down; retry against its next start");
        }

        return pending.Completion.Task;
    }

    private void Run()
    {
        var group = new List<PendingAppend>();
        while (queue.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            group.Clear();
            while (group.Count < options.Value.MaxBatchesPerCommit && queue.Reader.TryRead(out var pending))
            {
                group.Add(pending);
            }

            CommitGroup(group);
        }
    }

    private void CommitGroup(List<PendingAppend> group)
    {
        // One commit serves many calls: its span links to each caller's span instead of having one parent.
        using var activity = StorageMetrics.Activities.StartActivity(
            ActivityKind.Internal, parentContext: default, links: group.Where(p => p.Caller != default).Select(p => new ActivityLink(p.Caller)), name: "timeline.storage.commit");
        activity?.SetTag("timeline.storage.batches", group.Count);
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
        catch (Exception ex) when (ex is SqliteException or InvalidOperationException or IOException)
        {
            StorageLog.GroupCommitFailed(logger, ex, group.Count);
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            var failure = new ProblemException(ProblemKind.Unavailable, "STORAGE_WRITE_FAILED", "the event log could not commit; nothing of this request was stored, retry it");
            foreach (var pending in group)
            {
                pending.Completion.TrySetException(failure);
            }

            return;
        }

        var (committed, previousDeadlines, outcomes) = applied;
        activity?.SetTag("timeline.storage.revisions", committed.Count);
        broadcaster.Publish(new CommitGroup(committed, previousDeadlines));
        metrics.Committed(group.Count, committed.Count);
        StorageLog.GroupCommitted(logger, group.Count, committed.Count, broadcaster.Head);
        foreach (var (pending, results, error) in outcomes)
        {
            if (error is not null)
            {
                pending.Completion.TrySetException(error);
            }
            else
            {
                pending.Completion.TrySetResult(results!);
            }
        }
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
        var outcomes = new List<(PendingAppend Pending, IReadOnlyList<AppendResult>? Results, Exception? Error)>(group.Count);
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

                outcomes.Add((group[i], results, null));
            }
            catch (ProblemException problem) when (isolate || group.Count == 1)
            {
                if (!isolate)
                {
                    transaction.Rollback();
                    return new Applied([], [], [(group[i], null, problem)]);
                }

                transaction.Rollback(savepoint);
                transaction.Release(savepoint);

                // The positions of the undone rows are handed out again: forget what was noted for them.
                foreach (var undone in committed.Skip(mark))
                {
                    previousDeadlines.Remove(undone.Position);
                }

                committed.RemoveRange(mark, committed.Count - mark);
                outcomes.Add((group[i], null, problem));
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

    private sealed record Applied(
        List<EventRecord> Committed,
        Dictionary<long, string> PreviousDeadlines,
        List<(PendingAppend Pending, IReadOnlyList<AppendResult>? Results, Exception? Error)> Outcomes);

    private List<AppendResult> ApplyBatch(PendingAppend batch, long recordedAt, List<EventRecord> committed, Dictionary<long, string> previousDeadlines)
    {
        var events = batch.Events;
        var sql = statements!;
        var results = new List<AppendResult>(events.Count);
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            var latest = sql.Latest(e.EventId);
            var currentRevision = latest?.Revision ?? 0;
            if (e.HasExpectedRevision && e.ExpectedRevision != currentRevision)
            {
                throw new ProblemException(
                    ProblemKind.FailedPrecondition,
                    "REVISION_MISMATCH",
                    $"events[{i}].expected_revision: expected revision {e.ExpectedRevision} of '{e.EventId}', but it is at {currentRevision}; nothing was stored",
                    [new FieldViolation($"events[{i}].expected_revision", $"expected {e.ExpectedRevision}, current is {currentRevision}")]);
            }

            var prepared = batch.Prepared[i] ?? Prepared.Of(Tombstone(e, latest, i));
            if (latest is not null && prepared.Body.AsSpan().SequenceEqual(latest.Body))
            {
                results.Add(new AppendResult { EventId = e.EventId, Revision = latest.Revision, Position = latest.Position, NoOp = true });
                continue;
            }

            var content = prepared.Content;
            var row = new NewRevision(
                e.EventId,
                currentRevision + 1,
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
            // The body is already serialized: the content itself becomes the published record.
            var record = content;
            record.EventId = e.EventId;
            record.Revision = row.Revision;
            record.Position = position;
            record.RecordedAt = RecordTime.ToTimestamp(recordedAt);
            record.RecordedBy = batch.RecordedBy;
            committed.Add(record);
            if (latest?.DeadlineId is { } previousDeadline)
            {
                previousDeadlines[position] = previousDeadline;
            }
            results.Add(new AppendResult { EventId = e.EventId, Revision = row.Revision, Position = position });
        }

        return results;
    }

    /// <summary>A bare retraction (no date given) stores the latest revision's content, marked retracted.</summary>
    private static EventRecord Tombstone(NewEvent e, LatestRow? latest, int index)
    {
        if (latest is null)
        {
            throw new ProblemException(ProblemKind.NotFound, "EVENT_NOT_FOUND", $"events[{index}].event_id: no event '{e.EventId}' to retract; nothing was stored",
                [new FieldViolation($"events[{index}].event_id", "no such event to retract")]);
        }

        var content = EventRecord.Parser.ParseFrom(latest.Body);
        content.Retracted = true;
        return content;
    }

    /// <summary>
    /// An event's content, serialized body and day bounds, worked out on the caller's thread
    /// before it queues, so the single writer spends its time on SQL; null for a bare retraction,
    /// whose content is the latest revision's and only the writer can read that.
    /// </summary>
    private sealed record Prepared(EventRecord Content, byte[] Body, int Earliest, int Latest)
    {
        public static Prepared? For(NewEvent e) => e.Retracted && e.Occurred is null ? null : Of(RevisionBody.FromNewEvent(e));

        public static Prepared Of(EventRecord content) => new(
            content,
            RevisionBody.Serialize(content),
            FuzzyDateProto.ParseDay(content.Occurred.Earliest).DayNumber,
            FuzzyDateProto.ParseDay(content.Occurred.Latest).DayNumber);
    }

    private sealed class PendingAppend(IReadOnlyList<NewEvent> events, string recordedBy)
    {
        public IReadOnlyList<NewEvent> Events { get; } = events;

        public Prepared?[] Prepared { get; } = [.. events.Select(AppendWriter.Prepared.For)];

        public string RecordedBy { get; } = recordedBy;

        /// <summary>The appending call's span, if traced, for the commit's link.</summary>
        public ActivityContext Caller { get; } = Activity.Current?.Context ?? default;

        public TaskCompletionSource<IReadOnlyList<AppendResult>> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
