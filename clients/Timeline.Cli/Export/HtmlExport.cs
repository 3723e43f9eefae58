using System.Net;
using System.Text.Json;
using Timeline.Cli.Output;
using Timeline.V1;

namespace Timeline.Cli.Export;

/// <summary>
/// One self-contained HTML page (inline CSS and JavaScript, nothing fetched: its Content Security
/// Policy forbids it) that draws the chronology: each entry a row whose bar runs from its earliest
/// to its latest possible day, so a fuzzy date looks as wide as it is, and each deadline a vertical
/// marker on its due date coloured by status, with a flag naming it. The axis and the flags stay
/// at the top of the window while the rows scroll under them; the flags are stacked in lanes so
/// none covers another or an axis label, and the axis labels are spaced so none covers another. A
/// text box and a tag list filter the rows, two year boxes zoom to a range of years; below 640 px
/// each row puts its label above its bar. Each entry's element carries <c>data-event-id</c>, each
/// bar the class <c>bar</c>, each marker <c>data-deadline-id</c> and <c>data-state</c>, each flag
/// the class <c>flag</c>. The data travels as JSON inside the page and the script draws it.
/// </summary>
internal static class HtmlExport
{
    public static ExportWritten Write(ExportData data, TextWriter writer)
    {
        var model = new
        {
            asOf = data.AsOf,
            entries = data.Entries.Select(entry => new
            {
                id = entry.Event.EventId,
                title = entry.Event.Title,
                display = entry.DisplayDate.Length > 0 ? entry.DisplayDate : Render.Date(entry.Event.Occurred),
                earliest = Exporter.Bound(entry.Event.Occurred?.Earliest),
                latest = Exporter.Bound(entry.Event.Occurred?.Latest),
                bounds = Render.Bounds(entry.Event.Occurred),
                uncertain = entry.OrderUncertain,
                kind = entry.Event.Kind,
                tags = entry.Event.Tags.ToArray(),
                summary = entry.Event.Summary,
                deadline = entry.Event.Deadline is { } d ? $"{Render.Effect(d.Effect)} {d.DeadlineId}" : "",
                place = Place(entry.Event.Location),
                search = SearchText(entry),
            }),
            deadlines = data.Deadlines.Select(s => new
            {
                id = s.DeadlineId,
                title = s.Title.Length > 0 ? s.Title : s.DeadlineId,
                state = s.State.ToString(),
                label = Render.State(s.State),
                color = Color(s.State),
                due = Exporter.Bound(s.Due?.Latest),
                status = Render.StatusLine(s),
                why = s.Reasons.Count > 0 ? Render.Reason(s.Reasons[0]) : "",
            }),
            colors = Enum.GetValues<DeadlineState>().Where(s => s != DeadlineState.Unspecified)
                .Select(s => new { label = Render.State(s), color = Color(s) }),
        };

        // System.Text.Json escapes <, > and & by default, so the data cannot close the script element.
        var json = JsonSerializer.Serialize(model);
        var title = Text(data.Title);
        var meta = data.Deadlines.Count > 0
            ? $"{Counts.Of(data.Entries.Count, "event")} · {Counts.Of(data.Deadlines.Count, "deadline")}, status as of {data.AsOf}"
            : Counts.Of(data.Entries.Count, "event");
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
            <p class="meta" id="meta">{{Text(meta)}} · each bar runs from the earliest to the latest day the event may have happened</p>
            <p class="legend" id="legend"></p>
            <form class="controls" id="controls" role="search" onsubmit="return false">
            <label>Find <input type="search" id="filter" placeholder="words in title, summary, place, kind" autocomplete="off"></label>
            <label>Tag <select id="tag"><option value="">all tags</option></select></label>
            <span class="years"><label>Years <input type="number" id="from-year" inputmode="numeric" aria-label="from year"></label>
            <label>to <input type="number" id="to-year" inputmode="numeric" aria-label="to year"></label></span>
            <button type="button" id="reset">Show all</button>
            <output id="shown" aria-live="polite"></output>
            </form>
            <ul class="deadline-list" id="deadline-list"></ul>
            </header>
            <main class="chart" id="timeline" aria-label="Chronology">
            <div class="chart-head" id="chart-head"><div class="spacer"></div><div class="scale" id="scale"><div class="axis" id="axis"></div><div class="flags" id="flags"></div></div></div>
            <div class="rows" id="rows"><div class="markers" id="markers"></div></div>
            </main>
            <noscript><p>This page draws the timeline with JavaScript; the data is in the element #timeline-data.</p></noscript>
            <script type="application/json" id="timeline-data">{{json}}</script>
            <script>{{Script}}</script>
            </body>
            </html>

            """);
        return new ExportWritten(data.Entries.Count, data.Deadlines.Count);
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

    /// <summary>Text for HTML content: the five characters that mean markup are escaped, the rest (UTF-8) stays as it is.</summary>
    public static string Text(string text) => text
        .Replace("&", "&amp;", StringComparison.Ordinal)
        .Replace("<", "&lt;", StringComparison.Ordinal)
        .Replace(">", "&gt;", StringComparison.Ordinal)
        .Replace("\"", "&quot;", StringComparison.Ordinal)
        .Replace("'", "&#39;", StringComparison.Ordinal);

    /// <summary>What the find box searches, lower case: title, summary, kind, tags, actors, place, id, deadline.</summary>
    private static string SearchText(TimelineEntry entry)
    {
        var e = entry.Event;
        return string.Join(' ', e.Title, e.Summary, e.Kind, string.Join(' ', e.Tags), string.Join(' ', e.Actors), Place(e.Location), e.EventId, e.Deadline?.DeadlineId ?? "", entry.DisplayDate)
            .ToLowerInvariant();
    }

    /// <summary>"Tessalit, Kidal, MLI": the place from the most precise to the country.</summary>
    private static string Place(Location? location) =>
        location is null ? "" : string.Join(", ", new[] { location.Name, location.Admin2, location.Admin1, location.Country }.Where(p => p.Length > 0));

    private const string Css = """
        :root { --label: clamp(9rem, 34%, 26rem); --lane: 1.25rem; font-family: system-ui, sans-serif; color: #1a1a1a; }
        *, *::before, *::after { box-sizing: border-box; }
        body { margin: 0; padding: 0 1rem 1rem; }
        header { padding-top: .75rem; }
        h1 { font-size: 1.3rem; margin: 0 0 .25rem; overflow-wrap: anywhere; }
        .meta, .legend { margin: .2rem 0; font-size: .85rem; color: #555; overflow-wrap: anywhere; }
        .legend .swatch { display: inline-block; width: .8em; height: .8em; margin: 0 .25em 0 .8em; vertical-align: middle; border-radius: 2px; }
        .controls { display: flex; flex-wrap: wrap; gap: .4rem .8rem; align-items: center; margin: .5rem 0; font-size: .85rem; }
        .controls input[type=search] { width: 16rem; max-width: 100%; }
        .controls input[type=number] { width: 5.5rem; }
        .controls select { max-width: 12rem; }
        .controls label { display: inline-flex; gap: .3rem; align-items: center; max-width: 100%; }
        .controls output { color: #555; }
        .deadline-list { list-style: none; margin: .3rem 0; padding: 0; display: flex; flex-wrap: wrap; gap: .3rem; font-size: .8rem; }
        .deadline-list li { border-left: 4px solid; padding: .15rem .4rem; background: #fafafa; max-width: 100%; overflow-wrap: anywhere; }
        .chart { position: relative; margin-top: .5rem; }
        .chart-head { position: sticky; top: 0; z-index: 3; display: flex; background: #fff; border-bottom: 1px solid #999; }
        .chart-head .spacer { width: var(--label); flex: none; }
        .scale { position: relative; flex: 1; min-width: 0; }
        .axis { position: relative; height: 1.4rem; font-size: .75rem; color: #555; }
        .tick { position: absolute; top: 0; border-left: 1px solid #bbb; padding-left: 2px; height: 100%; white-space: nowrap; }
        .flags { position: relative; height: 0; }
        .flag { position: absolute; left: 0; height: calc(var(--lane) - 2px); line-height: calc(var(--lane) - 2px); font-size: .7rem; font-weight: bold; color: #fff; padding: 0 4px; border-radius: 2px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; max-width: 100%; }
        .rows { position: relative; }
        .entry { display: flex; align-items: center; min-height: 1.3rem; border-bottom: 1px solid #f0f0f0; font-size: .8rem; }
        .entry[hidden] { display: none; }
        .entry:hover { background: #f5f8ff; }
        .label { width: var(--label); flex: none; min-width: 0; overflow: hidden; white-space: nowrap; text-overflow: ellipsis; padding-right: .5rem; }
        .label .when { color: #555; margin-right: .4rem; }
        .entry.uncertain .label .when::before { content: "~ "; color: #b26a00; font-weight: bold; }
        .track { position: relative; flex: 1; min-width: 0; height: 1.3rem; overflow: hidden; }
        .bar { position: absolute; top: .35rem; height: .6rem; min-width: 3px; background: #5c6bc0; border-radius: 3px; opacity: .85; }
        .bar.open-start { border-top-left-radius: 0; border-bottom-left-radius: 0; }
        .bar.open-end { border-top-right-radius: 0; border-bottom-right-radius: 0; }
        .entry.uncertain .bar { background: repeating-linear-gradient(45deg, #5c6bc0, #5c6bc0 4px, #9fa8da 4px, #9fa8da 8px); }
        .entry.has-deadline .bar { background: #8e24aa; }
        .markers { position: absolute; top: 0; bottom: 0; left: var(--label); right: 0; pointer-events: none; z-index: 1; }
        .deadline { position: absolute; top: 0; bottom: 0; border-left: 2px dashed; }
        @media (max-width: 640px) {
          :root { --label: 0px; }
          body { padding: 0 .5rem .5rem; }
          .chart-head .spacer { display: none; }
          .entry { flex-wrap: wrap; padding: .15rem 0; }
          .label { width: 100%; flex: 1 1 100%; white-space: normal; overflow-wrap: anywhere; padding-right: 0; }
          .track { flex: 1 1 100%; }
          .controls input[type=search] { width: 100%; }
        }
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
          function yearStart(y) { return utc(y, 0, 1) / DAY; }
          function el(tag, cls, text) {
            var e = document.createElement(tag);
            if (cls) e.className = cls;
            if (text !== undefined) e.textContent = text;
            return e;
          }
          function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }

          // The full extent of the data, in days.
          var min = Infinity, max = -Infinity;
          data.entries.forEach(function (e) {
            if (e.earliest) { min = Math.min(min, day(e.earliest)); max = Math.max(max, day(e.earliest) + 1); }
            if (e.latest) { max = Math.max(max, day(e.latest) + 1); min = Math.min(min, day(e.latest)); }
          });
          data.deadlines.forEach(function (d) {
            if (d.due) { min = Math.min(min, day(d.due)); max = Math.max(max, day(d.due) + 1); }
          });
          if (!isFinite(min)) { min = 0; max = 1; }
          var firstYear = new Date(min * DAY).getUTCFullYear(), lastYear = new Date((max - 1) * DAY).getUTCFullYear();
          var view = { from: 0, to: 1 };
          function setView(a, b) { var pad = Math.max((b - a) * 0.02, 1); view.from = a - pad; view.to = b + pad; }
          function pct(x) { return (x - view.from) / (view.to - view.from) * 100; }

          var legend = document.getElementById("legend");
          legend.appendChild(document.createTextNode("Deadline status:"));
          data.colors.forEach(function (c) {
            var s = el("span", "swatch"); s.style.background = c.color;
            legend.appendChild(s); legend.appendChild(document.createTextNode(c.label));
          });
          legend.appendChild(document.createTextNode("  ·  ~ order uncertain: dates overlap a neighbour's"));

          var list = document.getElementById("deadline-list");
          data.deadlines.forEach(function (d) {
            var li = el("li");
            li.style.borderColor = d.color;
            li.dataset.deadlineId = d.id;
            li.appendChild(el("strong", "", d.title + ": "));
            li.appendChild(document.createTextNode(d.status + (d.why ? " · " + d.why : "")));
            list.appendChild(li);
          });

          // Rows, drawn once; zoom moves their bars, filters hide them.
          var rowsEl = document.getElementById("rows");
          var markersEl = document.getElementById("markers");
          var rows = data.entries.map(function (e) {
            var row = el("div", "entry" + (e.uncertain ? " uncertain" : "") + (e.deadline ? " has-deadline" : ""));
            row.dataset.eventId = e.id;
            row.dataset.tags = " " + e.tags.join(" ") + " ";
            row.title = e.display + " (" + e.bounds + ")\n" + e.title + (e.place ? "\nPlace: " + e.place : "") + (e.deadline ? "\nDeadline: " + e.deadline : "") +
              (e.tags.length ? "\nTags: " + e.tags.join(", ") : "") + (e.summary ? "\n\n" + e.summary : "");
            var label = el("div", "label");
            label.appendChild(el("span", "when", e.display));
            label.appendChild(el("span", "what", e.title));
            row.appendChild(label);
            var track = el("div", "track");
            var bar = null;
            if (e.earliest || e.latest) {
              bar = el("div", "bar");
              bar.dataset.earliest = e.earliest || "";
              bar.dataset.latest = e.latest || "";
              track.appendChild(bar);
            }
            row.appendChild(track);
            rowsEl.appendChild(row);
            return { e: e, row: row, bar: bar, start: e.earliest ? day(e.earliest) : -Infinity, end: e.latest ? day(e.latest) + 1 : Infinity };
          });
          var markers = data.deadlines.filter(function (d) { return d.due; }).map(function (d) {
            var marker = el("div", "deadline");
            marker.dataset.deadlineId = d.id;
            marker.dataset.state = d.state;
            marker.style.borderColor = d.color;
            marker.title = d.title + ": " + d.status + (d.why ? "\n" + d.why : "");
            markersEl.appendChild(marker);
            var flag = el("span", "flag", d.label + " · " + d.title + " · due " + d.due);
            flag.dataset.deadlineId = d.id;
            flag.title = marker.title;
            flag.style.background = d.color;
            document.getElementById("flags").appendChild(flag);
            return { d: d, marker: marker, flag: flag, at: day(d.due) };
          });

          function drawBars() {
            rows.forEach(function (r) {
              if (!r.bar) return;
              var a = Math.max(pct(r.start), 0), b = Math.min(pct(r.end), 100);
              r.bar.className = "bar" + (pct(r.start) < 0 ? " open-start" : "") + (pct(r.end) > 100 ? " open-end" : "");
              r.bar.style.left = a + "%";
              r.bar.style.width = Math.max(b - a, 0.2) + "%";
            });
          }

          // Axis labels at the finest step whose labels do not touch.
          var axis = document.getElementById("axis");
          var steps = [[1, "day"], [7, "day"], [1, "month"], [3, "month"], [6, "month"], [1, "year"], [2, "year"], [5, "year"], [10, "year"], [20, "year"], [50, "year"], [100, "year"], [250, "year"], [500, "year"], [1000, "year"]];
          function ticks(step) {
            var out = [], n = step[0], unit = step[1], t = new Date(view.from * DAY), d;
            if (unit === "year") { d = new Date(0); d.setUTCFullYear(Math.ceil(t.getUTCFullYear() / n) * n, 0, 1); }
            else if (unit === "month") { d = new Date(utc(t.getUTCFullYear(), 0, 1)); }
            else { d = new Date(Math.ceil(view.from) * DAY); }
            for (var guard = 0; guard < 5000 && d.getTime() / DAY <= view.to; guard++) {
              var x = d.getTime() / DAY;
              if (x >= view.from) {
                var y = d.getUTCFullYear(), m = String(d.getUTCMonth() + 1).padStart(2, "0");
                out.push({ x: x, text: unit === "year" ? year(y) : unit === "month" ? year(y) + "-" + m : year(y) + "-" + m + "-" + String(d.getUTCDate()).padStart(2, "0") });
              }
              if (unit === "year") d.setUTCFullYear(d.getUTCFullYear() + n);
              else if (unit === "month") d.setUTCMonth(d.getUTCMonth() + n);
              else d.setUTCDate(d.getUTCDate() + n);
            }
            return out;
          }
          function drawAxis() {
            var width = axis.clientWidth;
            for (var i = 0; i < steps.length; i++) {
              axis.textContent = "";
              var made = ticks(steps[i]).filter(function (t) { return pct(t.x) <= 100; }).map(function (t) {
                var tick = el("div", "tick", t.text); tick.style.left = pct(t.x) + "%"; axis.appendChild(tick); return tick;
              });
              if (made.length > 60) continue;
              // A label that would stick out past the right edge is left out, not squeezed.
              made = made.filter(function (tick) {
                if (tick.offsetLeft + tick.offsetWidth <= width) return true;
                axis.removeChild(tick); return false;
              });
              var fits = made.every(function (tick, j) {
                return j === made.length - 1 || tick.offsetLeft + tick.offsetWidth + 6 <= made[j + 1].offsetLeft;
              });
              if (fits && made.length >= 2) return;
            }
          }

          // Flags in lanes: each goes on the first lane where it touches no flag already there.
          function drawFlags() {
            var flagsEl = document.getElementById("flags"), width = flagsEl.clientWidth, lanes = [];
            var lane = parseFloat(getComputedStyle(document.documentElement).getPropertyValue("--lane")) * parseFloat(getComputedStyle(document.documentElement).fontSize) || 20;
            markers.slice().sort(function (a, b) { return a.at - b.at; }).forEach(function (m) {
              var x = pct(m.at), inView = x >= 0 && x <= 100;
              m.marker.style.display = inView ? "" : "none";
              m.flag.style.display = inView ? "" : "none";
              if (!inView) return;
              m.marker.style.left = x + "%";
              var w = Math.min(m.flag.scrollWidth + 1, width);
              m.flag.style.width = w + "px";
              var left = Math.max(0, Math.min(x / 100 * width + 3, width - w));
              if (left + w > width) left = Math.max(0, width - w);
              var i = 0;
              while (i < lanes.length && lanes[i] + 4 > left) i++;
              lanes[i] = left + w;
              m.flag.style.left = left + "px";
              m.flag.style.top = (i * lane) + "px";
            });
            flagsEl.style.height = (lanes.length * lane) + "px";
          }

          var filter = document.getElementById("filter"), tag = document.getElementById("tag");
          var fromYear = document.getElementById("from-year"), toYear = document.getElementById("to-year"), shown = document.getElementById("shown");
          var counts = {};
          data.entries.forEach(function (e) { e.tags.forEach(function (t) { counts[t] = (counts[t] || 0) + 1; }); });
          Object.keys(counts).sort(function (a, b) { return counts[b] - counts[a] || (a < b ? -1 : 1); }).forEach(function (t) {
            var o = el("option", "", t + " (" + counts[t] + ")"); o.value = t; tag.appendChild(o);
          });
          [fromYear, toYear].forEach(function (input) { input.min = firstYear; input.max = lastYear; });
          fromYear.placeholder = firstYear; toYear.placeholder = lastYear;

          function apply() {
            var a = parseInt(fromYear.value, 10), b = parseInt(toYear.value, 10);
            if (isNaN(a)) a = firstYear;
            if (isNaN(b)) b = lastYear;
            if (b < a) { var t = a; a = b; b = t; }
            var zoomed = a !== firstYear || b !== lastYear;
            if (zoomed) setView(yearStart(a), yearStart(b + 1)); else setView(min, max);
            var words = filter.value.toLowerCase().split(/\s+/).filter(Boolean), wanted = tag.value, visible = 0;
            rows.forEach(function (r) {
              var ok = (!zoomed || (r.end > yearStart(a) && r.start < yearStart(b + 1))) &&
                (!wanted || r.e.tags.indexOf(wanted) >= 0) &&
                words.every(function (w) { return r.e.search.indexOf(w) >= 0; });
              r.row.hidden = !ok;
              if (ok) visible++;
            });
            shown.textContent = visible === rows.length ? plural(rows.length, "event") : visible + " of " + plural(rows.length, "event") + " shown";
            drawBars(); drawAxis(); drawFlags();
          }
          var timer = 0;
          filter.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(apply, 120); });
          [tag, fromYear, toYear].forEach(function (c) { c.addEventListener("change", apply); });
          document.getElementById("reset").addEventListener("click", function () { filter.value = ""; tag.value = ""; fromYear.value = ""; toYear.value = ""; apply(); });
          window.addEventListener("resize", function () { drawAxis(); drawFlags(); });
          apply();
          document.body.dataset.drawn = "true";
        })();
        """;
}
