using System.CommandLine;
using Microsoft.AspNetCore.Connections;
using Spectre.Console;
using Timeline.Cli.Hosting;
using Timeline.Cli.Infrastructure;
using Timeline.ServiceDefaults.Clients;
using Timeline.ServiceDefaults.Startup;
using Timeline.StorageService;
using Timeline.StorageService.Storage.Postgres;
using Timeline.StorageService.Storage.Sqlite;
using Timeline.TimelineServer;

namespace Timeline.Cli.Commands;

/// <summary>
/// `timeline serve`: both services in this process on the --storage/--timeline addresses (gRPC)
/// and the --storage-http/--timeline-http ones (HTTP/JSON, as the standalone services open them;
/// --no-http for none), until Ctrl-C; the log in a SQLite file (the default) or, with --postgres,
/// in a PostgreSQL database.
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
            DefaultValueFactory = _ => SqliteStorageOptions.DefaultDatabasePath(),
        };
        var postgres = new Option<string?>("--postgres")
        {
            Description = "Keep the log in PostgreSQL instead: an Npgsql connection string, e.g. \"Host=db;Database=timeline;Username=timeline\" (README: Outgrowing one machine)",
        };
        var storageHttp = new Option<string>("--storage-http")
        {
            Description = "HTTP/JSON (HTTP/1.1, for curl) address of the storage service; port 0 picks a free one",
            DefaultValueFactory = _ => StorageServiceApp.DefaultHttpJsonUrl,
        };
        var timelineHttp = new Option<string>("--timeline-http")
        {
            Description = "HTTP/JSON (HTTP/1.1, for curl) address of the timeline service; port 0 picks a free one",
            DefaultValueFactory = _ => TimelineServiceApp.DefaultHttpJsonUrl,
        };
        var noHttp = new Option<bool>("--no-http") { Description = "Open no HTTP/JSON port: gRPC only" };
        var command = new Command("serve", "Run the storage and timeline services in this process until Ctrl-C")
        {
            database, postgres, storageHttp, timelineHttp, noHttp,
        };
        command.Validators.Add(r =>
        {
            if (r.GetResult(database) is { Implicit: false } && r.GetResult(postgres) is { Implicit: false })
            {
                r.AddError("--database (SQLite) and --postgres are alternatives: give one");
            }

            foreach (var http in new[] { storageHttp, timelineHttp }.Where(o => r.GetResult(o) is { Implicit: false } && r.GetValue(noHttp)))
            {
                r.AddError($"--no-http opens no HTTP/JSON port and {http.Name} names one: give one or the other");
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
                RequireConnectionString(connectionString);
                where = $"PostgreSQL: {PostgresStorageOptions.DescribeConnection(connectionString)}";
                storageArgs = [.. QuietHostStartFailure, "--Storage:Provider", StorageOptions.Postgres, "--Storage:ConnectionString", connectionString];
            }

            var storage = options.StorageEndpoint(result);
            var timeline = options.TimelineEndpoint(result);
            foreach (var endpoint in new[] { storage, timeline }.Where(e => e.Addresses.Balanced))
            {
                throw new CliException($"{endpoint.Option}: serve listens on one address per service, not {endpoint.Addresses}; run more instances with the services' own commands (README, Outgrowing one machine)");
            }

            ServiceEndpoint[] http = result.GetValue(noHttp) ? [] :
            [
                HttpJsonEndpoint(result, storageHttp, ServiceEndpoint.StorageRole),
                HttpJsonEndpoint(result, timelineHttp, ServiceEndpoint.TimelineRole),
            ];
            var embedded = new EmbeddedOptions(path, storage.Address.ToString(), timeline.Address.ToString())
            {
                QuietLogging = !context.Verbose,
                StorageArgs = storageArgs,
                TimelineArgs = QuietHostStartFailure,
                StorageHttpJsonUrl = http.FirstOrDefault()?.Address.ToString(),
                TimelineHttpJsonUrl = http.LastOrDefault()?.Address.ToString(),
            };
            EmbeddedServices services;
            try
            {
                services = await EmbeddedServices.StartAsync(embedded, ct);
            }
            catch (IOException ex)
            {
                throw StartFailure(ex, [storage, timeline, .. http]);
            }
            catch (StartupRefusal ex)
            {
                // The services' own refusal (an address beyond loopback without tokens, ...) is one line already.
                throw new CliException(ex.Message, ex);
            }

            await using (services)
            {
                context.Console.MarkupLine($"storage service   {Addresses(services.StorageAddress, services.StorageHttpJsonAddress)}  ({Markup.Escape(where)})");
                context.Console.MarkupLine($"timeline service  {Addresses(services.TimelineAddress, services.TimelineHttpJsonAddress)}");
                if (services.TimelineHttpJsonAddress is { } page)
                {
                    // The live page (docs/PAGE.md) is served on the timeline service's HTTP/JSON port.
                    context.Console.MarkupLine($"page              [bold]{Markup.Escape(new Uri(page, "/page/").ToString())}[/]");
                }

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

    /// <summary>
    /// --postgres must be an Npgsql connection string; refused in one line naming the flag, without
    /// echoing it (it may hold a password), before any service starts.
    /// </summary>
    private static void RequireConnectionString(string connectionString)
    {
        try
        {
            _ = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException ex)
        {
            throw new CliException(
                "--postgres: not a PostgreSQL connection string: write Key=Value pairs separated by ';', e.g. \"Host=db;Database=timeline;Username=timeline\" (Npgsql's keys)",
                ex);
        }
    }

    /// <summary>
    /// "port 5201 is in use; pass --storage http://127.0.0.1:PORT for the storage service, or stop
    /// what listens on 127.0.0.1:5201", naming the flag that moves the address that could not be bound.
    /// </summary>
    public static CliException StartFailure(IOException ex, IReadOnlyList<ServiceEndpoint> endpoints)
    {
        // Kestrel: "Failed to bind to address http://127.0.0.1:5201: address already in use."
        var which = endpoints.FirstOrDefault(e => ex.Message.Contains($"{e.HostAndPort}:", StringComparison.OrdinalIgnoreCase));
        if (ex.InnerException is AddressInUseException && which is not null)
        {
            var what = which.Option.EndsWith("-http", StringComparison.Ordinal) ? $"the {which.Role}'s HTTP/JSON (or --no-http for none)" : $"the {which.Role}";
            return new CliException(
                $"port {which.Address.Port} is in use; pass {which.Option} http://{which.Address.Host}:<another port> for {what}, or stop what listens on {which.HostAndPort}",
                ex);
        }

        return new CliException($"the services could not start: {ex.Message}", ex);
    }

    /// <summary>An HTTP/JSON address to listen on, from its flag: one cleartext http address.</summary>
    private static ServiceEndpoint HttpJsonEndpoint(ParseResult result, Option<string> option, string role)
    {
        var value = result.GetRequiredValue(option);
        if (!Uri.TryCreate(value, UriKind.Absolute, out var address) || address.Scheme != Uri.UriSchemeHttp || address.Host.Length == 0 || address.AbsolutePath != "/" || address.Query.Length > 0)
        {
            var example = role == ServiceEndpoint.StorageRole ? StorageServiceApp.DefaultHttpJsonUrl : TimelineServiceApp.DefaultHttpJsonUrl;
            throw new CliException($"{option.Name}: '{value}' is not an address to listen on; give one http address, e.g. {example} (port 0 picks a free one), or --no-http for none");
        }

        return new ServiceEndpoint(role, ServiceAddresses.Parse(address.ToString()), option.Name, option.Name);
    }

    /// <summary>"http://127.0.0.1:5201/ (gRPC), http://127.0.0.1:5211/ (HTTP/JSON)", the gRPC one in bold.</summary>
    private static string Addresses(Uri grpc, Uri? httpJson) =>
        $"[bold]{Markup.Escape(grpc.ToString())}[/] (gRPC)" + (httpJson is null ? "" : $", {Markup.Escape(httpJson.ToString())} (HTTP/JSON)");
}
