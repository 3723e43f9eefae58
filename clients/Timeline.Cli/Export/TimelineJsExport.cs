using System.Net;
using System.Text.Json;
using Timeline.Cli.Output;
using Timeline.V1;

namespace Timeline.Cli.Export;

/// <summary>
/// Knight Lab TimelineJS's JSON: one slide per entry (dates to the precision the source gave,
/// an interval from earliest to latest when it is not one day, month or year), grouped by first
/// tag, and one era per deadline from the event that set it to its due date.
/// </summary>
internal static class TimelineJsExport
{
    public static void Write(ExportData data, TextWriter writer)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteStartObject("title");
            WriteText(json, data.Title, data.Deadlines.Count > 0 ? $"Deadlines as of {data.AsOf}" : $"{data.Entries.Count} events");
            json.WriteEndObject();

            json.WriteStartArray("events");
            foreach (var entry in data.Entries)
            {
                WriteEvent(json, entry);
            }

            json.WriteEndArray();

            json.WriteStartArray("eras");
            foreach (var status in data.Deadlines)
            {
                WriteEra(json, data, status);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        writer.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }

    private static void WriteEvent(Utf8JsonWriter json, TimelineEntry entry)
    {
        var e = entry.Event;
        var occurred = e.Occurred ?? new Timeline.V1.FuzzyDate();
        var earliest = Exporter.Day(occurred.Earliest);
        var latest = Exporter.Day(occurred.Latest);
        if (earliest is null && latest is null)
        {
            return;
        }

        json.WriteStartObject();
        json.WriteString("unique_id", e.EventId);
        var part = occurred.Part != DatePart.Unspecified;
        switch (occurred.Precision)
        {
            case DatePrecision.Day when earliest is { } day:
                WriteDate(json, "start_date", day.Year, day.Month, day.Day);
                break;
            case DatePrecision.Month when !part && earliest is { } month:
                WriteDate(json, "start_date", month.Year, month.Month, null);
                break;
            case DatePrecision.Year when !part && earliest is { } year:
                WriteDate(json, "start_date", year.Year, null, null);
                break;
            default:
                var start = earliest ?? latest!.Value;
                WriteDate(json, "start_date", start.Year, start.Month, start.Day);
                if (earliest is not null && latest is { } end && end != start)
                {
                    WriteDate(json, "end_date", end.Year, end.Month, end.Day);
                }

                break;
        }

        json.WriteString("display_date", entry.DisplayDate.Length > 0 ? entry.DisplayDate : Render.Date(occurred));
        json.WriteStartObject("text");
        json.WriteString("headline", WebUtility.HtmlEncode(e.Title));
        json.WriteString("text", Body(entry));
        json.WriteEndObject();
        if (e.Tags.Count > 0)
        {
            json.WriteString("group", e.Tags[0]);
        }

        json.WriteEndObject();
    }

    private static void WriteEra(Utf8JsonWriter json, ExportData data, DeadlineStatus status)
    {
        var due = Exporter.Day(status.Due?.Latest ?? "");
        var set = data.SetBy(status.DeadlineId)?.Event.Occurred;
        var start = Exporter.Day(set?.Earliest ?? "") ?? Exporter.Day(status.Since);
        if (due is not { } end || start is not { } begin || begin > end)
        {
            return;
        }

        json.WriteStartObject();
        WriteDate(json, "start_date", begin.Year, begin.Month, begin.Day);
        WriteDate(json, "end_date", end.Year, end.Month, end.Day);
        json.WriteStartObject("text");
        var title = status.Title.Length > 0 ? status.Title : status.DeadlineId;
        json.WriteString("headline", WebUtility.HtmlEncode($"{title}: {Render.State(status.State)}"));
        json.WriteString("text", WebUtility.HtmlEncode(Render.StatusLine(status)));
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static string Body(TimelineEntry entry)
    {
        var e = entry.Event;
        var parts = new List<string>();
        if (e.Summary.Length > 0)
        {
            parts.Add($"<p>{WebUtility.HtmlEncode(e.Summary)}</p>");
        }

        if (e.Deadline is { } d)
        {
            parts.Add($"<p>Deadline <code>{WebUtility.HtmlEncode(d.DeadlineId)}</code>: {WebUtility.HtmlEncode(Render.Effect(d.Effect))}</p>");
        }

        if (entry.OrderUncertain)
        {
            parts.Add("<p><em>Order uncertain: its dates overlap a neighbour's.</em></p>");
        }

        if (e.Source is { Name.Length: > 0 } source)
        {
            var name = WebUtility.HtmlEncode(source.Name);
            parts.Add(source.Url.Length > 0 ? $"<p>Source: <a href=\"{WebUtility.HtmlEncode(source.Url)}\">{name}</a></p>" : $"<p>Source: {name}</p>");
        }

        return string.Concat(parts);
    }

    private static void WriteText(Utf8JsonWriter json, string headline, string text)
    {
        json.WriteStartObject("text");
        json.WriteString("headline", WebUtility.HtmlEncode(headline));
        json.WriteString("text", WebUtility.HtmlEncode(text));
        json.WriteEndObject();
    }

    private static void WriteDate(Utf8JsonWriter json, string name, int year, int? month, int? day)
    {
        json.WriteStartObject(name);
        json.WriteNumber("year", year);
        if (month is { } m)
        {
            json.WriteNumber("month", m);
        }

        if (day is { } d)
        {
            json.WriteNumber("day", d);
        }

        json.WriteEndObject();
    }
}
