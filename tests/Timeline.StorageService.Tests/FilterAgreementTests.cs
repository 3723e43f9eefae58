using Grpc.Core;
using Timeline.Storage.V1;
using Timeline.Tests.Shared;
using Timeline.V1;
using static Timeline.StorageService.Tests.Assertions;

namespace Timeline.StorageService.Tests;

/// <summary>
/// A subscription's catch-up filters in the backend's SQL, its live part in memory
/// (EventFilterMatcher), both from one normalized EventCriteria: for every kind of filter the two
/// must deliver exactly the same revisions, corrections and retractions included, and exactly the
/// ones the filter names.
/// </summary>
public abstract class FilterAgreementTests(StorageBackend backend) : IAsyncLifetime
{
    private StorageServer server = null!;

    public async ValueTask InitializeAsync() => server = await StorageServer.StartAsync(backend, new Dictionary<string, string?> { ["Storage:CheckpointInterval"] = "00:00:00.100" });

    public async ValueTask DisposeAsync() => await server.DisposeAsync();

    /// <summary>Each filter with the revisions (event#revision) it must deliver from the corpus below.</summary>
    public static TheoryData<string, string[]> Filters() => new()
    {
        { "tags=MALI (any case)", ["bamako-clash#1", "kidal-handover#1", "kidal-handover#2", "tessalit#1", "wagner#1", "mandate#1", "mandate#2", "rumour#1", "rumour#2"] },
        { "tags=niger,burkina", ["niamey#1", "ouaga#1"] },
        { "actors=' Wagner Group '", ["wagner#1", "tessalit#1"] },
        { "kinds=Battles", ["bamako-clash#1", "niamey#1"] },
        { "countries=mli", ["bamako-clash#1", "kidal-handover#1", "kidal-handover#2", "tessalit#1", "wagner#1", "rumour#1", "rumour#2"] },
        { "occurred 2023-10-01..2023-10-31", ["kidal-handover#1", "tessalit#1", "niamey#1"] },
        { "event_ids", ["tessalit#1", "ouaga#1"] },
        { "deadline effects only", ["mandate#1", "mandate#2", "kidal-handover#1", "kidal-handover#2"] },
        { "deadline_ids=minusma-exit", ["mandate#1", "mandate#2", "kidal-handover#1", "kidal-handover#2"] },
        { "tags=mali, countries=MLI, occurred from 2023-11-01", ["kidal-handover#2", "rumour#1", "rumour#2"] },
    };

    [Theory]
    [MemberData(nameof(Filters))]
    public async Task Catch_up_in_sql_and_live_in_memory_deliver_the_same_revisions(string name, string[] expected)
    {
        var filter = Filter(name);
        using var cts = new CancellationTokenSource(CallTimeout);
        using var live = server.Client.SubscribeEvents(new SubscribeEventsRequest { Filter = filter }, cancellationToken: cts.Token);
        Assert.True(await live.ResponseStream.MoveNext(cts.Token));
        Assert.Equal(0, live.ResponseStream.Current.CaughtUp.Position);

        var head = await AppendCorpusAsync();
        var liveSeen = new List<string>();
        while (await live.ResponseStream.MoveNext(cts.Token))
        {
            var message = live.ResponseStream.Current;
            if (message.Event is { } e)
            {
                liveSeen.Add($"{e.EventId}#{e.Revision}");
            }

            if ((message.Event?.Position ?? message.Checkpoint?.Position) == head)
            {
                break;
            }
        }

        using var catchUp = server.Client.SubscribeEvents(new SubscribeEventsRequest { Filter = filter }, cancellationToken: cts.Token);
        var caughtUp = new List<string>();
        while (await catchUp.ResponseStream.MoveNext(cts.Token) && catchUp.ResponseStream.Current.CaughtUp is null)
        {
            var e = catchUp.ResponseStream.Current.Event;
            caughtUp.Add($"{e.EventId}#{e.Revision}");
        }

        Assert.Equal(liveSeen, caughtUp);
        Assert.Equal(expected.Order(StringComparer.Ordinal), liveSeen.Order(StringComparer.Ordinal));
        await cts.CancelAsync();
    }

