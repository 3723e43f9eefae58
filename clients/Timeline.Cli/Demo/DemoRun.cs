using System.Globalization;
using Grpc.Core;
using Spectre.Console;
using Timeline.Cli.Commands;
using Timeline.Cli.Extract;
using Timeline.Cli.Hosting;
using Timeline.Cli.Infrastructure;
using Timeline.Cli.Output;
using Timeline.Domain.Dates;
using Timeline.Extraction;
using Timeline.Storage.V1;
using Timeline.V1;

namespace Timeline.Cli.Demo;

/// <summary>The demo script: each section a heading, a sentence saying what it shows, then the result.</summary>
internal sealed class DemoRun(CliContext context, string samplesFolder, double daysPerSecond, bool verbose = false, SeedReport? report = null)
{
    public const double DefaultDaysPerSecond = 6;
    public const string SeedFile = "mali-minusma-2023-10.json";
    public const string FollowUpFile = "mali-minusma-followup.json";
    public const string DeadlineId = "minusma-withdrawal";

    /// <summary>The report's publication date: where the demo clock starts.</summary>
    public static readonly DateTimeOffset ReportDate = new(2023, 10, 16, 0, 0, 0, TimeSpan.Zero);

    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(15);
    private readonly IAnsiConsole console = context.Console;
    private readonly Lock printGate = new();
    private int section;

    // The log position the seed import reached: reads of the timeline service ask for at least it.
    private long importedUpTo;

    public async Task<int> RunAsync(CancellationToken ct)
    {
        var seed = EventFiles.Read(Path.Combine(samplesFolder, SeedFile));
        var followUp = EventFiles.Read(Path.Combine(samplesFolder, FollowUpFile));

        Tables.Heading(context, "Timeline demo");
        Say("Timeline keeps dated events about a developing situation, and the deadlines people commit to. "
            + "It answers two questions: what happened, in what order? And will the deadline be met?");

        var folder = Path.Combine(Path.GetTempPath(), $"timeline-demo-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            // The demo clock stands still on the report's date until the live part sets it running.
            var clock = new AcceleratedTimeProvider(ReportDate, daysPerSecond * 86_400, startRunning: false);
            Heading("Start the services");
            Say("The storage service (an append-only log in SQLite) and the timeline service run inside this process, on free loopback ports.");
            var options = new EmbeddedOptions(Path.Combine(folder, "timeline.db"), "http://127.0.0.1:0", "http://127.0.0.1:0")
            {
                TimelineClock = clock,
                QuietLogging = !verbose,
            };
            await using (var services = await EmbeddedServices.StartAsync(options, ct).WaitAsync(CallTimeout, ct))
            {
                Line($"  storage service   {services.StorageAddress}  (SQLite file in {folder})");
                Line($"  timeline service  {services.TimelineAddress}");
                using var connections = new Connections(services.StorageAddress, services.TimelineAddress);
                await ImportAsync(connections, seed, ct);
                await ChronologyAsync(connections, ct);
                await DeadlineAsync(connections, ct);
                await ReplayAsync(connections, ct);
                await ExtractAsync(connections, seed, ct);
                var met = await LiveAsync(connections, clock, followUp, ct);
                Heading("Done");
                Say(met
                    ? "The deadline was met. Stopping the services and deleting the temporary SQLite file."
                    : "The deadline did not reach MET in time. Stopping the services.");
                if (!met)
                {
                    context.Error.WriteLine($"error: {DeadlineId} never reached MET");
                    return CommandRunner.Failed;
                }
            }

            return 0;
        }
        finally
        {
            TryDelete(folder);
        }
    }

    private async Task ImportAsync(Connections connections, IReadOnlyList<NewEvent> seed, CancellationToken ct)
    {
        Heading("Import a news report");
        Say("A report published around 16 October 2023 on UN peacekeepers (MINUSMA) leaving Mali, written up as dated events, "
            + "plus the UN Security Council decision of 30 June 2023 that set the withdrawal deadline.");
        var results = await ImportCommand.ImportAsync(connections.Storage, seed, ImportCommand.DefaultBatchSize, null, null, ct).WaitAsync(CallTimeout, ct);
        ImportCommand.PrintSummary(console, context.Error, SeedFile, seed.Count, results, []);
        importedUpTo = results.Max(r => r.Position);
        var again = await ImportCommand.ImportAsync(connections.Storage, seed, ImportCommand.DefaultBatchSize, null, null, ct).WaitAsync(CallTimeout, ct);
        var (_, unchanged, _) = Render.Count(again);
        Line($"  Importing it again changes nothing ({unchanged} unchanged): every revision is kept once, so retries are safe.");
    }

