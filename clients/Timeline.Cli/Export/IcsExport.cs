using Ical.Net;
using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;
using Ical.Net.Serialization;
using Timeline.Cli.Output;

namespace Timeline.Cli.Export;

/// <summary>
/// The deadlines as an iCalendar file (Ical.Net): one all-day event per deadline on its due date
/// (the latest day of the due date in force), its status in the summary.
/// </summary>
internal static class IcsExport
{
    public const string ProductId = "-//Timeline//timeline export//EN";

    public static void Write(ExportData data, TextWriter writer)
    {
        var calendar = new Calendar { ProductId = ProductId };
        var stamp = new CalDateTime(data.GeneratedAt.UtcDateTime, "UTC");
        foreach (var status in data.Deadlines)
        {
            // iCalendar dates have years 0001–9999: a deadline due before 1 CE has no calendar day there.
            if (Exporter.Day(status.Due?.Latest ?? "") is not { Year: >= 1 } dueDay)
            {
                continue;
            }

            var due = (DateOnly)dueDay;

            var title = status.Title.Length > 0 ? status.Title : status.DeadlineId;
            var description = new List<string> { $"{Render.StatusLine(status)} (as of {status.AsOf}, since {status.Since})" };
            if (status.Responsible.Length > 0)
            {
                description.Add($"Responsible: {status.Responsible}");
            }

            if (status.OriginalDue is { Latest.Length: > 0 } original && original.Latest != status.Due!.Latest)
            {
                description.Add($"Originally due {original.Latest}");
            }

            description.AddRange(status.Reasons.Select(r => $"Why: {Render.Reason(r)}"));
            calendar.Events.Add(new CalendarEvent
            {
                Uid = $"{status.DeadlineId}@timeline",
                Summary = $"{title}: {Render.State(status.State)}",
                Description = string.Join("\n", description),
                DtStart = new CalDateTime(due),
                DtEnd = new CalDateTime(due.AddDays(1)),
                DtStamp = stamp,
                Categories = ["deadline", Render.State(status.State)],
            });
        }

        writer.Write(new CalendarSerializer().SerializeToString(calendar));
    }
}