    private static EventFilter Filter(string name) => name switch
    {
        "tags=MALI (any case)" => new EventFilter { Tags = { "MALI" } },
        "tags=niger,burkina" => new EventFilter { Tags = { "niger", " Burkina " } },
        "actors=' Wagner Group '" => new EventFilter { Actors = { " Wagner Group " } },
        "kinds=Battles" => new EventFilter { Kinds = { "Battles" } },
        "countries=mli" => new EventFilter { Countries = { "mli" } },
        "occurred 2023-10-01..2023-10-31" => new EventFilter { OccurredFrom = "2023-10-01", OccurredTo = "2023-10-31" },
        "event_ids" => new EventFilter { EventIds = { "tessalit", "ouaga", "" } },
        "deadline effects only" => new EventFilter { DeadlineEffectsOnly = true },
        "deadline_ids=minusma-exit" => new EventFilter { DeadlineIds = { "minusma-exit" } },
        "tags=mali, countries=MLI, occurred from 2023-11-01" => new EventFilter { Tags = { "mali" }, Countries = { "MLI" }, OccurredFrom = "2023-11-01" },
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    /// <summary>Events of every field the filters read, a correction that takes an event off its deadline and a retraction; returns the head.</summary>
    private async Task<long> AppendCorpusAsync()
    {
        static NewEvent E(string id, string edtf, string[] tags, string kind = "", string country = "", params string[] actors)
        {
            var e = Events.Dated(id, edtf, $"event {id}", tags);
            e.Kind = kind;
            e.Actors.AddRange(actors);
            if (country.Length > 0)
            {
                e.Location = new Location { Country = country };
            }

            return e;
        }

        var mandate = E("mandate", "2023-06-30", ["mali", "un"]);
        mandate.Deadline = new DeadlineEffect { DeadlineId = "minusma-exit", Effect = DeadlineEffectType.Set, Title = "MINUSMA leaves", Due = new FuzzyDate { Edtf = "2023-12-31" } };
        var handover = E("kidal-handover", "2023-10-31", ["mali"], "Strategic developments", "MLI");
        handover.Deadline = new DeadlineEffect { DeadlineId = "minusma-exit", Effect = DeadlineEffectType.Progress };
        var batches = new[]
        {
            new[] { E("bamako-clash", "2023-08-21", ["mali"], "Battles", "MLI"), E("niamey", "2023-10-02", ["niger"], "Battles", "NER"), mandate },
            new[] { E("wagner", "2021", ["mali", "russia"], "", "MLI", "Wagner Group"), E("tessalit", "2023-10-15/2023-10-21", ["mali"], "", "MLI", "Wagner Group", "FAMa"), handover },
            new[] { E("ouaga", "2022-09-30", ["burkina"], "", "BFA"), E("rumour", "2023-11", ["mali"], "", "MLI") },
        };
        foreach (var batch in batches)
        {
            await server.Client.AppendEventsAsync(new AppendEventsRequest { Events = { batch } }).ResponseAsync.WaitAsync(CallTimeout);
        }

        // The mandate moves (still on the deadline); the handover turns out not to bear on it, and moves to November.
        var moved = mandate.Clone();
        moved.Occurred = new FuzzyDate { Edtf = "2023-07-01" };
        var corrected = E("kidal-handover", "2023-11-14", ["mali"], "Strategic developments", "MLI");
        await server.Client.AppendEventsAsync(new AppendEventsRequest { Events = { moved, corrected } }).ResponseAsync.WaitAsync(CallTimeout);
        var last = await server.Client.AppendEventsAsync(new AppendEventsRequest { Events = { new NewEvent { EventId = "rumour", Retracted = true } } }).ResponseAsync.WaitAsync(CallTimeout);
        return last.Results[0].Position;
    }

    public sealed class Sqlite() : FilterAgreementTests(StorageBackend.Sqlite);

    public sealed class Postgres() : FilterAgreementTests(StorageBackend.Postgres);
}
