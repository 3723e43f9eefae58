using System.Diagnostics;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Timeline.Benchmarks.Data;
using Timeline.Benchmarks.Infrastructure;
using Timeline.Storage.V1;
using Timeline.V1;

namespace Timeline.Benchmarks.Scenarios;

/// <summary>
/// C1, reads that are cheap to ask and were costly to answer (issue 31): on the big log (1M in the
/// full run), ListEvents with a filter that matches nothing (a tag, a kind, a country, an actor no
/// event has), with a kind and a country that only <see cref="RareEvents"/> events carry (appended
/// here), and with <c>known_at</c> and one event id, each against the unfiltered first page of 100
/// of the same log, in turn (latency, one request a side per sample). Target: at most twice the
/// unfiltered page. Full runs and <c>--only C1</c> only: on 200,000 events these reads took
/// 0.12–0.46 s against 2 ms, so at 1M a quick run's guard would fail on code not changed yet.
/// </summary>
internal static class CostlyReads
{
    public const string Id = "C1";

    private const int PageSize = 100;

    /// <summary>Events of <see cref="RareKind"/> in <see cref="RareCountry"/>, which no generated event has (EventGenerator's 8 kinds, 20 countries).</summary>
    private const int RareEvents = 10;

    private const string RareKind = "Ceasefire monitoring";

    private const string RareCountry = "ISL";

    public static async Task RunAsync(BenchContext bench, Dataset big)
    {
        var client = big.Client;
        var unfiltered = new ListEventsRequest { PageSize = PageSize };
        var first = await client.ListEventsAsync(unfiltered);
        var oneId = first.Events[0].EventId;
        var label = bench.Options.Label(bench.Options.BigEvents);

        // A handful of events among the big log's (the log's size stays as stated, give or take these).
        var rare = new AppendEventsRequest();
        for (var n = 0; n < RareEvents; n++)
        {
            var e = EventGenerator.Create("c1-rare-", n);
            e.Kind = RareKind;
            e.Location.Country = RareCountry;
            rare.Events.Add(e);
        }

        await client.AppendEventsAsync(rare);
        (string What, ListEventsRequest Request, int Expected)[] reads =
        [
            ("a tag no event has", new ListEventsRequest { Filter = new EventFilter { Tags = { "no-such-tag" } }, PageSize = PageSize }, 0),
            ("a kind no event has", new ListEventsRequest { Filter = new EventFilter { Kinds = { "no-such-kind" } }, PageSize = PageSize }, 0),
            ($"a kind {RareEvents} events have", new ListEventsRequest { Filter = new EventFilter { Kinds = { RareKind } }, PageSize = PageSize }, RareEvents),
            ("a country no event has", new ListEventsRequest { Filter = new EventFilter { Countries = { "NZL" } }, PageSize = PageSize }, 0),
            ($"a country {RareEvents} events have", new ListEventsRequest { Filter = new EventFilter { Countries = { RareCountry } }, PageSize = PageSize }, RareEvents),
            ("an actor no event has", new ListEventsRequest { Filter = new EventFilter { Actors = { "No Such Actor" } }, PageSize = PageSize }, 0),
            ("known_at (now) and one event id", new ListEventsRequest { Filter = new EventFilter { EventIds = { oneId } }, KnownAt = Timestamp.FromDateTime(DateTime.UtcNow), PageSize = PageSize }, 1),
        ];

        // Warm: the JIT of each path, and the pages each read touches (twice each, at least: these reads take seconds at 1M today).
        for (var i = 0; i < 2; i++)
        {
            await client.ListEventsAsync(unfiltered);
            foreach (var (_, request, _) in reads)
            {
                await client.ListEventsAsync(request);
            }
        }

        await bench.WarmAsync(() => client.ListEventsAsync(unfiltered).ResponseAsync);

        foreach (var (what, request, expected) in reads)
        {
            // A read storage cannot drive from an index is bounded by Storage:ReadTimeLimit: RESOURCE_EXHAUSTED
            // in bounded time is its answer (docs/CONTRACT.md), timed like a result and said in the row.
            var refused = "";
            try
            {
                var answer = await client.ListEventsAsync(request);
                if (answer.Events.Count != expected)
                {
                    throw new InvalidOperationException($"C1 {what}: {answer.Events.Count} events, expected {expected}");
                }
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.ResourceExhausted)
            {
                refused = " (answered RESOURCE_EXHAUSTED at the read time limit)";
            }

            // Three samples a side per repetition, interleaved, the median of each; one when a read takes over 200 ms (seconds at 1M today).
            var samples = await LatencyAsync(client, request) > 200 ? 1 : 3;
            var pairs = new List<Pair>();
            for (var rep = 0; rep < bench.Options.Reps; rep++)
            {
                var a = new List<double>();
                var b = new List<double>();
                for (var i = 0; i < samples; i++)
                {
                    b.Add(await LatencyAsync(client, unfiltered));
                    a.Add(await LatencyAsync(client, request));
                }

                pairs.Add(new Pair(Stats.Median(a), Stats.Median(b)));
            }

            // Before issue 31's fix these reads cost 700–3,800× the page at 1M (13 s against 4–17 ms, docs/BENCHMARKS.md).
            // Tags, actors, ids, kinds and countries now drive the read from their index (kinds and countries since
            // issue 27: SQLite migration 6, PostgreSQL migration 4): every row is on the default guard.
            bench.Report.Add(new Row(Id, $"ListEvents at {label} events, {what} vs the unfiltered first page of 100 (latency){refused}", "ms", Goal.AtMost, 2, pairs));
        }
    }

    private static async Task<double> LatencyAsync(Timeline.Storage.V1.EventStoreService.EventStoreServiceClient client, ListEventsRequest request)
    {
        var watch = Stopwatch.StartNew();
        try
        {
            await client.ListEventsAsync(request);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.ResourceExhausted)
        {
            // Bounded: the refusal is the answer, timed as one.
        }

        return watch.Elapsed.TotalMilliseconds;
    }
}
