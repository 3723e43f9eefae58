using System.Globalization;
using CsvHelper;
using Timeline.Cli.Output;

namespace Timeline.Cli.Export;

/// <summary>One row per entry (RFC 4180, CsvHelper), in chronological order: the fields a spreadsheet needs.</summary>
internal static class CsvExport
{
    public static readonly string[] Columns =
    [
        "event_id", "revision", "earliest", "latest", "precision", "edtf", "display_date", "order_uncertain", "title", "kind",
        "actors", "tags", "country", "admin1", "admin2", "location", "latitude", "longitude", "source", "source_url",
        "deadline_id", "deadline_effect", "due", "summary", "recorded_at", "recorded_by",
    ];

    public static void Write(ExportData data, TextWriter writer)
    {
        using var csv = CsvWriter.Create(writer, null, leaveOpen: true);
        csv.WriteHeader(Columns);
        foreach (var entry in data.Entries)
        {
            var e = entry.Event;
            var location = e.Location;
            csv.WriteRecord(
            [
                e.EventId,
                e.Revision.ToString(CultureInfo.InvariantCulture),
                e.Occurred?.Earliest ?? "",
                e.Occurred?.Latest ?? "",
                e.Occurred is null ? "" : Precision(e.Occurred.Precision),
                e.Occurred?.Edtf ?? "",
                entry.DisplayDate,
                entry.OrderUncertain ? "true" : "false",
                e.Title,
                e.Kind,
                string.Join("; ", e.Actors),
                string.Join(" ", e.Tags),
                location?.Country ?? "",
                location?.Admin1 ?? "",
                location?.Admin2 ?? "",
                location?.Name ?? "",
                location is { HasLatitude: true } ? location.Latitude.ToString("R", CultureInfo.InvariantCulture) : "",
                location is { HasLongitude: true } ? location.Longitude.ToString("R", CultureInfo.InvariantCulture) : "",
                e.Source?.Name ?? "",
                e.Source?.Url ?? "",
                e.Deadline?.DeadlineId ?? "",
                e.Deadline is null ? "" : Render.Effect(e.Deadline.Effect),
                e.Deadline?.Due?.Latest ?? "",
                e.Summary,
                e.RecordedAt?.ToDateTimeOffset().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture) ?? "",
                e.RecordedBy,
            ]);
        }

        csv.Flush();
    }

    /// <summary>"day", "week", "month", ... from the enum.</summary>
    public static string Precision(Timeline.V1.DatePrecision precision) => precision switch
    {
        Timeline.V1.DatePrecision.Unspecified => "",
        _ => precision.ToString().ToLowerInvariant(),
    };
}