    private async Task ChronologyAsync(Connections connections, CancellationToken ct)
    {
        Heading("What happened, in what order");
        Say("The report dates things loosely (\"in 2020\", \"since late August\", \"on Saturday (14 October)\"). "
            + "Each date is read against the report's date and kept as a span of days; events are sorted by those spans.");
        var request = new GetTimelineRequest { Filter = new EventFilter { Tags = { "mali" } } };
        request.MinPosition = importedUpTo;
        var timeline = await Pages.TimelineAsync(connections.Timeline, request, ct).WaitAsync(CallTimeout, ct);
        TimelineOutput.Print(context, timeline);
        Say("For example, the three \"since late August\" developments share the same span of days (21-31 August), so their order "
            + "among themselves is marked ~: the report does not say which came first. The move on Tessalit is what the report "
            + "describes as under way when it was written, so it is dated around the report's own date and comes after the 14 October statements.");
    }

    private async Task DeadlineAsync(Connections connections, CancellationToken ct)
    {
        var asOf = Day(ReportDate);
        Heading($"The deadline on {asOf}");
        Say("Where MINUSMA's withdrawal deadline stood on the day of the report, and which events say so.");
        var status = await DeadlineAsOfAsync(connections, asOf, ct);
        if (status is null)
        {
            throw new CliException($"the timeline service reports no deadline '{DeadlineId}'");
        }

        console.MarkupLine($"  [bold]{Markup.Escape(status.Title)}[/] ({Markup.Escape(status.DeadlineId)}), responsible: {Markup.Escape(status.Responsible)}");
        console.MarkupLine($"  status  [bold {Render.StateColor(status.State)}]{Markup.Escape(Render.State(status.State))}[/]");
        Line($"  due     {Render.Due(status.Due)}, {Render.DaysRemaining(status)}");
        foreach (var reason in status.Reasons)
        {
            Line($"  reason  {Render.Reason(reason)}");
        }
    }

    /// <summary>The status as of a day, from a timeline service that has read everything imported (min_position).</summary>
    private async Task<DeadlineStatus?> DeadlineAsOfAsync(Connections connections, string asOf, CancellationToken ct)
    {
        var response = await connections.Timeline.ListDeadlinesAsync(
            new ListDeadlinesRequest { AsOf = asOf, DeadlineIds = { DeadlineId }, MinPosition = importedUpTo }, deadline: DateTime.UtcNow + CallTimeout, cancellationToken: ct);
        return response.Deadlines.FirstOrDefault(d => d.DeadlineId == DeadlineId);
    }

    private async Task ReplayAsync(Connections connections, CancellationToken ct)
    {
        Heading("Replay 2023");
        Say("How the deadline's status moved through 2023, as far as the service knows: it replays only what has happened, "
            + "and its clock still stands on the report's date.");
        var changes = new List<DeadlineStatus>();
        using var call = connections.Timeline.ReplayDeadlines(
            new ReplayDeadlinesRequest { DeadlineIds = { DeadlineId }, From = "2023-01-01", To = "2023-12-31", MinPosition = importedUpTo },
            deadline: DateTime.UtcNow + CallTimeout,
            cancellationToken: ct);
        await foreach (var response in call.ResponseStream.ReadAllAsync(ct))
        {
            changes.Add(response.Change);
        }

        ReplayCommand.Print(context, changes);
    }

