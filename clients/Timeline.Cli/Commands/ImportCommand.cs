using System.CommandLine;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using System.Threading.Channels;
using Google.Rpc;
using Grpc.Core;
using Spectre.Console;
using Timeline.Cli.Acled;
using Timeline.Cli.Extract;
using Timeline.Cli.Infrastructure;
using Timeline.Cli.Output;
using Timeline.Storage.V1;
using Timeline.V1;

namespace Timeline.Cli.Commands;

/// <summary>What `timeline import` reads.</summary>
internal enum ImportFormat
{
    /// <summary>From the file name: <c>.csv</c> is ACLED, anything else an event file.</summary>
    Auto,

    /// <summary>JSON or NDJSON in the protobuf JSON mapping (docs/event-format.md).</summary>
    Events,

    /// <summary>An ACLED CSV export, HDX or API layout (docs/ACLED.md).</summary>
    Acled,
}

/// <summary>A row or event that was not stored: the line it came from, its id, and why.</summary>
internal sealed record ImportRefusal(int Line, string EventId, string Reason);

/// <summary>`timeline import FILE`: append events from JSON, NDJSON or an ACLED CSV in batches; re-importing is harmless.</summary>
internal static partial class ImportCommand
{
    public const int DefaultBatchSize = 500;

    /// <summary>Refusals listed one per line in the summary; the rest are counted.</summary>
    public const int RefusalsListed = 50;

