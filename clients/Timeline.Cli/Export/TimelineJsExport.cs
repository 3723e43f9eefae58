using System.Net;
using System.Text.Json;
using Timeline.Cli.Output;
using Timeline.V1;

namespace Timeline.Cli.Export;

/// <summary>
/// Knight Lab TimelineJS's JSON: one slide per entry (dates to the precision the source gave, an
/// interval from earliest to latest when it is not one day, month or year), rows grouped as
/// <see cref="ExportData.GroupBy"/> says, and for each deadline both an era (the band from the
/// event that set it to its due date, which TimelineJS draws without its text) and a slide on its
/// due date whose text shows its status, due date and days left, as the title slide does for all
/// of them. Summaries keep their paragraphs: a blank line starts a new one, a line break stays one.
/// All text from the data is HTML-encoded.
/// </summary>
internal static class TimelineJsExport
{
    /// <summary>The prefix of a deadline slide's <c>unique_id</c>; event ids cannot contain '/'.</summary>
    public const string DeadlineSlidePrefix = "deadline/";

    public static ExportWritten Write(ExportData data, TextWriter writer)
    {
        var groups = new Grouping(data);
        var slides = 0;
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteStartObject("title");
            json.WriteStartObject("text");
            json.WriteString("headline", Encode(data.Title));
            json.WriteString("text", TitleText(data));
            json.WriteEndObject();
            json.WriteEndObject();

            json.WriteStartArray("events");
            foreach (var entry in data.Entries)
            {
                slides += WriteEvent(json, entry, groups.Of(entry)) ? 1 : 0;
            }

            foreach (var status in data.Deadlines)
            {
                WriteDeadlineSlide(json, status, groups.OfDeadline(status));
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

        // Every deadline is in the title slide's list, whether or not it has a slide of its own.
        return new ExportWritten(slides, data.Deadlines.Count);
    }

    /// <summary>"AT RISK · due 2023-12-31 · 76 days remaining": what a deadline slide and the title slide say of a deadline.</summary>
    public static string StatusText(DeadlineStatus status) => string.Join(" · ", Render.StatusLine(status).Split(", "));

    /// <summary>Paragraphs for TimelineJS: a blank line separates paragraphs, a single line break stays a line break.</summary>
    public static string Paragraphs(string text) =>
        string.Concat(text.Replace("\r\n", "\n", StringComparison.Ordinal)
            .Split("\n\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => $"<p>{string.Join("<br>", p.Split('\n').Select(Encode))}</p>"));

    private static string TitleText(ExportData data)
    {
        var events = Counts.Of(data.Entries.Count, "event");
        if (data.Deadlines.Count == 0)
        {
            return $"<p>{events}</p>";
        }

        var items = data.Deadlines.Select(s => $"<li><strong>{Encode(Title(s))}</strong>: {Encode(StatusText(s))}</li>");
        return $"<p>{events} · {Encode(Counts.Of(data.Deadlines.Count, "deadline"))}, status as of {Encode(data.AsOf)}:</p><ul>{string.Concat(items)}</ul>";
    }

    /// <summary>The entry's slide; false when it has no day to be placed on, so no slide.</summary>
    private static bool WriteEvent(Utf8JsonWriter json, TimelineEntry entry, string? group)
    {
        var e = entry.Event;
        var occurred = e.Occurred ?? new Timeline.V1.FuzzyDate();
        var earliest = Exporter.Day(occurred.Earliest);
        var latest = Exporter.Day(occurred.Latest);
        if (earliest is null && latest is null)
        {
            return false;
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

        json.WriteString("display_date", Encode(entry.DisplayDate.Length > 0 ? entry.DisplayDate : Render.Date(occurred)));
        json.WriteStartObject("text");
        json.WriteString("headline", Encode(e.Title));
        json.WriteString("text", Body(entry));
        json.WriteEndObject();
        if (group is not null)
        {
            json.WriteString("group", Encode(group));
        }

        json.WriteEndObject();
        return true;
    }

    private static void WriteDeadlineSlide(Utf8JsonWriter json, DeadlineStatus status, string? group)
    {
        if (Exporter.Day(status.Due?.Latest ?? "") is not { } due)
        {
            return;
        }

        var parts = new List<string> { $"<p><strong>{Encode(StatusText(status))}</strong> (as of {Encode(status.AsOf)}, since {Encode(status.Since)})</p>" };
        if (status.Responsible.Length > 0)
        {
            parts.Add($"<p>Responsible: {Encode(status.Responsible)}</p>");
        }

        if (status.OriginalDue is { Latest.Length: > 0 } original && original.Latest != status.Due!.Latest)
        {
            parts.Add($"<p>Originally due {Encode(original.Latest)}</p>");
        }

        parts.AddRange(status.Reasons.Select(r => $"<p>Why: {Encode(Render.Reason(r))}</p>"));
        json.WriteStartObject();
        json.WriteString("unique_id", DeadlineSlidePrefix + status.DeadlineId);
        WriteDate(json, "start_date", due.Year, due.Month, due.Day);
        json.WriteString("display_date", Encode($"due {Render.Due(status.Due)}"));
        json.WriteStartObject("text");
        json.WriteString("headline", Encode($"Deadline: {Title(status)}: {Render.State(status.State)}"));
        json.WriteString("text", string.Concat(parts));
        json.WriteEndObject();
        if (group is not null)
        {
            json.WriteString("group", Encode(group));
        }

        json.WriteStartObject("background");
        json.WriteString("color", HtmlExport.Color(status.State));
        json.WriteEndObject();
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
        json.WriteString("headline", Encode($"{Title(status)}: {Render.State(status.State)}"));
        json.WriteString("text", Encode(StatusText(status)));
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static string Body(TimelineEntry entry)
    {
        var e = entry.Event;
        var parts = new List<string>();
        if (e.Summary.Length > 0)
        {
            parts.Add(Paragraphs(e.Summary));
        }

        if (e.Deadline is { } d)
        {
            parts.Add($"<p>Deadline <code>{Encode(d.DeadlineId)}</code>: {Encode(Render.Effect(d.Effect))}</p>");
        }

        if (entry.OrderUncertain)
        {
            parts.Add("<p><em>Order uncertain: its dates overlap a neighbour's.</em></p>");
        }

        if (e.Source is { Name.Length: > 0 } source)
        {
            var name = Encode(source.Name);
            parts.Add(source.Url.Length > 0 && Uri.TryCreate(source.Url, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps)
                ? $"<p>Source: <a href=\"{Encode(url.AbsoluteUri)}\">{name}</a></p>"
                : $"<p>Source: {name}</p>");
        }

        return string.Concat(parts);
    }

    private static string Title(DeadlineStatus status) => status.Title.Length > 0 ? status.Title : status.DeadlineId;

    private static string Encode(string text) => WebUtility.HtmlEncode(text);

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

    /// <summary>The row of each slide, as <c>--group-by</c> chooses; null for no group.</summary>
    private sealed class Grouping
    {
        private const string DeadlineKind = "Deadline";
        private readonly ExportData data;
        private readonly Dictionary<string, int> tagCounts;
        private readonly HashSet<string> everywhere;

        public Grouping(ExportData data)
        {
            this.data = data;
            tagCounts = data.Entries.SelectMany(e => e.Event.Tags.Distinct()).GroupBy(t => t, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
            everywhere = [.. tagCounts.Where(t => t.Value == data.Entries.Count).Select(t => t.Key)];
        }

        public string? Of(TimelineEntry entry)
        {
            var e = entry.Event;
            return data.GroupBy switch
            {
                TimelineGroup.Kind => e.Kind.Length > 0 ? e.Kind : "(no kind)",
                TimelineGroup.Tag => e.Tags.Where(t => !everywhere.Contains(t))
                    .OrderByDescending(t => tagCounts[t]).ThenBy(t => t, StringComparer.Ordinal)
                    .FirstOrDefault() ?? (e.Tags.Count > 0 ? e.Tags[0] : "(no tag)"),
                TimelineGroup.Country => e.Location is { Country.Length: > 0 } l ? l.Country : "(no country)",
                TimelineGroup.Deadline => e.Deadline is { DeadlineId.Length: > 0 } d ? DeadlineGroup(d.DeadlineId) : "(no deadline)",
                _ => null,
            };
        }

        public string? OfDeadline(DeadlineStatus status) => data.GroupBy switch
        {
            TimelineGroup.Kind or TimelineGroup.Tag => DeadlineKind,
            TimelineGroup.Country => data.SetBy(status.DeadlineId)?.Event.Location is { Country.Length: > 0 } l ? l.Country : "(no country)",
            TimelineGroup.Deadline => DeadlineGroup(status.DeadlineId),
            _ => null,
        };

        private string DeadlineGroup(string id) =>
            data.Deadlines.FirstOrDefault(s => s.DeadlineId == id) is { Title.Length: > 0 } s ? s.Title : id;
    }
}
