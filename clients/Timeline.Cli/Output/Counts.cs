using System.Globalization;

namespace Timeline.Cli.Output;

/// <summary>A count with its noun, singular for one: "1 deadline", "3 deadlines", "1 day".</summary>
internal static class Counts
{
    public static string Of(long count, string singular, string? plural = null) =>
        $"{count.ToString(CultureInfo.InvariantCulture)} {Noun(count, singular, plural)}";

    /// <summary>The noun alone, for a count written elsewhere.</summary>
    public static string Noun(long count, string singular, string? plural = null) =>
        count == 1 || count == -1 ? singular : plural ?? singular + "s";
}
