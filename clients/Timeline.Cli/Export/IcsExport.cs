using Ical.Net;
using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;
using Ical.Net.Serialization;
using Timeline.Cli.Output;

namespace Timeline.Cli.Export;

/// <summary>
/// The deadlines as an iCalendar file (Ical.Net): one all-day event per deadline on its due date
/// (the latest day of the due date in force), its status in the summary. The calendar is named by
/// --title (NAME, RFC 7986, and X-WR-CALNAME for the clients that read only that). Each event's
/// UID is the deadline id at the store's identity (<see cref="ExportData.StoreId"/>), so two
/// installations never share a UID; SEQUENCE counts the deadline's status changes and
/// LAST-MODIFIED is the day the latest began, so a client that
/// already has the event replaces it when the status moves. With no deadline to show, the
/// calendar still needs a component (RFC 5545 3.6: at least one), so it holds one inert
/// VTIMEZONE for UTC, complete as 3.6.5 requires (a STANDARD observance, offsets +0000, a
/// DTSTART), and says in X-WR-CALDESC that no deadline matched.
/// </summary>
internal static class IcsExport
{
    public const string ProductId = "-//Timeline//timeline export//EN";

    public static ExportWritten Write(ExportData data, TextWriter writer)
    {
        var calendar = new Calendar { ProductId = ProductId };
        calendar.AddProperty("NAME", data.Title);
        calendar.AddProperty("X-WR-CALNAME", data.Title);
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
            var revision = data.Revisions.GetValueOrDefault(status.DeadlineId) ?? new DeadlineRevision(0, data.GeneratedAt);
            calendar.Events.Add(new CalendarEvent
            {
                Uid = Uid(status.DeadlineId, data.StoreId),
                Summary = $"{title}: {Render.State(status.State)}",
                Description = string.Join("\n", description),
                DtStart = new CalDateTime(due),
                DtEnd = new CalDateTime(due.AddDays(1)),
                DtStamp = stamp,
                Sequence = revision.Sequence,
                LastModified = new CalDateTime(revision.LastModified.UtcDateTime, "UTC"),
                Categories = ["deadline", Render.State(status.State)],
            });
        }

        var written = new ExportWritten(0, calendar.Events.Count);
        if (calendar.Events.Count == 0)
        {
            calendar.AddProperty("X-WR-CALDESC", $"No deadline matched as of {data.AsOf}.");
            calendar.AddTimeZone(Utc());
        }

        writer.Write(new CalendarSerializer().SerializeToString(calendar));
        return written;
    }

    /// <summary>
    /// The UTC time zone as RFC 5545 (3.6.5) requires a VTIMEZONE to be: its TZID and one STANDARD
    /// observance, offset +0000 from and to, in force since 1970-01-01T00:00:00 local time.
    /// </summary>
    public static VTimeZone Utc()
    {
        var utc = new VTimeZone("UTC");
        utc.AddChild(new VTimeZoneInfo
        {
            Name = Components.Standard,
            TimeZoneName = "UTC",
            OffsetFrom = new UtcOffset(TimeSpan.Zero),
            OffsetTo = new UtcOffset(TimeSpan.Zero),
            Start = new CalDateTime(new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Unspecified), true),
        });
        return utc;
    }

    /// <summary>"minusma-withdrawal@3f9a1c2b7d4e5f60.timeline": the deadline within one store.</summary>
    public static string Uid(string deadlineId, string storeId) => $"{deadlineId}@{storeId}.timeline";
}
