using System.Text.Json;
using Google.Protobuf;
using Timeline.V1;

namespace Timeline.Cli.Export;

/// <summary>
/// One JSON object: <c>entries</c> as in <c>timeline.v1.GetTimelineResponse</c> and
/// <c>deadlines</c> (each deadline the entries bear on, with its status as of <c>asOf</c>) as in
/// <c>timeline.v1.ListDeadlinesResponse</c>, both in the protobuf JSON mapping, plus
/// <c>title</c> and <c>asOf</c>. Parsed with unknown fields ignored, it reads as either message.
/// </summary>
internal static class JsonExport
{
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default);

    public static ExportWritten Write(ExportData data, TextWriter writer)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteString("title", data.Title);
            json.WriteString("asOf", data.AsOf);
            json.WriteStartArray("entries");
            foreach (var entry in data.Entries)
            {
                json.WriteRawValue(Formatter.Format(entry));
            }

            json.WriteEndArray();
            json.WriteStartArray("deadlines");
            foreach (var status in data.Deadlines)
            {
                json.WriteRawValue(Formatter.Format(status));
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        writer.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
        return new ExportWritten(data.Entries.Count, data.Deadlines.Count);
    }

    /// <summary>Reads an export back: the chronology and the deadline statuses.</summary>
    public static (GetTimelineResponse Timeline, ListDeadlinesResponse Deadlines) Read(string text)
    {
        var parser = new JsonParser(JsonParser.Settings.Default.WithIgnoreUnknownFields(true));
        return (parser.Parse<GetTimelineResponse>(text), parser.Parse<ListDeadlinesResponse>(text));
    }
}