    /// <summary>
    /// The same report read by `timeline extract` from its own words: the draft, how it compares with
    /// the hand-written sample, and the draft imported with its effects on the sample's deadline.
    /// The report is a news article: it is read from ../shared/seeds and never shipped.
    /// </summary>
    private async Task ExtractAsync(Connections connections, IReadOnlyList<NewEvent> sample, CancellationToken ct)
    {
        Heading("From the report's words to a draft");
        var found = report ?? SeedReport.Find(null);
        if (found.Path is null)
        {
            Line($"  Skipped: the report's text is expected at {found.Expected} (a news report, so it does not ship with Timeline; pass --seeds DIR).");
            return;
        }

        Say("`timeline extract` reads the report's text itself, sentence by sentence, with the same date reader, and proposes "
            + "one event per dated statement and the effects on the deadline, each with the words that triggered it and how sure it is.");
        var article = ArticleText.FromPlainText(await File.ReadAllTextAsync(found.Path, ct));
        var draft = DraftExtractor.Extract(article, new ExtractOptions(CalendarDay.FromDateTime(ReportDate.UtcDateTime)) { DeadlineId = DeadlineId });
        ExtractCommand.Print(context, draft, new ArticleInput(article, Path.GetFileName(found.Path), false));

        Say("Compared with the hand-written sample, each sample event matched by its verbatim quote (titles differ throughout: "
            + "the sample's are written by hand, the draft's cut from the sentence):");
        foreach (var match in DraftComparison.Compare(sample, draft))
        {
            var verdict = match.Proposal is null ? "missing" : match.Differences.Any(d => d.StartsWith("days", StringComparison.Ordinal) || d.StartsWith("deadline", StringComparison.Ordinal)) ? "differs" : "matches";
            Line($"  {verdict,-8} {match.Sample.Title}{(match.Proposal is null ? "" : $" = sentence {string.Join(",", match.Proposal.Sentences)}, {Render.Bounds(match.Proposal.Occurred.Date)}")}");
            foreach (var difference in match.Differences)
            {
                Line($"           {difference}");
            }
        }

        // Imported as `timeline import` imports a draft: what looks like a stored event is held back, not stored twice.
        var request = DraftEvents.Request(draft, new DraftSource(article.Headline ?? Path.GetFileName(found.Path), null));
        var (toStore, matches) = await DraftMatches.ApplyAsync(connections.Storage, request.Events, DraftMatchMode.HoldBack, context.Error, ct).WaitAsync(CallTimeout, ct);
        var results = await ImportCommand.ImportAsync(connections.Storage, toStore, ImportCommand.DefaultBatchSize, null, null, ct).WaitAsync(CallTimeout, ct);
        ImportCommand.PrintSummary(console, context.Error, "the draft", request.Events.Count, results, []);
        using (var report = new StringWriter(CultureInfo.InvariantCulture))
        {
            DraftMatches.Report(report, "the draft", matches, DraftMatchMode.HoldBack);
            foreach (var line in report.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                Line("  " + line.TrimEnd('\r'));
            }
        }

        Line(toStore.Count == request.Events.Count
            ? $"  Its effects join '{DeadlineId}' (--deadline-id), which the sample's Security Council event sets: the report itself reaffirms it and puts it at risk, never sets it."
            : $"  The store already holds the sample, so what the draft shares with it is not stored twice; its effects on '{DeadlineId}' are the sample's own.");
    }

