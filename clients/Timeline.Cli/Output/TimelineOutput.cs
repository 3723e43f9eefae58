using Spectre.Console;
using Timeline.V1;

namespace Timeline.Cli.Output;

/// <summary>A chronology as `show` and the demo print it: the table, and the legend when an order is uncertain.</summary>
internal static class TimelineOutput
{
    public static void Print(CliContext context, IReadOnlyList<TimelineEntry> entries)
    {
        if (entries.Count == 0)
        {
            context.Console.WriteLine("No events match.");
            return;
        }

        Tables.Write(context, Render.TimelineTable(entries));
        if (entries.Any(e => e.OrderUncertain))
        {
            context.Console.Write(Render.Legend());
            context.Console.WriteLine();
        }
    }
}
