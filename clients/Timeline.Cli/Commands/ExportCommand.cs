using System.CommandLine;
using Spectre.Console;
using Timeline.Cli.Export;
using Timeline.Cli.Infrastructure;
using Timeline.Cli.Output;
using Timeline.Domain.Dates;
using Timeline.V1;

namespace Timeline.Cli.Commands;

/// <summary>
/// `timeline export --format F [--out FILE]`: the chronology `show` would print (same filters),
/// with the status of the deadlines its entries bear on, as JSON, CSV, Markdown, TimelineJS,
/// iCalendar or one self-contained HTML page (docs/EXPORTS.md).
/// </summary>
internal static class ExportCommand
{
    public static Command Create(CliContext context, CommonOptions options)
    {
        var filter = new FilterOptions();
        var format = new Option<ExportFormat>("--format", "-f")
        {
            Description = "json (protobuf JSON), csv, markdown, timelinejs (Knight Lab TimelineJS), ics (deadlines, iCalendar), html (one self-contained page)",
            Required = true,
        };
        var output = new Option<FileInfo>("--out") { Description = "Write to this file instead of standard output (never through a symbolic link; an existing file only with --force)" };
        var force = new Option<bool>("--force") { Description = "Replace the --out file if it exists" };
        var asOf = new Option<string>("--as-of") { Description = "Only events that may have happened by this day, and deadline status as of it (YYYY-MM-DD; default today)" };
        var title = new Option<string>("--title") { Description = "Title of the page, table or calendar (default \"Timeline\")" };
        var groupBy = new Option<TimelineGroup>("--group-by")
        {
            Description = "TimelineJS rows: kind (default), tag, country, deadline or none",
            DefaultValueFactory = _ => TimelineGroup.Kind,
        };
        var command = new Command("export", "Export the timeline (same filters as show) as JSON, CSV, Markdown, TimelineJS, iCalendar or HTML")
        {
            format, output, force, asOf, title, groupBy,
        };
        filter.AddTo(command);
        command.SetAction((result, ct) => CommandRunner.RunAsync(context, async () =>
        {
            // Refused before any read, so a wrong path costs nothing; checked again when the file is written.
            var file = result.GetValue(output) is { } named ? ExportFile.Check(named.FullName, result.GetValue(force)) : null;
            using var connections = Connections.From(options, result);
            var day = result.GetValue(asOf) ?? "";
            var request = new GetTimelineRequest { Filter = filter.Build(result), AsOf = day };
            var timeline = new GetTimelineResponse { Entries = { await Pages.TimelineAsync(connections.Timeline, request, ct) } };
            var deadlines = await DeadlinesAsync(connections.Timeline, ExportData.DeadlineIds(timeline.Entries), day, ct);
            var now = TimeProvider.System.GetUtcNow();
            var kind = result.GetValue(format);
            var data = new ExportData(
                timeline.Entries,
                deadlines,
                deadlines.Count > 0 ? deadlines[0].AsOf : day.Length > 0 ? day : CalendarDay.FromDateTime(now.UtcDateTime).ToString(),
                now)
            {
                Title = result.GetValue(title) ?? "Timeline",
                GroupBy = result.GetValue(groupBy),
            };
            if (kind == ExportFormat.Ics && deadlines.Count > 0)
            {
                data = data with
                {
                    StoreId = await StoreIdentity.RequireAsync(connections.Storage, ct),
                    Revisions = await DeadlineRevisions.ReadAsync(connections.Timeline, deadlines, now, ct),
                };
            }

            ExportWritten written;
            if (file is not null)
            {
                written = ExportFile.Write(file, result.GetValue(force), writer => Exporter.Write(kind, data, writer));
                context.Console.WriteLine($"Wrote {Exporter.Describe(kind, written)} to {file} ({kind.ToString().ToLowerInvariant()})");
            }
            else
            {
                written = Exporter.Write(kind, data, context.Output);
            }

            foreach (var note in Exporter.Missing(kind, data, written))
            {
                context.Error.WriteLine($"note: {note}");
            }

            return 0;
        }, ct));
        return command;
    }

    /// <summary>The status of each deadline the entries bear on (none when they bear on none), as of the day.</summary>
    public static async Task<List<DeadlineStatus>> DeadlinesAsync(TimelineClient client, IReadOnlyList<string> ids, string asOf, CancellationToken ct)
    {
        var statuses = new List<DeadlineStatus>();
        if (ids.Count == 0)
        {
            return statuses;
        }

        return await Pages.DeadlinesAsync(client, new ListDeadlinesRequest { DeadlineIds = { ids }, AsOf = asOf }, ct);
    }
}
