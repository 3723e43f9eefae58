using System.CommandLine;
using Microsoft.AspNetCore.Connections;
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
    /// <summary>
    /// The host logs its own start failure with a stack trace; serve reports it in one line instead
    /// (<see cref="StartFailure"/>). Critical messages of the host still show.
    /// </summary>
    private static readonly string[] QuietHostStartFailure = ["--Logging:LogLevel:Microsoft.Extensions.Hosting.Internal.Host", "Critical"];

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
                storageArgs = QuietHostStartFailure;
            }
            else
            {
                where = $"PostgreSQL: {StorageOptions.DescribeConnection(connectionString)}";
                storageArgs = [.. QuietHostStartFailure, "--Storage:Provider", StorageOptions.Postgres, "--Storage:ConnectionString", connectionString];
            }

            var storage = options.StorageEndpoint(result);
            var timeline = options.TimelineEndpoint(result);
            foreach (var endpoint in new[] { storage, timeline }.Where(e => e.Addresses.Balanced))
            {
                throw new CliException($"{endpoint.Option}: serve listens on one address per service, not {endpoint.Addresses}; run more instances with the services' own commands (README, Outgrowing one machine)");
            }

            var embedded = new EmbeddedOptions(path, storage.Address.ToString(), timeline.Address.ToString())
            {
                QuietLogging = !result.GetValue(verbose),
                StorageArgs = storageArgs,
                TimelineArgs = [.. QuietHostStartFailure, "--HttpJsonUrls", $"http://{timeline.Address.Host}:{(timeline.Address.Port == 0 ? 0 : timeline.Address.Port + 10)}"], // HTTP/JSON and the page (docs/PAGE.md) on the gRPC port + 10: 5212 by default
            };
            EmbeddedServices services;
            try
            {
                services = await EmbeddedServices.StartAsync(embedded, ct);
            }
            catch (IOException ex)
            {
                throw StartFailure(ex, storage, timeline);
            }

            await using (services)
            {
                context.Console.MarkupLine($"storage service   [bold]{Markup.Escape(services.StorageAddress.ToString())}[/]  ({Markup.Escape(where)})");
                context.Console.MarkupLine($"timeline service  [bold]{Markup.Escape(services.TimelineAddress.ToString())}[/]");
                context.Console.MarkupLine($"page              [bold]http://{Markup.Escape(timeline.Address.Host)}:{(timeline.Address.Port == 0 ? "PORT" : timeline.Address.Port + 10)}/page/[/]  (HTTP/JSON under /v1/ on the same port)");
                context.Console.WriteLine("Serving. Press Ctrl-C to stop.");
                try
                {
                    await Task.Delay(Timeout.Infinite, ct);
                }
                catch (OperationCanceledException)
                {
                    context.Console.WriteLine("Stopping.");
                }
            }

            return 0;
        }, ct));
        return command;
    }

    /// <summary>"port 5201 is in use; pass --storage http://127.0.0.1:PORT, or stop what listens there", naming the address that could not be bound.</summary>
    public static CliException StartFailure(IOException ex, ServiceEndpoint storage, ServiceEndpoint timeline)
    {
        // Kestrel: "Failed to bind to address http://127.0.0.1:5201: address already in use."
        var which = ex.Message.Contains(storage.HostAndPort, StringComparison.OrdinalIgnoreCase) ? storage
            : ex.Message.Contains(timeline.HostAndPort, StringComparison.OrdinalIgnoreCase) ? timeline
            : null;
        if (ex.InnerException is AddressInUseException && which is not null)
        {
            return new CliException(
                $"port {which.Address.Port} is in use; pass {which.Option} http://{which.Address.Host}:<another port> for the {which.Role}, or stop what listens on {which.HostAndPort}",
                ex);
        }

        return new CliException($"the services could not start: {ex.Message}", ex);
    }
}
