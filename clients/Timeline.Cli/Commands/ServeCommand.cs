using System.CommandLine;
using Spectre.Console;
using Timeline.Cli.Hosting;
using Timeline.Cli.Infrastructure;
using Timeline.StorageService;

namespace Timeline.Cli.Commands;

/// <summary>
/// `timeline serve`: both services in this process on the --storage/--timeline addresses, until
/// Ctrl-C; the log in a SQLite file (the default) or, with --postgres, in a PostgreSQL database.
/// </summary>
internal static class ServeCommand
{
    public static Command Create(CliContext context, CommonOptions options)
    {
        var database = new Option<string>("--database")
        {
            Description = "SQLite file the storage service owns",
            DefaultValueFactory = _ => StorageOptions.DefaultDatabasePath(),
        };
        var postgres = new Option<string?>("--postgres")
        {
            Description = "Keep the log in PostgreSQL instead: an Npgsql connection string, e.g. \"Host=db;Database=timeline;Username=timeline\" (README: Outgrowing one machine)",
        };
        var verbose = new Option<bool>("--verbose") { Description = "Log the services' information messages too" };
        var command = new Command("serve", "Run the storage and timeline services in this process until Ctrl-C") { database, postgres, verbose };
        command.Validators.Add(r =>
        {
            if (r.GetResult(database) is { Implicit: false } && r.GetResult(postgres) is { Implicit: false })
            {
                r.AddError("--database (SQLite) and --postgres are alternatives: give one");
            }
        });
        command.SetAction((result, ct) => CommandRunner.RunAsync(context, async () =>
        {
            var path = Path.GetFullPath(result.GetRequiredValue(database));
            var connectionString = result.GetValue(postgres);
            string where;
            IReadOnlyList<string> storageArgs;
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                where = $"SQLite: {path}";
                storageArgs = [];
            }
            else
            {
                where = $"PostgreSQL: {StorageOptions.DescribeConnection(connectionString)}";
                storageArgs = ["--Storage:Provider", StorageOptions.Postgres, "--Storage:ConnectionString", connectionString];
            }

            var embedded = new EmbeddedOptions(path, options.StorageAddress(result).ToString(), options.TimelineAddress(result).ToString())
            {
                QuietLogging = !result.GetValue(verbose),
                StorageArgs = storageArgs,
            };
            await using var services = await EmbeddedServices.StartAsync(embedded, ct);
            context.Console.MarkupLine($"storage service   [bold]{Markup.Escape(services.StorageAddress.ToString())}[/]  ({Markup.Escape(where)})");
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
