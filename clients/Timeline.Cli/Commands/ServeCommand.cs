using System.CommandLine;
using Spectre.Console;
using Timeline.Cli.Hosting;
using Timeline.Cli.Infrastructure;
using Timeline.StorageService;

namespace Timeline.Cli.Commands;

/// <summary>`timeline serve`: both services in this process on the --storage/--timeline addresses, until Ctrl-C.</summary>
internal static class ServeCommand
{
    public static Command Create(CliContext context, CommonOptions options)
    {
        var database = new Option<string>("--database")
        {
            Description = "SQLite file the storage service owns",
            DefaultValueFactory = _ => StorageOptions.DefaultDatabasePath(),
        };
        var verbose = new Option<bool>("--verbose") { Description = "Log the services' information messages too" };
        var command = new Command("serve", "Run the storage and timeline services in this process until Ctrl-C") { database, verbose };
        command.SetAction((result, ct) => CommandRunner.RunAsync(context, async () =>
        {
            var path = Path.GetFullPath(result.GetRequiredValue(database));
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var embedded = new EmbeddedOptions(path, options.StorageAddress(result).ToString(), options.TimelineAddress(result).ToString())
            {
                QuietLogging = !result.GetValue(verbose),
            };
            await using var services = await EmbeddedServices.StartAsync(embedded, ct);
            context.Console.MarkupLine($"storage service   [bold]{Markup.Escape(services.StorageAddress.ToString())}[/]  (SQLite: {Markup.Escape(path)})");
            context.Console.MarkupLine($"timeline service  [bold]{Markup.Escape(services.TimelineAddress.ToString())}[/]");
            context.Console.WriteLine("Serving. Press Ctrl-C to stop.");
            try
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
            catch (OperationCanceledException)
            {
                context.Console.WriteLine("Stopping.");
            }

            return 0;
        }, ct));
        return command;
    }
}