    public static Command Create(CliContext context, CommonOptions options)
    {
        var file = new Argument<FileInfo>("file") { Description = "JSON ({\"events\":[...]}) or NDJSON (one event per line), see docs/event-format.md; or an ACLED CSV, see docs/ACLED.md" };
        var format = new Option<ImportFormat>("--format")
        {
            Description = "events (JSON/NDJSON), acled (ACLED CSV export), or auto: acled for .csv files, events otherwise",
            DefaultValueFactory = _ => ImportFormat.Auto,
        };
        var batchSize = new Option<int>("--batch-size")
        {
            Description = $"Events per append (each batch is atomic; default {DefaultBatchSize})",
            DefaultValueFactory = _ => DefaultBatchSize,
            CustomParser = OptionValues.WholeNumber("--batch-size", 1, 1000),
        };
        var asRevisions = DraftMatches.AsRevisionsOption();
        var allowDuplicates = DraftMatches.AllowDuplicatesOption();
        var command = new Command("import", "Import events from a JSON or NDJSON file, or an ACLED CSV export") { file, format, batchSize, asRevisions, allowDuplicates };
        command.SetAction((result, ct) => CommandRunner.RunAsync(context, async () =>
        {
            var path = result.GetRequiredValue(file).FullName;
            ImportFiles.RequireFile(path);
            var json = options.Json(result);
            var kind = result.GetValue(format);
            if (kind == ImportFormat.Auto)
            {
                kind = path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) ? ImportFormat.Acled : ImportFormat.Events;
            }

            using var connections = Connections.From(options, result);
            Action<AppendEventsResponse>? onResponse = json ? r => JsonOutput.WriteLine(context.Output, r) : null;
            var console = json ? null : context.Console;
            if (kind == ImportFormat.Acled)
            {
                // The file is read on another thread while the rows already read are appended.
                var rows = Channel.CreateUnbounded<AcledRow>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
                var rowsRead = new StrongBox<int>();
                var reading = Task.Run(() =>
                {
                    try
                    {
                        return AcledFile.Read(path, row =>
                        {
                            rows.Writer.TryWrite(row);
                            Interlocked.Increment(ref rowsRead.Value);
                        });
                    }
                    finally
                    {
                        rows.Writer.TryComplete();
                    }
                }, ct);
                var refused = new List<ImportRefusal>();
                List<AppendResult> appended;
                try
                {
                    appended = await ImportRowsAsync(connections.Storage, rows.Reader, () => Volatile.Read(ref rowsRead.Value), result.GetValue(batchSize), onResponse, console, refused, ct);
                }
                catch
                {
                    // A refused header or an unreadable file is the clearer error: show that one.
                    await reading;
                    throw;
                }

                var read = await reading;
                refused.AddRange(read.Refused);
                refused.Sort((a, b) => a.Line.CompareTo(b.Line));
                PrintSummary(json ? null : context.Console, context.Error, Path.GetFileName(path), read.Read, appended, refused, read.LayoutDescription);
                return refused.Count == 0 ? 0 : CommandRunner.Failed;
            }

            var events = EventFiles.Read(path);

            // A draft `timeline extract` wrote: its events that look like stored ones are held back (docs/EXTRACT.md).
            var mode = DraftMatches.Mode(result.GetValue(asRevisions), result.GetValue(allowDuplicates));
            var (toStore, matches) = await DraftMatches.ApplyAsync(connections.Storage, events, mode, context.Error, ct);
            var results = await ImportAsync(connections.Storage, toStore, result.GetValue(batchSize), onResponse, console, ct);
            PrintSummary(json ? null : context.Console, context.Error, Path.GetFileName(path), events.Count, results, []);
            DraftMatches.Report(context.Error, Path.GetFileName(path), matches, mode);
            await NoteUnsetDeadlinesAsync(context, connections.Storage, toStore, ct);
            return mode == DraftMatchMode.HoldBack && matches.Count > 0 ? CommandRunner.Failed : 0;
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
        await WithProgressAsync(console, () => events.Count, events.Count > batchSize, async advance =>
        {
            foreach (var batch in events.Chunk(batchSize))
            {
                var response = await storage.AppendEventsAsync(new AppendEventsRequest { Events = { batch } }, cancellationToken: ct);
                results.AddRange(response.Results);
                onResponse?.Invoke(response);
                advance(batch.Length);
            }
        });
        return results;
    }

    /// <summary>
    /// Appends rows read from a file in batches. When the service refuses a batch (INVALID_ARGUMENT
    /// naming <c>events[i]</c>), those rows are refused with the service's reason and the rest of the
    /// batch is sent again, so one bad row does not stop a large import.
    /// </summary>
    public static async Task<List<AppendResult>> ImportRowsAsync(
        StorageClient storage,
        ChannelReader<AcledRow> rows,
        Func<int> rowsRead,
        int batchSize,
        Action<AppendEventsResponse>? onResponse,
        IAnsiConsole? console,
        List<ImportRefusal> refused,
        CancellationToken ct)
    {
        var results = new List<AppendResult>();

        // The total is unknown until the file is read: the bar grows with the rows read so far (a
        // count kept by the reader: this channel, with one reader, cannot count what it holds).
        await WithProgressAsync(console, rowsRead, true, async advance =>
        {
            while (await NextBatchAsync(rows, batchSize, ct) is { Count: > 0 } chunk)
            {
                var batch = chunk;
                while (batch.Count > 0)
                {
                    try
                    {
                        var response = await storage.AppendEventsAsync(new AppendEventsRequest { Events = { batch.Select(r => r.Event) } }, cancellationToken: ct);
                        results.AddRange(response.Results);
                        onResponse?.Invoke(response);
                        break;
                    }
                    catch (RpcException ex) when (ex.StatusCode == StatusCode.InvalidArgument && RefusedIndexes(ex, batch.Count) is { Count: > 0 } refusedHere)
                    {
                        foreach (var (index, reason) in refusedHere)
                        {
                            refused.Add(new ImportRefusal(batch[index].Line, batch[index].Event.EventId, reason));
                        }

                        batch = [.. batch.Where((_, i) => !refusedHere.ContainsKey(i))];
                    }
                }

                advance(chunk.Count);
            }
        });
        return results;
    }

    /// <summary>The next <paramref name="size"/> rows, fewer at the end of the file, none after it.</summary>
    private static async Task<List<AcledRow>> NextBatchAsync(ChannelReader<AcledRow> rows, int size, CancellationToken ct)
    {
        var batch = new List<AcledRow>(size);
        while (batch.Count < size && await rows.WaitToReadAsync(ct))
        {
            while (batch.Count < size && rows.TryRead(out var row))
            {
                batch.Add(row);
            }
        }

        return batch;
    }

    /// <summary>
    /// Which events of a refused batch the service named, with its reasons; empty (so the error is
    /// raised as it is) when any violation is not about one event of the batch.
    /// </summary>
    public static Dictionary<int, string> RefusedIndexes(RpcException ex, int batchCount)
    {
        var byIndex = new Dictionary<int, string>();
        var violations = ex.GetRpcStatus()?.GetDetail<BadRequest>()?.FieldViolations;
        if (violations is null || violations.Count == 0)
        {
            return byIndex;
        }

        foreach (var violation in violations)
        {
            var match = EventField().Match(violation.Field);
            if (!match.Success || !int.TryParse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture, out var index) || index >= batchCount)
            {
                return [];
            }

            var reason = $"{match.Groups[2].Value.TrimStart('.')}: {violation.Description}";
            byIndex[index] = byIndex.TryGetValue(index, out var earlier) ? $"{earlier}; {reason}" : reason;
        }

        return byIndex;
    }

    /// <summary>
    /// "file: N read, N stored, N unchanged, N revised, N refused" on standard output (none with
    /// --output json), after the layout read when given, then each refusal with its line on standard error.
    /// </summary>
    public static void PrintSummary(IAnsiConsole? console, TextWriter error, string name, int read, IReadOnlyList<AppendResult> results, IReadOnlyList<ImportRefusal> refused, string? layout = null)
    {
        var (stored, unchanged, revised) = Render.Count(results);
        if (layout is not null)
        {
            console?.WriteLine($"{name}: {layout}");
        }

        console?.WriteLine($"{name}: {read} read, {stored} stored, {unchanged} unchanged, {revised} revised, {refused.Count} refused");
        if (results.Count > 0)
        {
            var upTo = results.Max(r => r.Position);
            console?.WriteLine($"{name}: in the log up to position {upTo} (read it back on any replica with --min-position {upTo})");
        }
        foreach (var r in refused.Take(RefusalsListed))
        {
            error.WriteLine($"refused: line {r.Line}{(r.EventId.Length > 0 ? $" ({r.EventId})" : "")}: {r.Reason}");
        }

        if (refused.Count > RefusalsListed)
        {
            error.WriteLine($"refused: ... and {Counts.Of(refused.Count - RefusalsListed, "more row")}");
        }
    }

    /// <summary>
    /// After an append: a note on standard error for each deadline the events bear on that no event
    /// sets, since it has no status to show. Skipped when the token may not read.
    /// </summary>
    public static async Task NoteUnsetDeadlinesAsync(CliContext context, StorageClient storage, IEnumerable<NewEvent> events, CancellationToken ct)
    {
        var ids = events.Where(e => e.Deadline is { DeadlineId.Length: > 0 }).Select(e => e.Deadline.DeadlineId).Distinct(StringComparer.Ordinal).ToList();
        try
        {
            foreach (var unset in await UnsetDeadlines.FromStorageAsync(storage, ids, ct))
            {
                context.Error.WriteLine($"note: {unset.Describe()}");
            }
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.PermissionDenied or StatusCode.Unauthenticated)
        {
        }
    }

    private static async Task WithProgressAsync(IAnsiConsole? console, Func<int> total, bool severalBatches, Func<Action<int>, Task> run)
    {
        if (console is not null && severalBatches && console.Profile.Capabilities.Interactive)
        {
            await console.Progress().StartAsync(async progress =>
            {
                var task = progress.AddTask("Importing", maxValue: Math.Max(1, total()));
                await run(n =>
                {
                    task.MaxValue = Math.Max(task.Value + n, total());
                    task.Increment(n);
                });
            });
        }
        else
        {
            await run(_ => { });
        }
    }

    [GeneratedRegex(@"^events\[(\d+)\](.*)$")]
    private static partial Regex EventField();
}
