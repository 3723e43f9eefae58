using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Timeline.Cli.Output;
using Timeline.TimelineServer.Page;
using Timeline.V1;

namespace Timeline.Cli.Export;

/// <summary>
/// The page the timeline service serves (docs/PAGE.md), as one file with its data embedded: the
/// same index.html, app.js and app.css (one renderer, no second drawing code), the chronology and
/// the deadline statuses as JSON in a <c>&lt;script type="application/json" id="timeline-data"&gt;</c>
/// that the script reads instead of asking the service. Nothing is fetched: the Content-Security-Policy
/// allows no request at all, and only the one script and the one style sheet whose SHA-256 it names.
/// </summary>
internal static class HtmlExport
{
    private static readonly JsonFormatter Json = new(JsonFormatter.Settings.Default);

    public static ExportWritten Write(ExportData data, TextWriter writer)
    {
        var script = PageEndpoints.Asset("app.js");
        var style = PageEndpoints.Asset("app.css");
        var title = Text(data.Title);
        var policy = $"default-src 'none'; script-src '{Hash(script)}'; style-src '{Hash(style)}'; img-src 'none'; connect-src 'none'; base-uri 'none'; form-action 'none'";
        var page = PageEndpoints.Asset("index.html");
        page = Replace(page, "<!doctype html>", "<!DOCTYPE html>");
        page = Replace(page, "<meta name=\"referrer\" content=\"no-referrer\">", $"<meta name=\"referrer\" content=\"no-referrer\">\n<meta http-equiv=\"Content-Security-Policy\" content=\"{policy}\">\n<meta name=\"generator\" content=\"timeline export\">");
        page = Replace(page, "<title>Timeline</title>", $"<title>{title}</title>");
        page = Replace(page, "<link rel=\"stylesheet\" href=\"/page/app.css\">", $"<style>{style}</style>");
        page = Replace(page, "<script src=\"/page/app.js\" defer></script>\n", "");
        page = Replace(page, "<h1>Timeline</h1>", $"<h1>{title}</h1>");
        var meta = data.Deadlines.Count > 0
            ? $"{Counts.Of(data.Entries.Count, "event")} · {Counts.Of(data.Deadlines.Count, "deadline")}, status as of {data.AsOf}"
            : Counts.Of(data.Entries.Count, "event");
        page = Replace(page, "data-connection=\"connecting\">Connecting…</p>", $"data-connection=\"exported\">{Text(meta)} · exported, not live</p>");
        page = Replace(page, "</body>", $"<script type=\"application/json\" id=\"timeline-data\">{Data(data)}</script>\n<script>{script}</script>\n</body>");
        writer.Write(page);
        return new ExportWritten(data.Entries.Count, data.Deadlines.Count);
    }

    /// <summary>
    /// <c>{"title","asOf","generatedAt","entries":[TimelineEntry],"deadlines":[DeadlineStatus]}</c>, the
    /// messages as the service's HTTP/JSON answers them. <c>&lt;</c>, <c>&gt;</c> and <c>&amp;</c> are
    /// written as JSON escapes, so no text from the data can close the script element.
    /// </summary>
    private static string Data(ExportData data)
    {
        var json = new StringBuilder();
        json.Append("{\"title\":").Append(JsonSerializer.Serialize(data.Title))
            .Append(",\"asOf\":").Append(JsonSerializer.Serialize(data.AsOf))
            .Append(",\"generatedAt\":").Append(JsonSerializer.Serialize(data.GeneratedAt.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture)))
            .Append(",\"entries\":[").AppendJoin(',', data.Entries.Select(e => Json.Format(e)))
            .Append("],\"deadlines\":[").AppendJoin(',', data.Deadlines.Select(d => Json.Format(d)))
            .Append("]}");
        return json.Replace("<", "\\u003c").Replace(">", "\\u003e").Replace("&", "\\u0026").ToString();
    }

    /// <summary>The CSP source that admits exactly this inline script or style element's text.</summary>
    private static string Hash(string text) => "sha256-" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static string Replace(string page, string what, string with) =>
        page.Contains(what, StringComparison.Ordinal)
            ? page.Replace(what, with, StringComparison.Ordinal)
            : throw new InvalidOperationException($"the page's index.html no longer has {what}; the HTML export needs it");

    /// <summary>The status colours, as the terminal shows them (the TimelineJS export uses them).</summary>
    public static string Color(DeadlineState state) => state switch
    {
        DeadlineState.OnTrack => "#1e88e5",
        DeadlineState.AtRisk => "#f9a825",
        DeadlineState.Met => "#2e7d32",
        DeadlineState.MetLate => "#827717",
        DeadlineState.Missed => "#c62828",
        DeadlineState.Cancelled => "#757575",
        _ => "#000000",
    };

    /// <summary>Text for HTML content: the five characters that mean markup are escaped, the rest (UTF-8) stays as it is.</summary>
    public static string Text(string text) => text
        .Replace("&", "&amp;", StringComparison.Ordinal)
        .Replace("<", "&lt;", StringComparison.Ordinal)
        .Replace(">", "&gt;", StringComparison.Ordinal)
        .Replace("\"", "&quot;", StringComparison.Ordinal)
        .Replace("'", "&#39;", StringComparison.Ordinal);
}
