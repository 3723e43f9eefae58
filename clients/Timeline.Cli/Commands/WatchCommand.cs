using System.CommandLine;
using Grpc.Core;
using Spectre.Console;
using Timeline.Cli.Infrastructure;
using Timeline.Cli.Output;
using Timeline.V1;

namespace Timeline.Cli.Commands;

/// <summary>`timeline watch`: deadline statuses as they change, until Ctrl-C.</summary>
internal static class WatchCommand
{
    public static Command Create(CliContext context, CommonOptions options)
    {
        var ids = DeadlinesCommand.DeadlineIds();
        var minPosition = CommonOptions.MinPosition();
        var command = new Command("watch", "Watch deadline statuses live: the current ones, then each change (Ctrl-C stops)") { ids, minPosition };
        command.SetAction((result, ct) => CommandRunner.RunAsync(context, async () =>
        {
            using var connections = Connections.From(options, result);
            var request = new WatchDeadlinesRequest { MinPosition = result.GetValue(minPosition) };
            request.DeadlineIds.AddRange(result.GetValue(ids) ?? []);
            var watch = new ResumingWatch(request);
            var updates = watch.FollowAsync(() => connections.Timeline, connections.Timeout, note => context.Error.WriteLine($"note: {note}"), ct);
            await foreach (var response in updates.WithCancellation(ct))
            {
                if (response.MessageCase == WatchDeadlinesResponse.MessageOneofCase.CaughtUp && request.DeadlineIds.Count > 0)
                {
                    // A deadline may be set later, so the watch goes on; but say that it has no status now.
                    foreach (var message in await DeadlinesCommand.MissingAsync(connections.Timeline, request.DeadlineIds, watch.Seen, response.CaughtUp.AsOf, ct))
                    {
                        context.Error.WriteLine($"note: {message}; watching for it");
                    }
                }

                if (options.Json(result))
                {
                    JsonOutput.WriteLine(context.Output, response);
                }
                else
                {
                    PrintUpdate(context.Console, response);
                }
            }

            return 0;
        }, ct));
        return command;
    }

    public static void PrintUpdate(IAnsiConsole console, WatchDeadlinesResponse response)
    {
        switch (response.MessageCase)
        {
            case WatchDeadlinesResponse.MessageOneofCase.Status:
                console.MarkupLine(StatusMarkup(response.Status));
                break;
            case WatchDeadlinesResponse.MessageOneofCase.CaughtUp:
                console.MarkupLine($"[grey]-- caught up as of {Markup.Escape(response.CaughtUp.AsOf)}; changes follow as they happen[/]");
                break;
        }
    }

    /// <summary>"[2023-10-16] minusma-withdrawal  AT RISK, due 2023-12-31, 76 days remaining: reason".</summary>
    public static string StatusMarkup(DeadlineStatus status)
    {
        var reason = status.Reasons.Count > 0 ? $" [grey]- {Markup.Escape(Render.Reason(status.Reasons[0]))}[/]" : "";
        var rest = Render.StatusLine(status)[Render.State(status.State).Length..];
        return $"[[{Markup.Escape(status.AsOf)}]] {Markup.Escape(status.DeadlineId)}  "
            + $"[bold {Render.StateColor(status.State)}]{Markup.Escape(Render.State(status.State))}[/]{Markup.Escape(rest)}{reason}";
    }
}
