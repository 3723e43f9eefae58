using System.Runtime.InteropServices;

namespace Timeline.Benchmarks.Infrastructure;

internal static class Machine
{
    public static string Describe()
    {
        var cpu = "unknown CPU";
        var memory = "unknown memory";
        try
        {
            cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? cpu;
            var kb = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
            memory = $"{long.Parse(kb, System.Globalization.CultureInfo.InvariantCulture) / 1024 / 1024.0:0.0} GiB";
        }
        catch (IOException)
        {
        }

        return $"machine: {Environment.ProcessorCount} cores, {memory}, {cpu}, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}";
    }
}

internal static class Memory
{
    /// <summary>A peak-RSS line: the value against its limit, so the ratio must stay at or below 1.</summary>
    public static void Add(Report report, string id, string what, ServiceProcess process, double limitMb)
    {
        if (process.PeakRssBytes() is not { } bytes)
        {
            report.NotRun(id, what, Goal.AtMost, 1, "/proc/<pid>/status is not readable here");
            return;
        }

        var mb = bytes / 1024.0 / 1024.0;
        report.Add(new Row(id, what + $" (baseline = the limit, {limitMb:0} MB)", "MB", Goal.AtMost, 1, [new Pair(mb, limitMb)]));
    }
}
