using Google.Protobuf;
using Grpc.Core;
using Timeline.Domain.Events;
using Timeline.Domain.Validation;
using Timeline.Storage.V1;
using Timeline.StorageService.Grpc;
using Timeline.StorageService.Storage;
using Timeline.Tests.Shared;
using Timeline.V1;
using static Timeline.StorageService.Tests.Assertions;

namespace Timeline.StorageService.Tests;

/// <summary>
/// SubscribeEvents in batches (issue 29): a subscriber that asks (<c>max_batch_revisions</c>,
/// <c>max_batch_bytes</c>) gets <c>batch</c> messages holding exactly the revisions the
/// one-per-message form sends, in the same order, within its bounds; a resume from any position,
/// inside a batch too, gives the rest with nothing missing or twice; and a live revision's wire form
/// is made once for all its subscribers.
/// </summary>
public abstract class SubscribeInBatchesTests(StorageBackend backend) : IAsyncLifetime
{
    private StorageServer server = null!;

    private EventStoreService.EventStoreServiceClient Client => server.Client;

    public async ValueTask InitializeAsync() => server = await StorageServer.StartAsync(backend, new Dictionary<string, string?> { ["Storage:CheckpointInterval"] = "00:00:00.200" });

    public async ValueTask DisposeAsync() => await server.DisposeAsync();

    [Fact]
    public async Task A_batched_subscriber_gets_exactly_the_revisions_of_the_one_per_message_form_in_the_same_order_caught_up_and_live()
    {
        await AppendVariedAsync(1_234);

        var (single, singleMessages, singleCaughtUp) = await ReadToCaughtUpAsync(new SubscribeEventsRequest());
        var (batched, batches, batchedCaughtUp) = await ReadToCaughtUpAsync(new SubscribeEventsRequest { MaxBatchRevisions = 100 });

        Assert.Equal(singleCaughtUp, batchedCaughtUp);
        Assert.Equal(single.Count, singleMessages.Count(m => m.MessageCase == SubscribeEventsResponse.MessageOneofCase.Event));
        Assert.Equal(Enumerable.Range(1, (int)singleCaughtUp).Select(i => (long)i), single.Select(r => r.Position));
        Assert.Equal(single, batched);
        Assert.All(batches, m => Assert.Equal(SubscribeEventsResponse.MessageOneofCase.Batch, m.MessageCase));
        Assert.All(batches, m => Assert.InRange(m.Batch.Events.Count, 1, 100));
        Assert.True(batches.Count >= single.Count / 100, $"{single.Count} revisions came in {batches.Count} batches of at most 100");

        // Live: what commits after caught_up comes in batches too, the same records GetEvent returns.
        using var cts = new CancellationTokenSource(CallTimeout);
        using var call = Client.SubscribeEvents(new SubscribeEventsRequest { FromPosition = singleCaughtUp, MaxBatchRevisions = 100 }, cancellationToken: cts.Token);
        var live = new List<EventRecord>();
        while (live.Count < 30 && await call.ResponseStream.MoveNext(cts.Token))
        {
            var message = call.ResponseStream.Current;
            Assert.NotEqual(SubscribeEventsResponse.MessageOneofCase.Event, message.MessageCase);
            if (message.CaughtUp is not null)
            {
                await Client.AppendEventsAsync(Events.Batch("live", 30, "mali"), cancellationToken: cts.Token);
            }
            else if (message.Batch is { } batch)
            {
                live.AddRange(batch.Events);
            }
        }

        Assert.Equal(Enumerable.Range((int)singleCaughtUp + 1, 30).Select(i => (long)i), live.Select(r => r.Position));
        foreach (var record in live.Where((_, i) => i % 7 == 0))
        {
            Assert.Equal((await Client.GetEventAsync(new GetEventRequest { EventId = record.EventId }, cancellationToken: cts.Token)).Event, record);
        }
    }

