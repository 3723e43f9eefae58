namespace Timeline.Benchmarks.Infrastructure;

internal static class Stats
{
    public static double Median(IEnumerable<double> values) => Percentile(values, 0.5);

    /// <summary>Nearest-rank percentile (p in 0..1).</summary>
    public static double Percentile(IEnumerable<double> values, double p)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var rank = (int)Math.Ceiling(p * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }
}

/// <summary>
/// One repetition of a scenario and its baseline, measured back to back. Both values are in the
/// scenario's unit; the ratio is scenario / baseline (so for latencies lower is better).
/// </summary>
internal readonly record struct Pair(double Value, double Baseline)
{
    public double Ratio => Value / Baseline;
}
