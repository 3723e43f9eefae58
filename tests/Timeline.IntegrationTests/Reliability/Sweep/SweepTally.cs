using System.Collections.Concurrent;
using System.Globalization;

namespace Timeline.IntegrationTests.Reliability.Sweep;

/// <summary>What a sweep sent and got: the count of each outcome, and every failed promise with the request that broke it.</summary>
internal sealed class SweepTally(string service, string transport)
{
    private const int FailuresShown = 40;
    private readonly ConcurrentDictionary<string, int> outcomes = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> failures = new();

    public int Requests => outcomes.Values.Sum();

    public int Count(string outcome) => outcomes.GetValueOrDefault(outcome);

    /// <param name="outcome">What is counted, e.g. <c>INVALID_ARGUMENT</c> or <c>HTTP 400 INVALID_ARGUMENT</c>.</param>
    /// <param name="answer">The whole answer, for a failure report.</param>
    /// <param name="request">The request, described only when it broke a promise.</param>
    public void Record(string method, Func<string> request, string outcome, string answer, string? failure)
    {
        outcomes.AddOrUpdate(outcome, 1, (_, n) => n + 1);
        if (failure is not null)
        {
            failures.Enqueue($"{service}.{method} over {transport}: {failure}\n    request: {request()}\n    answer:  {answer}");
        }
    }

    /// <summary>The figure CI prints, e.g. "EventStoreService over gRPC: 2,131 requests (INVALID_ARGUMENT 1,890, ...), 0 UNKNOWN, 0 INTERNAL".</summary>
    public string Figure(params string[] mustBeZero) =>
        $"descriptor sweep, {service} over {transport}: {N(Requests)} requests ("
        + string.Join(", ", outcomes.OrderByDescending(o => o.Value).ThenBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key} {N(o.Value)}"))
        + "), " + string.Join(", ", mustBeZero.Select(z => $"{N(Count(z))} {z}"))
        + (failures.IsEmpty ? "" : $", {N(failures.Count)} FAILED");

    /// <summary>Fails with the first few broken promises, each with the request that broke it.</summary>
    public void AssertNoFailures()
    {
        Assert.True(failures.IsEmpty, $"{failures.Count} of {Requests} requests broke a promise; the first {Math.Min(FailuresShown, failures.Count)}:\n" + string.Join("\n", failures.Take(FailuresShown)));
    }

    private static string N(int n) => n.ToString("N0", CultureInfo.InvariantCulture);
}
