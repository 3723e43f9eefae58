using Timeline.Storage.V1;
using Timeline.Tests.Shared;
using Timeline.V1;

namespace Timeline.IntegrationTests.Timeline;

/// <summary>
/// A correction that takes an event off a deadline reaches the timeline service, both when it
/// catches up from storage and when it arrives live: the deadline's status stops counting it.
/// </summary>
public abstract class DeadlineCorrectionTests(StorageBackend backend)
{
    [Fact]
    public async Task A_correction_that_removes_a_deadline_effect_changes_the_status_live_and_after_a_restart()
    {
        await using var system = await TimelineSystem.StartAsync(MaliReport.ReportDay, backend);
        await system.AppendAsync(MaliReport.Events());
        await system.AppendAsync([MaliReport.Met("2023-10-15")]);
        Assert.Equal(DeadlineState.Met, await StateAsync(system));

        using var cts = new CancellationTokenSource(Calls.Timeout);
        using var watch = system.Timeline.WatchDeadlines(new WatchDeadlinesRequest(), cancellationToken: cts.Token);
        while (await watch.ResponseStream.MoveNext(cts.Token) && watch.ResponseStream.Current.CaughtUp is null)
        {
        }

        // The report of completion turns out to be wrong: the same event, without its effect.
        var corrected = MaliReport.Dated("withdrawal-complete", "2023-10-15", "MINUSMA's withdrawal declared complete (report withdrawn)");
        await system.AppendAsync([corrected]);

        Assert.True(await watch.ResponseStream.MoveNext(cts.Token));
        Assert.Equal(DeadlineState.AtRisk, watch.ResponseStream.Current.Status.State);
        Assert.Equal(DeadlineState.AtRisk, await StateAsync(system));

        // A storage subscription that starts after the correction also carries it: the filtered
        // catch-up includes the revision that took the event off the deadline.
        using var subscription = system.Storage.SubscribeEvents(new SubscribeEventsRequest { Filter = new EventFilter { DeadlineEffectsOnly = true } }, cancellationToken: cts.Token);
        var ids = new List<string>();
        while (await subscription.ResponseStream.MoveNext(cts.Token) && subscription.ResponseStream.Current.CaughtUp is null)
        {
            ids.Add($"{subscription.ResponseStream.Current.Event.EventId}#{subscription.ResponseStream.Current.Event.Revision}");
        }

        Assert.Contains("withdrawal-complete#1", ids);
        Assert.Contains("withdrawal-complete#2", ids);
        Assert.DoesNotContain(ids, id => id.StartsWith("coup-2020", StringComparison.Ordinal));
        await cts.CancelAsync();
    }

    private static async Task<DeadlineState> StateAsync(TimelineSystem system)
    {
        var deadlines = await system.Timeline.ListDeadlinesAsync(new ListDeadlinesRequest { AsOf = "2023-10-16" }).ResponseAsync.WaitAsync(Calls.Timeout);
        return Assert.Single(deadlines.Deadlines).State;
    }

    public sealed class Sqlite() : DeadlineCorrectionTests(StorageBackend.Sqlite);

    public sealed class Postgres() : DeadlineCorrectionTests(StorageBackend.Postgres);
}