    private async Task<bool> LiveAsync(Connections connections, AcceleratedTimeProvider clock, IReadOnlyList<NewEvent> followUp, CancellationToken ct)
    {
        Heading("Live: watch the deadline as news arrives");
        Say($"What happened next, replayed on an accelerated clock: the timeline service's clock starts on {Day(ReportDate)} "
            + $"and runs {daysPerSecond.ToString("0.#", CultureInfo.InvariantCulture)} days per second. "
            + "Each later event is added on its date, and every status change is pushed to this watcher as it happens.");

        var events = followUp.OrderBy(e => e.Occurred.Edtf, StringComparer.Ordinal).ToList();
        var lastDay = DateOnly.ParseExact(events[^1].Occurred.Edtf, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        var liveBudget = TimeSpan.FromSeconds((lastDay.ToDateTime(TimeOnly.MinValue) - ReportDate.UtcDateTime).TotalDays / daysPerSecond) + TimeSpan.FromSeconds(15);

        using var watchCancel = CancellationTokenSource.CreateLinkedTokenSource(ct);
        watchCancel.CancelAfter(liveBudget + CallTimeout);
        using var call = connections.Timeline.WatchDeadlines(new WatchDeadlinesRequest { DeadlineIds = { DeadlineId }, MinPosition = importedUpTo }, cancellationToken: watchCancel.Token);
        var caughtUp = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var met = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reader = ReadWatchAsync(call, caughtUp, met, watchCancel.Token);

        try
        {
            await caughtUp.Task.WaitAsync(CallTimeout, ct);
            clock.Start();
            foreach (var e in events)
            {
                var day = DateTimeOffset.ParseExact(e.Occurred.Edtf, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
                await WaitForDayAsync(clock, day, ct);
                var effect = e.Deadline is { } d ? $" ({Render.Effect(d.Effect)})" : "";
                Print($"{Day(clock.GetUtcNow())}  [green]+ news:[/] {Markup.Escape(e.Title)}{Markup.Escape(effect)}");

                // The clock stands still while the event is appended and until the timeline service has
                // read it, so midnight cannot pass before the projection knows what happened that day
                // (under load a MET event read late would otherwise show a false MISSED for a moment).
                clock.Pause();
                var appended = await connections.Storage.AppendEventsAsync(new AppendEventsRequest { Events = { e } }, deadline: DateTime.UtcNow + CallTimeout, cancellationToken: ct);
                await ReadAsync(connections, appended.Results.Max(r => r.Position), ct);
                clock.Start();
            }

            await met.Task.WaitAsync(liveBudget, ct);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
        finally
        {
            clock.Pause();
            await watchCancel.CancelAsync();
            await reader.WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>Returns once the timeline service has read the log up to <paramref name="position"/> (min_position: it waits, or UNAVAILABLE and the call is tried again).</summary>
    private static async Task ReadAsync(Connections connections, long position, CancellationToken ct) =>
        await connections.Timeline.ListDeadlinesAsync(
            new ListDeadlinesRequest { DeadlineIds = { DeadlineId }, MinPosition = position }, deadline: DateTime.UtcNow + CallTimeout, cancellationToken: ct);

    /// <summary>
    /// Sleeps on the demo clock itself, so the event is added on its day, never a moment before.
    /// The clock is read once per wait: read twice, it could pass the day between the check and
    /// the delay, and a negative delay throws (a CI run's demo at 365 days a second did).
    /// </summary>
    internal static async Task WaitForDayAsync(AcceleratedTimeProvider clock, DateTimeOffset day, CancellationToken ct)
    {
        for (var remaining = day - clock.GetUtcNow(); remaining > TimeSpan.Zero; remaining = day - clock.GetUtcNow())
        {
            await Task.Delay(remaining, clock, ct);
        }
    }

    private async Task ReadWatchAsync(
        AsyncServerStreamingCall<WatchDeadlinesResponse> call, TaskCompletionSource caughtUp, TaskCompletionSource met, CancellationToken ct)
    {
        DeadlineStatus? previous = null;
        try
        {
            await foreach (var response in call.ResponseStream.ReadAllAsync(ct))
            {
                switch (response.MessageCase)
                {
                    case WatchDeadlinesResponse.MessageOneofCase.Status:
                        PrintStatus(previous, response.Status);
                        previous = response.Status;
                        if (response.Status.State == DeadlineState.Met)
                        {
                            met.TrySetResult();
                        }

                        break;
                    case WatchDeadlinesResponse.MessageOneofCase.CaughtUp:
                        Print("[grey]-- that is the current status; the clock starts now[/]");
                        caughtUp.TrySetResult();
                        break;
                }
            }
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.Cancelled)
        {
        }
        catch (OperationCanceledException)
        {
        }
        catch (RpcException ex)
        {
            lock (printGate)
            {
                CommandRunner.WriteRpcError(context.Error, ex);
            }
        }
    }

    /// <summary>
    /// "2023-11-14  ON TRACK  due ..., 47 days remaining", then why; a change that time alone caused (a risk
    /// signal ageing out) says so, since the reasons list only what still counts.
    /// </summary>
    private void PrintStatus(DeadlineStatus? previous, DeadlineStatus status)
    {
        var state = Render.State(status.State);
        var rest = Render.StatusLine(status)[state.Length..].TrimStart(',', ' ');
        var lines = new List<string>
        {
            $"{Markup.Escape(status.AsOf)}  [bold {Render.StateColor(status.State)}]{Markup.Escape(state),-8}[/]  {Markup.Escape(rest)}",
        };
        if (previous is { State: DeadlineState.AtRisk } && status.State == DeadlineState.OnTrack
            && previous.Reasons.FirstOrDefault(r => r.Effect == DeadlineEffectType.Risk) is { } risk)
        {
            lines.Add($"            [grey]why: time passed; the risk signal of {Markup.Escape(Render.Date(risk.Occurred))} is now older than the risk window[/]");
        }
        else if (status.Reasons.Count > 0)
        {
            lines.Add($"            [grey]why: {Markup.Escape(Render.Reason(status.Reasons[0]))}[/]");
        }

        lock (printGate)
        {
            foreach (var line in lines)
            {
                console.MarkupLine("  " + line);
            }
        }
    }

    private void Heading(string title)
    {
        section++;
        console.WriteLine();
        Tables.Heading(context, $"{section}. {title}");
    }

    private void Say(string sentence) => console.MarkupLine($"[grey]{Markup.Escape(sentence)}[/]");

    private void Line(string text) => console.WriteLine(text);

    private void Print(string markup)
    {
        lock (printGate)
        {
            console.MarkupLine("  " + markup);
        }
    }

    private static string Day(DateTimeOffset instant) => CalendarDay.FromDateTime(instant.UtcDateTime).ToString();

    private static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
