using System.CommandLine;
using Timeline.Cli.Infrastructure;
using Timeline.Cli.Output;
using Timeline.Storage.V1;

namespace Timeline.Cli.Commands;

/// <summary>`timeline history EVENT_ID`: every stored revision of one event, oldest first.</summary>
internal static class HistoryCommand
{
    public static Command Create(CliContext context, CommonOptions options)
    {
        var eventId = new Argument<string>("event-id") { Description = "The event's id, e.g. un-2023-10-14-warning" };
        var command = new Command("history", "Show every revision of an event, oldest first") { eventId };
        command.SetAction((result, ct) => CommandRunner.RunAsync(context, async () =>
        {
            using var connections = Connections.From(options, result);
            var response = await connections.Storage.GetEventHistoryAsync(
                new GetEventHistoryRequest { EventId = result.GetRequiredValue(eventId) }, cancellationToken: ct);
            if (options.Json(result))
            {
                JsonOutput.WriteLine(context.Output, response);
                return 0;
            }

            Tables.Write(context, Render.HistoryTable(response.Revisions));
            return 0;
        }, ct));
        return command;
    }
}
