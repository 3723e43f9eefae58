using System.CommandLine;
using Grpc.Core;
using Spectre.Console;
using Timeline.Cli.Infrastructure;
using Timeline.Cli.Output;
using Timeline.Domain.Dates;
using Timeline.V1;

namespace Timeline.Cli.Commands;

/// <summary>`timeline replay --from --to`: how each deadline's status moved through a past window.</summary>
internal static class ReplayCommand
{
    public static Command Create(CliContext context, CommonOptions options)
    {
        var from = new Option<string>("--from") { Description = "First day of the window (YYYY-MM-DD)", Required = true, CustomParser = OptionValues.Day("--from") };
        var to = new Option<string>("--to") { Description = "Last day of the window (YYYY-MM-DD)", Required = true, CustomParser = OptionValues.Day("--to") };
        var ids = DeadlinesCommand.DeadlineIds();
        var minPosition = CommonOptions.MinPosition();
        var command = new Command("replay", "Replay the status changes of deadlines inside a window of days") { from, to, ids, minPosition };
        command.SetAction((result, ct) => CommandRunner.RunAsync(context, async () =>
        {
            if (result.GetRequiredValue(from) is var first && result.GetRequiredValue(to) is var last && CalendarDay.Parse(last) < CalendarDay.Parse(first))
            {
                throw new CliException($"--to: {last} is before --from {first}; the window runs from --from to --to");
            }

            using var connections = Connections.From(options, result);
            var request = new ReplayDeadlinesRequest { From = result.GetRequiredValue(from), To = result.GetRequiredValue(to), MinPosition = result.GetValue(minPosition) };
            request.DeadlineIds.AddRange(result.GetValue(ids) ?? []);
            var changes = new List<DeadlineStatus>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            using var call = connections.Timeline.ReplayDeadlines(request, cancellationToken: ct);
            await foreach (var response in call.ResponseStream.ReadAllAsync(ct))
            {
                seen.Add(response.Change.DeadlineId);
                if (options.Json(result))
                {
                    JsonOutput.WriteLine(context.Output, response);
                }
                else
                {
                    changes.Add(response.Change);
                }
            }

            if (!options.Json(result) && (changes.Count > 0 || request.DeadlineIds.Count == 0))
            {
                Print(context, changes);
            }

            var missing = await DeadlinesCommand.MissingAsync(connections.Timeline, request.DeadlineIds, seen, request.To, ct);
            foreach (var message in missing)
            {
                context.Error.WriteLine($"error: {message}");
            }

            return missing.Count == 0 ? 0 : CommandRunner.Failed;
        }, ct));
        return command;
    }

    public static void Print(CliContext context, IReadOnlyList<DeadlineStatus> changes)
    {
        if (changes.Count == 0)
        {
            context.Console.WriteLine("No deadline status in that window.");
            return;
        }

        Tables.Write(context, Render.DeadlinesTable(changes, showAsOf: false));
    }
}
