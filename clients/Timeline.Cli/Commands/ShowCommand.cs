using System.CommandLine;
using Spectre.Console;
using Timeline.Cli.Infrastructure;
using Timeline.Cli.Output;
using Timeline.V1;

namespace Timeline.Cli.Commands;

/// <summary>`timeline show`: the chronology as a table, uncertain order marked.</summary>
internal static class ShowCommand
{
    public static Command Create(CliContext context, CommonOptions options)
    {
        var filter = new FilterOptions();
        var asOf = new Option<string>("--as-of") { Description = "Only events that may have happened by this day (YYYY-MM-DD)", CustomParser = OptionValues.Day("--as-of") };
        var minPosition = CommonOptions.MinPosition();
        var command = new Command("show", "Show the timeline: events in chronological order") { asOf, minPosition };
        filter.AddTo(command);
        command.SetAction((result, ct) => CommandRunner.RunAsync(context, async () =>
        {
            using var connections = Connections.From(options, result);
            var request = new GetTimelineRequest { Filter = filter.Build(result), AsOf = result.GetValue(asOf) ?? "", MinPosition = result.GetValue(minPosition) };
            var all = new GetTimelineResponse { Entries = { await Pages.TimelineAsync(connections.Timeline, request, ct) } };
            if (options.Json(result))
            {
                JsonOutput.WriteLine(context.Output, all);
                return 0;
            }

            TimelineOutput.Print(context, all.Entries);
            return 0;
        }, ct));
        return command;
    }
}
