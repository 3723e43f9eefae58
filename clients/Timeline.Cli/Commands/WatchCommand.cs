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
    /// <summary>The first wait before reconnecting a watch whose stream broke, doubled up to a second.</summary>
    private static readonly TimeSpan FirstReconnectDelay = TimeSpan.FromMilliseconds(100);

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
            var lostAt = (DateTime?)null;
            var delay = FirstReconnectDelay;
            while (true)
            {
                try
                {
                    await foreach (var response in watch.ReadAsync(connections.Timeline, ct))
                    {
                        if (lostAt is not null)
                        {
                            context.Error.WriteLine($"note: watching again (from position {watch.Position})");
                            (lostAt, delay) = (null, FirstReconnectDelay);
                        }

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

                    if (!watch.Started)
                    {
                        return 0;
                    }
                }
                catch (Exception ex) when (!ct.IsCancellationRequested && watch.Started && ResumingWatch.IsBrokenStream(ex))
                {
                    // The replica died or stopped after the watch had started: resume on another (or the same, once back),
                    // for as long as --timeout allows, then fail with what is wrong.
                    if (lostAt is null)
                    {
                        lostAt = DateTime.UtcNow;
                        context.Error.WriteLine($"note: the watch lost the {connections.TimelineEndpoint.Role} ({ex.Message}); reconnecting");
                    }
                    else if (DateTime.UtcNow - lostAt > connections.Timeout)
                    {
                        throw;
                    }
                }

                await Task.Delay(delay, ct);
                delay = delay * 2 > TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : delay * 2;
            }
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
