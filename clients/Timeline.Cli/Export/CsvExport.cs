using System.Globalization;
using CsvHelper;
using Timeline.Cli.Output;

namespace Timeline.Cli.Export;

/// <summary>
/// One row per entry (RFC 4180, CsvHelper), in chronological order: the fields a spreadsheet needs.
/// An open bound ("May 2024 or later" has no latest day) is an empty cell, not 9999-12-31.
/// Text that a spreadsheet would run as a formula (it starts with <c>= + - @</c>, tab or CR, as
/// OWASP lists them) is neutralised with a leading <c>'</c> by CsvHelper's injection escape;
/// numbers (revision, latitude, longitude) are written as numbers, so <c>-5.99</c> stays a number.
/// Text that only looks like a number with a sign, such as the ISO day of a year before 1 CE
/// (<c>-0044-03-15</c>), is neutralised too: a spreadsheet reads it as arithmetic (-44-3-15).
/// </summary>
internal static class CsvExport
{
    public static readonly string[] Columns =
    [
        "event_id", "revision", "earliest", "latest", "precision", "edtf", "display_date", "order_uncertain", "title", "kind",
        "actors", "tags", "country", "admin1", "admin2", "location", "latitude", "longitude", "source", "source_url",
        "deadline_id", "deadline_effect", "due", "summary", "recorded_at", "recorded_by",
    ];

    private static readonly CsvWriterOptions Options = new() { Injection = CsvInjection.Escape };

    public static ExportWritten Write(ExportData data, TextWriter writer)
    {
        using var csv = CsvWriter.Create(writer, Options, leaveOpen: true);
        csv.WriteHeader(Columns);
        foreach (var entry in data.Entries)
        {
            var e = entry.Event;
            var location = e.Location;
            csv.WriteField(e.EventId);
            csv.WriteField(e.Revision, "D");
            csv.WriteField(Exporter.Bound(e.Occurred?.Earliest) ?? "");
            csv.WriteField(Exporter.Bound(e.Occurred?.Latest) ?? "");
            csv.WriteField(e.Occurred is null ? "" : Precision(e.Occurred.Precision));
            csv.WriteField(e.Occurred?.Edtf ?? "");
            csv.WriteField(entry.DisplayDate);
            csv.WriteField(entry.OrderUncertain ? "true" : "false");
            csv.WriteField(e.Title);
            csv.WriteField(e.Kind);
            csv.WriteField(string.Join("; ", e.Actors));
            csv.WriteField(string.Join(" ", e.Tags));
            csv.WriteField(location?.Country ?? "");
            csv.WriteField(location?.Admin1 ?? "");
            csv.WriteField(location?.Admin2 ?? "");
            csv.WriteField(location?.Name ?? "");
            WriteNumber(csv, location is { HasLatitude: true } ? location.Latitude : null);
            WriteNumber(csv, location is { HasLongitude: true } ? location.Longitude : null);
            csv.WriteField(e.Source?.Name ?? "");
            csv.WriteField(e.Source?.Url ?? "");
            csv.WriteField(e.Deadline?.DeadlineId ?? "");
            csv.WriteField(e.Deadline is null ? "" : Render.Effect(e.Deadline.Effect));
            csv.WriteField(Exporter.Bound(e.Deadline?.Due?.Latest) ?? "");
            csv.WriteField(e.Summary);
            csv.WriteField(e.RecordedAt?.ToDateTimeOffset().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture) ?? "");
            csv.WriteField(e.RecordedBy);
            csv.EndRecord();
        }

        csv.Flush();
        return new ExportWritten(data.Entries.Count, 0);
    }

    /// <summary>"day", "week", "month", ... from the enum.</summary>
    public static string Precision(Timeline.V1.DatePrecision precision) => precision switch
    {
        Timeline.V1.DatePrecision.Unspecified => "",
        _ => precision.ToString().ToLowerInvariant(),
    };

    private static void WriteNumber(CsvWriter csv, double? value)
    {
        if (value is { } number)
        {
            csv.WriteField(number, "R");
        }
        else
        {
            csv.WriteField("");
        }
    }
}
