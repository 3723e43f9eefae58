using System.CommandLine;
using Spectre.Console;
using Timeline.Cli.Infrastructure;
using Timeline.Cli.Output;
using Timeline.V1;

namespace Timeline.Cli.Commands;

/// <summary>`timeline deadlines [--as-of DATE] [--id ID]`: where each deadline stands, and why.</summary>
internal static class DeadlinesCommand
{
    public static Command Create(CliContext context, CommonOptions options)
    {
        var asOf = new Option<string>("--as-of") { Description = "The day to evaluate (YYYY-MM-DD); default today (UTC)", CustomParser = OptionValues.Day("--as-of") };
        var ids = DeadlineIds();
        var minPosition = CommonOptions.MinPosition();
        var command = new Command("deadlines", "Show the status of each deadline as of a day") { asOf, ids, minPosition };
        command.SetAction((result, ct) => CommandRunner.RunAsync(context, async () =>
        {
            using var connections = Connections.From(options, result);
            var requested = result.GetValue(ids) ?? [];
            var request = new ListDeadlinesRequest { AsOf = result.GetValue(asOf) ?? "", PageSize = 1000, MinPosition = result.GetValue(minPosition) };
            request.DeadlineIds.AddRange(requested);
            var all = await ListAsync(connections.Timeline, request, ct);
            var day = all.Deadlines.Count > 0 ? all.Deadlines[0].AsOf : request.AsOf.Length > 0 ? request.AsOf : "today";

            if (options.Json(result))
            {
                JsonOutput.WriteLine(context.Output, all);
            }
            else if (all.Deadlines.Count > 0)
            {
                Tables.Write(context, Render.DeadlinesTable(all.Deadlines, showAsOf: false));
            }
            else if (requested.Length == 0)
            {
                context.Console.WriteLine("No deadlines.");
            }

            if (requested.Length > 0)
            {
                var missing = await MissingAsync(connections.Timeline, requested, all.Deadlines.Select(d => d.DeadlineId), day, ct);
                foreach (var message in missing)
                {
                    context.Error.WriteLine($"error: {message}");
                }

                return missing.Count == 0 ? 0 : CommandRunner.Failed;
            }

            // Effects on deadlines no event sets have no status: say so rather than leave them out silently.
            var unset = await UnsetDeadlines.FromTimelineAsync(connections.Timeline, [], ct);
            foreach (var deadline in unset)
            {
                if (options.Json(result))
                {
                    context.Error.WriteLine($"note: {deadline.Describe()}");
                }
                else
                {
                    context.Console.WriteLine($"Not shown: {deadline.Describe()}.");
                }
            }

            return 0;
        }, ct));
        return command;
    }

    public static Option<string[]> DeadlineIds() =>
        new("--deadline", "--id") { Description = "Only this deadline, e.g. minusma-withdrawal (repeatable; --id is the older name)", Arity = ArgumentArity.OneOrMore };

    public static async Task<ListDeadlinesResponse> ListAsync(TimelineClient timeline, ListDeadlinesRequest request, CancellationToken ct)
    {
        return new ListDeadlinesResponse { Deadlines = { await Pages.DeadlinesAsync(timeline, request, ct) } };
    }

    /// <summary>
    /// Why each requested deadline that got no status has none: no event bears on it (with the ids
    /// that exist), no event sets it, or it is set only after <paramref name="asOf"/>.
    /// </summary>
    public static async Task<List<string>> MissingAsync(TimelineClient timeline, IReadOnlyList<string> requested, IEnumerable<string> found, string asOf, CancellationToken ct)
    {
        var shown = found.ToHashSet(StringComparer.Ordinal);
        var missing = requested.Distinct(StringComparer.Ordinal).Where(id => !shown.Contains(id)).ToList();
        if (missing.Count == 0)
        {
            return [];
        }

        var bearing = await Pages.TimelineAsync(timeline, new GetTimelineRequest { Filter = new EventFilter { DeadlineIds = { missing } } }, ct);
        var events = bearing.Select(e => e.Event).ToList();
        var unset = UnsetDeadlines.Among(events).ToDictionary(u => u.DeadlineId, StringComparer.Ordinal);
        List<string>? known = null;
        var messages = new List<string>();
        foreach (var id in missing)
        {
            if (unset.TryGetValue(id, out var never))
            {
                messages.Add(never.Describe());
            }
            else if (events.FirstOrDefault(e => e.Deadline?.DeadlineId == id && e.Deadline.Effect == DeadlineEffectType.Set) is { } set)
            {
                messages.Add($"deadline '{id}' is not set as of {asOf}: it is set by \"{set.Title}\" ({Render.Date(set.Occurred)})");
            }
            else
            {
                known ??= [.. (await ListAsync(timeline, new ListDeadlinesRequest { PageSize = 1000 }, ct)).Deadlines.Select(d => d.DeadlineId)];
                var suggestion = known.Count == 0 ? "there are no deadlines yet"
                    : $"known: {string.Join(", ", known.Take(10))}{(known.Count > 10 ? $" and {known.Count - 10} more" : "")}";
                messages.Add($"no deadline '{id}': no event bears on it ({suggestion})");
            }
        }

        return messages;
    }
}
