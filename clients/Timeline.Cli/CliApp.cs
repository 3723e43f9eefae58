using System.CommandLine;
using Timeline.Cli.Commands;

namespace Timeline.Cli;

/// <summary>The `timeline` command tree.</summary>
internal static class CliApp
{
    public static RootCommand BuildRootCommand(CliContext context)
    {
        var options = new CommonOptions(context);
        var root = new RootCommand("Timeline: dated events about a developing situation, and the deadlines actors commit to.")
        {
            Options = { options.Storage, options.Timeline, options.Token, options.Timeout, options.Output },
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
}
