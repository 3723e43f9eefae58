using System.CommandLine;
using Timeline.Cli.Commands;
using Timeline.Cli.Infrastructure;

namespace Timeline.Cli;

/// <summary>The `timeline` command tree.</summary>
internal static class CliApp
{
    public static RootCommand BuildRootCommand(CliContext context)
    {
        var options = new CommonOptions(context);
        var root = new RootCommand("Timeline: dated events about a developing situation, and the deadlines actors commit to.")
        {
            Options = { options.Storage, options.Timeline, options.Token, options.Timeout, options.Output, options.Verbose },
        };
        root.Subcommands.Add(DemoCommand.Create(context, options));
        root.Subcommands.Add(ServeCommand.Create(context, options));
        root.Subcommands.Add(AddCommand.Create(context, options));
        root.Subcommands.Add(ImportCommand.Create(context, options));
        root.Subcommands.Add(ExtractCommand.Create(context, options));
        root.Subcommands.Add(ShowCommand.Create(context, options));
        root.Subcommands.Add(ExportCommand.Create(context, options));
        root.Subcommands.Add(DeadlinesCommand.Create(context, options));
        root.Subcommands.Add(WatchCommand.Create(context, options));
        root.Subcommands.Add(ReplayCommand.Create(context, options));
        root.Subcommands.Add(HistoryCommand.Create(context, options));
        return root;
    }

    /// <summary>
    /// `timeline ARGS`: a command line that cannot be read is answered on stderr in the user's words
    /// (exit 2, <see cref="ParseErrors"/>); anything a command did not foresee is told in a line or
    /// two (<see cref="UnexpectedFailure"/>), never as a stack trace.
    /// </summary>
    public static async Task<int> RunAsync(CliContext context, IReadOnlyList<string> args, InvocationConfiguration? invocation = null, CancellationToken ct = default)
    {
        try
        {
            var root = BuildRootCommand(context);
            var result = root.Parse(args);
            var verbose = root.Options.OfType<Option<bool>>().Single(o => o.Name == "--verbose");
            context.Verbose = (result.Errors.Count == 0 && result.GetValue(verbose)) || UnexpectedFailure.VerboseFromEnvironment(context.Environment);
            if (result.Errors.Count > 0)
            {
                return ParseErrors.Write(result, context.Error);
            }

            invocation ??= new InvocationConfiguration();
            invocation.EnableDefaultExceptionHandler = false;

            // Signals are the process's business (Program.cs turns them into ct), not the parser's.
            invocation.ProcessTerminationTimeout = null;
            return await result.InvokeAsync(invocation, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return 0;
        }
        catch (Exception ex)
        {
            return UnexpectedFailure.Write(context.Error, ex, context.Verbose);
        }
    }
}