    [Fact]
    public async Task Resuming_from_a_position_inside_a_batch_gives_the_rest_of_it_with_no_gap_and_no_repeat()
    {
        await AppendVariedAsync(250);

        // Take three batches of 40, but keep only part of the third (the subscriber applied 17 of
        // its revisions when its stream broke), then resume from the last one kept.
        var seen = new List<long>();
        using (var cts = new CancellationTokenSource(CallTimeout))
        using (var call = Client.SubscribeEvents(new SubscribeEventsRequest { MaxBatchRevisions = 40 }, cancellationToken: cts.Token))
        {
            for (var batches = 0; batches < 3 && await call.ResponseStream.MoveNext(cts.Token);)
            {
                var batch = call.ResponseStream.Current.Batch;
                Assert.NotNull(batch);
                Assert.Equal(40, batch.Events.Count);
                batches++;
                seen.AddRange(batch.Events.Take(batches == 3 ? 17 : 40).Select(r => r.Position));
            }

            await cts.CancelAsync();
        }

        Assert.Equal(97, seen[^1]);
        await Client.AppendEventsAsync(Events.Batch("while-away", 50, "niger"), cancellationToken: TestContext.Current.CancellationToken);

        using var resumeCts = new CancellationTokenSource(CallTimeout);
        using var resumed = Client.SubscribeEvents(new SubscribeEventsRequest { FromPosition = seen[^1], MaxBatchRevisions = 40 }, cancellationToken: resumeCts.Token);
        var head = 0L;
        while (await resumed.ResponseStream.MoveNext(resumeCts.Token))
        {
            var message = resumed.ResponseStream.Current;
            if (message.Batch is { } batch)
            {
                seen.AddRange(batch.Events.Select(r => r.Position));
            }
            else if (message.CaughtUp is not null)
            {
                head = message.CaughtUp.Position;
                await Client.AppendEventsAsync(Events.Batch("live", 20, "chad"), cancellationToken: resumeCts.Token);
            }

            if (head > 0 && seen[^1] == head + 20)
            {
                break;
            }
        }

        Assert.Equal(Enumerable.Range(1, (int)head + 20).Select(i => (long)i), seen);
    }

    [Fact]
    public async Task A_byte_bound_cuts_the_batches_and_a_revision_larger_than_it_goes_alone()
    {
        await AppendVariedAsync(300);
        var large = Events.Dated("large", "2023-11-02", "a long one");
        large.Summary = new string('x', 9_000);
        await Client.AppendEventsAsync(new AppendEventsRequest { Events = { large } }, cancellationToken: TestContext.Current.CancellationToken);
        await AppendVariedAsync(50, "after");

        var (single, _, _) = await ReadToCaughtUpAsync(new SubscribeEventsRequest());
        var (batched, batches, _) = await ReadToCaughtUpAsync(new SubscribeEventsRequest { MaxBatchBytes = 4_000 });

        Assert.Equal(single, batched);
        foreach (var batch in batches.Select(m => m.Batch))
        {
            var bytes = batch.Events.Sum(r => CodedOutputStream.ComputeMessageSize(r) + 1);
            if (batch.Events.Any(r => r.EventId == "large"))
            {
                Assert.Single(batch.Events);
            }
            else
            {
                Assert.InRange(bytes, 1, 4_000);
            }
        }

        // Bounded by bytes alone, the batches are not one revision each.
        Assert.True(batches.Count < single.Count / 5, $"{single.Count} revisions came in {batches.Count} batches");
    }

    [Theory]
    [InlineData("max_batch_revisions")]
    [InlineData("max_batch_bytes")]
    public async Task A_negative_batch_bound_is_refused_naming_the_field(string field)
    {
        var request = field == "max_batch_revisions" ? new SubscribeEventsRequest { MaxBatchRevisions = -1 } : new SubscribeEventsRequest { MaxBatchBytes = -5 };
        var status = await FailsWith(StatusCode.InvalidArgument, async () =>
        {
            using var call = Client.SubscribeEvents(request);
            await call.ResponseStream.MoveNext();
        });
        Assert.Equal(field, Assert.Single(Violations(status)).Field);
    }

