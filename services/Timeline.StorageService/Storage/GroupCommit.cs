using System.Diagnostics;
using System.Threading.Channels;
using Timeline.Domain.Validation;
using Timeline.V1;

namespace Timeline.StorageService.Storage;

/// <summary>
/// The queue in front of a backend's writer, for group commit: appends wait here while a commit
/// runs, and the next transaction takes every waiting batch (up to <c>MaxBatchesPerCommit</c>).
/// </summary>
internal sealed class AppendQueue(int maxBatchesPerCommit)
{
    private readonly Channel<PendingAppend> queue = Channel.CreateUnbounded<PendingAppend>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Queues a validated batch; its task completes when it is durably committed (or refused).</summary>
    public Task<IReadOnlyList<AppendedEvent>> Enqueue(IReadOnlyList<NewEvent> events, string recordedBy)
    {
        var pending = new PendingAppend(events, recordedBy);
        if (!queue.Writer.TryWrite(pending))
        {
            throw new ProblemException(ProblemKind.Unavailable, "SHUTTING_DOWN", "the storage service is shutting down; retry against its next start");
        }

        return pending.Completion.Task;
    }

    /// <summary>Takes no more appends; the ones queued are still handed out.</summary>
    public void Complete() => queue.Writer.TryComplete();

    /// <summary>Fills <paramref name="group"/> with the next waiting batches, blocking the calling thread; false once completed and empty.</summary>
    public bool WaitForGroup(List<PendingAppend> group) => WaitForGroupAsync(group).AsTask().GetAwaiter().GetResult();

    /// <summary>Fills <paramref name="group"/> with the next waiting batches; false once completed and empty.</summary>
    public async ValueTask<bool> WaitForGroupAsync(List<PendingAppend> group)
    {
        group.Clear();
        if (!await queue.Reader.WaitToReadAsync())
        {
            return false;
        }

        while (group.Count < maxBatchesPerCommit && queue.Reader.TryRead(out var pending))
        {
            group.Add(pending);
        }

        return true;
    }
}

/// <summary>What every backend's writer does around one group commit: its span, its answers, the outcome of its failure.</summary>
internal static class GroupCommit
{
    /// <summary>One commit serves many calls: its span links to each caller's span instead of having one parent.</summary>
    public static Activity? StartActivity(List<PendingAppend> group)
    {
        var activity = StorageMetrics.Activities.StartActivity(
            ActivityKind.Internal, parentContext: default, links: group.Where(p => p.Caller != default).Select(p => new ActivityLink(p.Caller)), name: "timeline.storage.commit");
        activity?.SetTag("timeline.storage.batches", group.Count);
        return activity;
    }

    /// <summary>Answers each batch of a committed group: its results, or the refusal of that batch alone.</summary>
    public static void Answer(IEnumerable<BatchOutcome> outcomes)
    {
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

    public static ProblemException ShuttingDown() =>
        new(ProblemKind.Unavailable, "SHUTTING_DOWN", "the storage service is shutting down; resume from your last position");

    /// <summary>The database could not commit, and nothing of the group was stored.</summary>
    public static ProblemException WriteFailed() =>
        new(ProblemKind.Unavailable, "STORAGE_WRITE_FAILED", "the event log could not commit; nothing of this request was stored, retry it");
}

/// <summary>One batch of a group commit: stored with these results, or refused alone with this error.</summary>
internal sealed record BatchOutcome(PendingAppend Pending, IReadOnlyList<AppendedEvent>? Results, Exception? Error);
