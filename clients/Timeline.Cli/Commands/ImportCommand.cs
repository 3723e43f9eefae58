using System.CommandLine;
using Spectre.Console;
using Timeline.Cli.Infrastructure;
using Timeline.Cli.Output;
using Timeline.Storage.V1;
using Timeline.V1;

namespace Timeline.Cli.Commands;

/// <summary>`timeline import FILE`: append events from JSON or NDJSON in batches; re-importing is harmless.</summary>
internal static class ImportCommand
{
    public const int DefaultBatchSize = 500;

    public static Command Create(CliContext context, CommonOptions options)
    {
        var file = new Argument<FileInfo>("file") { Description = "JSON ({\"events\":[...]}) or NDJSON (one event per line); see docs/event-format.md" };
        var batchSize = new Option<int>("--batch-size")
        {
            Description = $"Events per append (each batch is atomic; default {DefaultBatchSize})",
            DefaultValueFactory = _ => DefaultBatchSize,
        };
        batchSize.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 1000)
            {
                r.AddError("--batch-size must be 1 to 1000");
            }
        });
        var command = new Command("import", "Import events from a JSON or NDJSON file") { file, batchSize };
        command.SetAction((result, ct) => CommandRunner.RunAsync(context, async () =>
        {
            var path = result.GetRequiredValue(file).FullName;
            var events = EventFiles.Read(path);
            using var connections = Connections.From(options, result);
            var json = options.Json(result);
            var results = await ImportAsync(
                connections.Storage, events, result.GetValue(batchSize), json ? r => JsonOutput.WriteLine(context.Output, r) : null, json ? null : context.Console, ct);
            if (!json)
            {
                PrintSummary(context.Console, Path.GetFileName(path), results);
            }

            return 0;
        }, ct));
        return command;
    }

    /// <summary>Appends in batches; shows a progress bar when there is more than one batch and a terminal to draw on.</summary>
    public static async Task<List<AppendResult>> ImportAsync(
        StorageClient storage,
        IReadOnlyList<NewEvent> events,
        int batchSize,
        Action<AppendEventsResponse>? onResponse,
        IAnsiConsole? console,
        CancellationToken ct)
    {
        var results = new List<AppendResult>(events.Count);
        var batches = events.Chunk(batchSize).ToList();

        async Task RunAsync(Action<int> advance)
        {
            foreach (var batch in batches)
            {
                var response = await storage.AppendEventsAsync(new AppendEventsRequest { Events = { batch } }, cancellationToken: ct);
                results.AddRange(response.Results);
                onResponse?.Invoke(response);
                advance(batch.Length);
            }
        }

        if (console is not null && batches.Count > 1 && console.Profile.Capabilities.Interactive)
        {
            await console.Progress().StartAsync(async progress =>
            {
                var task = progress.AddTask("Importing", maxValue: events.Count);
                await RunAsync(n => task.Increment(n));
            });
        }
        else
        {
            await RunAsync(_ => { });
        }

        return results;
    }

    public static void PrintSummary(IAnsiConsole console, string name, IReadOnlyList<AppendResult> results)
    {
        var (stored, unchanged, revised) = Render.Count(results);
        console.WriteLine($"{name}: {results.Count} events: {stored} stored, {unchanged} unchanged, {revised} revised");
    }
}