    [Fact]
    public async Task A_live_revision_is_made_into_wire_bytes_once_and_every_subscriber_sends_those_bytes()
    {
        await AppendVariedAsync(5);
        var subscriptions = server.GetService<Subscriptions>();
        var opened = new List<Subscription>();
        var readers = new List<IAsyncEnumerator<StreamMessage>>();
        try
        {
            for (var i = 0; i < 4; i++)
            {
                var subscription = await subscriptions.OpenAsync(new LogPosition(0), EventCriteria.Check(null, new EventLimits()), i % 2 == 0 ? SubscriptionBatches.None : SubscriptionBatches.Of(10, 0), TestContext.Current.CancellationToken);
                opened.Add(subscription);
                var reader = subscription.ReadAsync(TestContext.Current.CancellationToken).GetAsyncEnumerator(TestContext.Current.CancellationToken);
                readers.Add(reader);
                while (await reader.MoveNextAsync() && reader.Current is not StreamMessage.CaughtUp)
                {
                }
            }

            await Client.AppendEventsAsync(Events.Batch("shared", 3, "mali"), cancellationToken: TestContext.Current.CancellationToken);

            var received = new List<IReadOnlyList<WireRevision>>();
            foreach (var reader in readers)
            {
                while (await reader.MoveNextAsync() && reader.Current is not StreamMessage.Revisions)
                {
                }

                var revisions = Assert.IsType<StreamMessage.Revisions>(reader.Current).Items;
                Assert.Equal(3, revisions.Count);
                _ = SubscriptionFrame.Single(revisions[0]);
                _ = SubscriptionFrame.Batch(revisions);
                received.Add(revisions);
            }

            for (var i = 0; i < 3; i++)
            {
                var first = received[0][i];
                Assert.All(received, r => Assert.True(first.Entry.Span == r[i].Entry.Span, "every subscriber sends the same bytes, made once"));

                // The bytes are the record the client reads.
                var record = SubscribeEventsResponse.Parser.ParseFrom(first.Entry.Span).Event;
                Assert.Equal(first.Position, record.Position);
                Assert.Equal((await Client.GetEventAsync(new GetEventRequest { EventId = record.EventId }, cancellationToken: TestContext.Current.CancellationToken)).Event, record);
            }
        }
        finally
        {
            foreach (var reader in readers)
            {
                await reader.DisposeAsync();
            }

            foreach (var subscription in opened)
            {
                subscription.Dispose();
            }
        }
    }

    /// <summary>New events, corrections, a retraction and a deadline: revisions of every shape.</summary>
    private async Task AppendVariedAsync(int count, string prefix = "e")
    {
        for (var start = 0; start < count; start += 200)
        {
            var request = new AppendEventsRequest();
            for (var i = start; i < Math.Min(count, start + 200); i++)
            {
                var e = Events.Dated($"{prefix}-{i % 150}", $"2023-{1 + (i % 12):00}", $"event {i} — « été » 🇲🇱", i % 2 == 0 ? "mali" : "niger");
                if (i % 11 == 0)
                {
                    e.Deadline = new DeadlineEffect { DeadlineId = $"d-{i % 3}", Effect = DeadlineEffectType.Set, Title = "withdrawal", Due = new FuzzyDate { Edtf = "2023-12-31" } };
                }

                request.Events.Add(e);
            }

            await Client.AppendEventsAsync(request, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync.WaitAsync(CallTimeout);
        }

        await Client.AppendEventsAsync(new AppendEventsRequest { Events = { new NewEvent { EventId = $"{prefix}-1", Retracted = true } } }, cancellationToken: TestContext.Current.CancellationToken);
    }

    /// <summary>From the start to caught_up: every revision, every message carrying them, and the caught_up position.</summary>
    private async Task<(List<EventRecord> Records, List<SubscribeEventsResponse> Messages, long CaughtUp)> ReadToCaughtUpAsync(SubscribeEventsRequest request)
    {
        using var cts = new CancellationTokenSource(CallTimeout);
        using var call = Client.SubscribeEvents(request, cancellationToken: cts.Token);
        var records = new List<EventRecord>();
        var messages = new List<SubscribeEventsResponse>();
        while (await call.ResponseStream.MoveNext(cts.Token))
        {
            var message = call.ResponseStream.Current;
            switch (message.MessageCase)
            {
                case SubscribeEventsResponse.MessageOneofCase.Event:
                    records.Add(message.Event);
                    messages.Add(message);
                    break;
                case SubscribeEventsResponse.MessageOneofCase.Batch:
                    records.AddRange(message.Batch.Events);
                    messages.Add(message);
                    break;
                case SubscribeEventsResponse.MessageOneofCase.CaughtUp:
                    await cts.CancelAsync();
                    return (records, messages, message.CaughtUp.Position);
            }
        }

        throw new InvalidOperationException("the stream ended before caught_up");
    }

    public sealed class Sqlite() : SubscribeInBatchesTests(StorageBackend.Sqlite);

    public sealed class Postgres() : SubscribeInBatchesTests(StorageBackend.Postgres);
}
