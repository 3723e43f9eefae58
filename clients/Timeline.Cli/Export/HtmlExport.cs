using System.Net;
using System.Text.Json;
using Timeline.Cli.Output;
using Timeline.V1;

namespace Timeline.Cli.Export;

/// <summary>
/// One self-contained HTML page (inline CSS and JavaScript, nothing fetched: its Content Security
/// Policy forbids it) that draws the chronology: each entry a row whose bar runs from its earliest
/// to its latest possible day, so a fuzzy date looks as wide as it is, and each deadline a vertical
/// marker on its due date coloured by status. Each entry's element carries <c>data-event-id</c>,
/// each bar the class <c>bar</c>, each marker <c>data-deadline-id</c> and <c>data-state</c>.
/// The data travels as JSON inside the page and the script draws it, so the page works offline.
/// </summary>
internal static class HtmlExport
{
    public static void Write(ExportData data, TextWriter writer)
    {
        var model = new
        {
            title = data.Title,
            asOf = data.AsOf,
            entries = data.Entries.Select(entry => new
            {
                id = entry.Event.EventId,
                title = entry.Event.Title,
                display = entry.DisplayDate.Length > 0 ? entry.DisplayDate : Render.Date(entry.Event.Occurred),
                earliest = Exporter.Day(entry.Event.Occurred?.Earliest ?? "")?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                latest = Exporter.Day(entry.Event.Occurred?.Latest ?? "")?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                bounds = Render.Bounds(entry.Event.Occurred),
                uncertain = entry.OrderUncertain,
                kind = entry.Event.Kind,
                tags = entry.Event.Tags.ToArray(),
                summary = entry.Event.Summary,
                deadline = entry.Event.Deadline is { } d ? $"{Render.Effect(d.Effect)} {d.DeadlineId}" : "",
            }),
            deadlines = data.Deadlines.Select(s => new
            {
                id = s.DeadlineId,
                title = s.Title.Length > 0 ? s.Title : s.DeadlineId,
                state = s.State.ToString(),
                label = Render.State(s.State),
                color = Color(s.State),
                due = Exporter.Day(s.Due?.Latest ?? "")?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                status = Render.StatusLine(s),
                why = s.Reasons.Count > 0 ? Render.Reason(s.Reasons[0]) : "",
            }),
            colors = Enum.GetValues<DeadlineState>().Where(s => s != DeadlineState.Unspecified)
                .Select(s => new { label = Render.State(s), color = Color(s) }),
        };

        // System.Text.Json escapes <, > and & by default, so the data cannot close the script element.
        var json = JsonSerializer.Serialize(model);
        var title = WebUtility.HtmlEncode(data.Title);
        writer.Write($$"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="generator" content="timeline export">
            <title>{{title}}</title>
            <style>{{Css}}</style>
            </head>
            <body>
            <header>
            <h1>{{title}}</h1>
            <p class="meta" id="meta"></p>
            <p class="legend" id="legend"></p>
            </header>
            <main id="timeline" aria-label="Chronology"></main>
            <noscript><p>This page draws the timeline with JavaScript; the data is in the element #timeline-data.</p></noscript>
            <script type="application/json" id="timeline-data">{{json}}</script>
            <script>{{Script}}</script>
            </body>
            </html>

            """);
    }

    /// <summary>The status colours, as the terminal shows them.</summary>
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

    private const string Css = """
        :root { --label: 40%; font-family: system-ui, sans-serif; color: #1a1a1a; }
        body { margin: 0; padding: 1rem 1.5rem; }
        h1 { font-size: 1.3rem; margin: 0 0 .25rem; }
        .meta, .legend { margin: .2rem 0; font-size: .85rem; color: #555; }
        .legend .swatch { display: inline-block; width: .8em; height: .8em; margin: 0 .25em 0 .8em; vertical-align: middle; border-radius: 2px; }
        #timeline { position: relative; margin-top: 1rem; }
        .axis { position: relative; height: 1.4rem; margin-left: var(--label); border-bottom: 1px solid #999; font-size: .75rem; color: #555; }
        .tick { position: absolute; top: 0; border-left: 1px solid #bbb; padding-left: 2px; height: 100%; white-space: nowrap; }
        .entry { display: flex; align-items: center; min-height: 1.3rem; border-bottom: 1px solid #f0f0f0; font-size: .8rem; }
        .entry:hover { background: #f5f8ff; }
        .label { width: var(--label); flex: none; overflow: hidden; white-space: nowrap; text-overflow: ellipsis; padding-right: .5rem; box-sizing: border-box; }
        .label .when { color: #555; margin-right: .4rem; }
        .entry.uncertain .label .when::before { content: "~ "; color: #b26a00; font-weight: bold; }
        .track { position: relative; flex: 1; height: 1.3rem; }
        .bar { position: absolute; top: .35rem; height: .6rem; min-width: 3px; background: #5c6bc0; border-radius: 3px; opacity: .85; }
        .bar.open-start { border-top-left-radius: 0; border-bottom-left-radius: 0; }
        .bar.open-end { border-top-right-radius: 0; border-bottom-right-radius: 0; }
        .entry.uncertain .bar { background: repeating-linear-gradient(45deg, #5c6bc0, #5c6bc0 4px, #9fa8da 4px, #9fa8da 8px); }
        .entry.has-deadline .bar { background: #8e24aa; }
        .deadlines { position: absolute; top: 0; bottom: 0; left: var(--label); right: 0; pointer-events: none; }
        .deadline { position: absolute; top: 0; bottom: 0; border-left: 2px dashed; }
        .deadline .flag { position: absolute; top: 0; left: 3px; font-size: .7rem; font-weight: bold; color: #fff; padding: 1px 4px; border-radius: 2px; white-space: nowrap; }
        """;

    private const string Script = """
        (function () {
          "use strict";
          var data = JSON.parse(document.getElementById("timeline-data").textContent);
          var DAY = 86400000;
          // Date.UTC reads years 0–99 as 1900–1999 and Date.parse no year before 0000: set the year itself.
          function utc(y, m, d) { var t = new Date(0); t.setUTCFullYear(y, m, d); return t.getTime(); }
          function day(s) { var p = /^(-?\d{4})-(\d{2})-(\d{2})$/.exec(s); return utc(+p[1], +p[2] - 1, +p[3]) / DAY; }
          function year(y) { return y > 0 ? String(y) : (1 - y) + " BCE"; }
          function el(tag, cls, text) {
            var e = document.createElement(tag);
            if (cls) e.className = cls;
            if (text !== undefined) e.textContent = text;
            return e;
          }
          var min = Infinity, max = -Infinity;
          data.entries.forEach(function (e) {
            if (e.earliest) { min = Math.min(min, day(e.earliest)); max = Math.max(max, day(e.earliest) + 1); }
            if (e.latest) { max = Math.max(max, day(e.latest) + 1); min = Math.min(min, day(e.latest)); }
          });
          data.deadlines.forEach(function (d) {
            if (d.due) { min = Math.min(min, day(d.due)); max = Math.max(max, day(d.due) + 1); }
          });
          if (!isFinite(min)) { min = 0; max = 1; }
          var pad = Math.max((max - min) * 0.02, 1);
          min -= pad; max += pad;
          function pct(x) { return (x - min) / (max - min) * 100; }

          document.getElementById("meta").textContent = data.entries.length + " events" +
            (data.deadlines.length ? " \u00b7 " + data.deadlines.length + " deadlines, status as of " + data.asOf : "") +
            " \u00b7 each bar runs from the earliest to the latest day the event may have happened";
          var legend = document.getElementById("legend");
          legend.appendChild(document.createTextNode("Deadline status:"));
          data.colors.forEach(function (c) {
            var s = el("span", "swatch"); s.style.background = c.color;
            legend.appendChild(s); legend.appendChild(document.createTextNode(c.label));
          });
          legend.appendChild(document.createTextNode("  \u00b7  ~ order uncertain: dates overlap a neighbour's"));

          var root = document.getElementById("timeline");
          var axis = el("div", "axis");
          var first = new Date(min * DAY).getUTCFullYear(), last = new Date(max * DAY).getUTCFullYear();
          var step = Math.max(1, Math.ceil((last - first + 1) / 12));
          for (var y = first; y <= last + 1; y += step) {
            var x = pct(utc(y, 0, 1) / DAY);
            if (x < 0 || x > 100) continue;
            var t = el("div", "tick", year(y)); t.style.left = x + "%"; axis.appendChild(t);
          }
          if (axis.childNodes.length < 2) {
            for (var m = 0; m < 12 * (last - first + 1); m++) {
              var xm = pct(utc(first, m, 1) / DAY);
              if (xm < 0 || xm > 100) continue;
              var d0 = new Date(utc(first, m, 1));
              var tm = el("div", "tick", year(d0.getUTCFullYear()) + "-" + String(d0.getUTCMonth() + 1).padStart(2, "0"));
              tm.style.left = xm + "%"; axis.appendChild(tm);
            }
          }
          root.appendChild(axis);

          data.entries.forEach(function (e) {
            var row = el("div", "entry" + (e.uncertain ? " uncertain" : "") + (e.deadline ? " has-deadline" : ""));
            row.dataset.eventId = e.id;
            row.title = e.display + " (" + e.bounds + ")\n" + e.title + (e.deadline ? "\nDeadline: " + e.deadline : "") +
              (e.tags.length ? "\nTags: " + e.tags.join(", ") : "") + (e.summary ? "\n\n" + e.summary : "");
            var label = el("div", "label");
            label.appendChild(el("span", "when", e.display));
            label.appendChild(el("span", "what", e.title));
            row.appendChild(label);
            var track = el("div", "track");
            if (e.earliest || e.latest) {
              var start = e.earliest ? day(e.earliest) : min;
              var end = e.latest ? day(e.latest) + 1 : max;
              var bar = el("div", "bar" + (e.earliest ? "" : " open-start") + (e.latest ? "" : " open-end"));
              bar.style.left = pct(start) + "%";
              bar.style.width = Math.max(pct(end) - pct(start), 0.2) + "%";
              bar.dataset.earliest = e.earliest || "";
              bar.dataset.latest = e.latest || "";
              track.appendChild(bar);
            }
            row.appendChild(track);
            root.appendChild(row);
          });

          var overlay = el("div", "deadlines");
          data.deadlines.forEach(function (d) {
            if (!d.due) return;
            var marker = el("div", "deadline");
            marker.dataset.deadlineId = d.id;
            marker.dataset.state = d.state;
            marker.style.left = pct(day(d.due)) + "%";
            marker.style.borderColor = d.color;
            marker.title = d.title + ": " + d.status + (d.why ? "\n" + d.why : "");
            var flag = el("span", "flag", d.label + " \u00b7 " + d.title + " \u00b7 due " + d.due);
            flag.style.background = d.color;
            if (pct(day(d.due)) > 60) { flag.style.left = "auto"; flag.style.right = "3px"; }
            marker.appendChild(flag);
            overlay.appendChild(marker);
          });
          root.appendChild(overlay);
        })();
        """;
}
