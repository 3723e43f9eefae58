using System.CommandLine;
using Spectre.Console;
using Timeline.Cli.Infrastructure;
using Timeline.Cli.Output;
using Timeline.V1;

namespace Timeline.Cli.Commands;

/// <summary>`timeline deadlines [--as-of DATE]`: where each deadline stands, and why.</summary>
internal static class DeadlinesCommand
{
    public static Command Create(CliContext context, CommonOptions options)
    {
        var asOf = new Option<string>("--as-of") { Description = "The day to evaluate (YYYY-MM-DD); default today (UTC)" };
        var ids = DeadlineIds();
        var command = new Command("deadlines", "Show the status of each deadline as of a day") { asOf, ids };
        command.SetAction((result, ct) => CommandRunner.RunAsync(context, async () =>
        {
            using var connections = Connections.From(options, result);
            var request = new ListDeadlinesRequest { AsOf = result.GetValue(asOf) ?? "", PageSize = 1000 };
            request.DeadlineIds.AddRange(result.GetValue(ids) ?? []);
            var all = new ListDeadlinesResponse();
            do
            {
                var page = await connections.Timeline.ListDeadlinesAsync(request, cancellationToken: ct);
                all.Deadlines.AddRange(page.Deadlines);
                request.PageToken = page.NextPageToken;
            }
            while (request.PageToken.Length > 0);

            if (options.Json(result))
            {
                JsonOutput.WriteLine(context.Output, all);
                return 0;
            }

            if (all.Deadlines.Count == 0)
            {
                context.Console.WriteLine("No deadlines.");
                return 0;
            }

            context.Console.Write(Render.DeadlinesTable(all.Deadlines, showAsOf: false));
            return 0;
        }, ct));
        return command;
    }

    public static Option<string[]> DeadlineIds() =>
        new("--id") { Description = "Only this deadline, e.g. minusma-withdrawal (repeatable)", Arity = ArgumentArity.OneOrMore };
}
