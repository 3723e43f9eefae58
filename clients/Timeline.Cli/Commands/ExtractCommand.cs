using System.CommandLine;
using Spectre.Console;
using Timeline.Cli.Extract;
using Timeline.Cli.Infrastructure;
using Timeline.Cli.Output;
using Timeline.Domain.Dates;
using Timeline.Extraction;
using Timeline.V1;

namespace Timeline.Cli.Commands;

/// <summary>
/// `timeline extract FILE|- --published YYYY-MM-DD`: a draft of the article's dated events and
/// deadline effects (docs/EXTRACT.md), as a table, as the JSON `timeline import` reads (-o json),
/// or imported at once (--append).
/// </summary>
internal static class ExtractCommand
{
    public static Command Create(CliContext context, CommonOptions options)
    {
        var file = new Argument<string>("file") { Description = "A news article as plain text or HTML; - reads standard input" };
        var published = new Option<string>("--published") { Description = "The day the article was published (YYYY-MM-DD): its dates are read against it; an HTML page's own date is used when this is not given" };
        var source = new Option<string>("--source") { Description = "The source's name for every event (default: the article's headline, else the file name)" };
        var sourceUrl = new Option<string>("--source-url") { Description = "The article's address (default: an HTML page's canonical address)" };
        var deadlineId = new Option<string>("--deadline", "--deadline-id") { Description = "The id of the text's deadline instead of one made from its words, e.g. one already set in the store (minusma-withdrawal)" };
        var append = new Option<bool>("--append") { Description = "Import the draft at once, reporting like `timeline import`" };
        var asRevisions = DraftMatches.AsRevisionsOption();
        var allowDuplicates = DraftMatches.AllowDuplicatesOption();
        var command = new Command("extract", "Propose a draft of dated events and deadline effects from a news article (text or HTML)")
        {
            file, published, source, sourceUrl, deadlineId, append, asRevisions, allowDuplicates,
        };
        command.SetAction((result, ct) => CommandRunner.RunAsync(context, async () =>
        {
            var input = ArticleFiles.Read(result.GetRequiredValue(file), context.Input);
            var day = PublishedDay(result.GetValue(published), input);
            var extractOptions = new ExtractOptions(day) { DeadlineId = result.GetValue(deadlineId) };
            if (extractOptions.DeadlineId is { } id && !IsId(id))
            {
                throw new CliException($"--deadline: '{id}' is not an id: letters, digits and -_.: only");
            }

            var mode = DraftMatches.Mode(result.GetValue(asRevisions), result.GetValue(allowDuplicates));
            var draft = DraftExtractor.Extract(input.Article, extractOptions);
            var draftSource = new DraftSource(result.GetValue(source) ?? input.Article.Headline ?? input.Name, result.GetValue(sourceUrl) ?? input.Url);
            var request = DraftEvents.Request(draft, draftSource);
            var json = options.Json(result);
            if (!result.GetValue(append))
            {
                if (json)
                {
                    context.Output.WriteLine(JsonOutput.FormatIndented(request)); // indented for editing
                }
                else
                {
                    Print(context, draft, input);
                }

                return 0;
            }

            if (!json)
            {
                Print(context, draft, input);
                context.Console.WriteLine();
            }

            using var connections = Connections.From(options, result);
            var events = request.Events.ToList();
            var (toStore, matches) = await DraftMatches.ApplyAsync(connections.Storage, events, mode, context.Error, ct);
            var results = await ImportCommand.ImportAsync(connections.Storage, toStore, ImportCommand.DefaultBatchSize, json ? r => JsonOutput.WriteLine(context.Output, r) : null, null, ct);
            ImportCommand.PrintSummary(json ? null : context.Console, context.Error, input.Name, events.Count, results, []);
            DraftMatches.Report(context.Error, input.Name, matches, mode);
            await ImportCommand.NoteUnsetDeadlinesAsync(context, connections.Storage, toStore, ct);
            return mode == DraftMatchMode.HoldBack && matches.Count > 0 ? CommandRunner.Failed : 0;
        }, ct));
        return command;
    }

    private static CalendarDay PublishedDay(string? given, ArticleInput input)
    {
        if (given is not null)
        {
            return CalendarDay.TryParse(given, out var day)
                ? day
                : throw new CliException($"--published: '{given}' is not a day (YYYY-MM-DD), e.g. 2023-10-16");
        }

        return input.Published
            ?? throw new CliException($"--published is required: the day {input.Name} was published, e.g. --published 2023-10-16 (its dates are read against it{(input.Html ? "; the page gives no date of its own" : "")})");
    }

    private static bool IsId(string id) => id.Length is > 0 and <= 128 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':');

    /// <summary>The draft for a person: the events, the deadlines, the dates refused, what had no date, and notes.</summary>
    public static void Print(CliContext context, Draft draft, ArticleInput input)
    {
        var console = context.Console;
        var sentences = draft.Article.Sentences.Count;
        console.MarkupLine($"[bold]{Markup.Escape(draft.Article.Headline ?? input.Name)}[/]");
        console.WriteLine($"{Counts.Of(sentences, "sentence")}, read against {draft.Published} (the publication date): " +
            $"{Counts.Of(draft.Events.Count, "proposed event")}, {Counts.Of(draft.Deadlines.Count, "deadline")}, {Counts.Of(draft.Refused.Count, "date")} refused");
        if (draft.Events.Count > 0)
        {
            Tables.Write(context, EventsTable(draft));
        }

        if (draft.Deadlines.Count > 0)
        {
            Tables.Write(context, DeadlinesTable(draft));
        }

        foreach (var refusal in draft.Refused)
        {
            console.WriteLine($"refused (sentence {refusal.Sentence}): {refusal.Reason}");
        }

        if (draft.Undated.Count > 0)
        {
            console.WriteLine($"no date, nothing proposed: {Counts.Of(draft.Undated.Count, "sentence")} ({string.Join(", ", draft.Undated)})");
        }

        foreach (var note in draft.Notes)
        {
            console.WriteLine($"note: {note}");
        }

        if (draft.Article.LeftOut.Count > 0)
        {
            console.WriteLine($"left out as page furniture: {string.Join(" | ", draft.Article.LeftOut.Select(l => $"\"{l}\""))}");
        }
    }

    private static Table EventsTable(Draft draft)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn(new TableColumn("S").RightAligned())
            .AddColumn("When (written → read)")
            .AddColumn("Proposed event")
            .AddColumn("Deadline effect")
            .AddColumn("Actors / tags")
            .AddColumn("Confidence");
        foreach (var e in draft.Events)
        {
            var date = e.Occurred.Date;
            var written = e.Occurred.Text is { } text && text != e.Occurred.Written ? $"\"{e.Occurred.Written}\" = \"{text}\"" : $"\"{e.Occurred.Written}\"";
            var deadline = e.Deadline is { } d
                ? $"{Render.Effect(d.Effect).ToUpperInvariant()} {d.DeadlineId}{(d.Due is { } due ? $", due {due.Latest}" : "")}\n{string.Join("\n", d.Triggers.Select(t => $"\"{t}\""))}"
                : "";
            table.AddRow(
                new Text(string.Join(",", e.Sentences)),
                new Text($"{written}\n{date.Display}\n{Render.Bounds(date)}, EDTF {date.Edtf}"),
                new Text(e.Title),
                new Text(deadline),
                new Text($"{string.Join("; ", e.Actors)}\n[{string.Join(", ", e.Tags)}]"),
                new Text($"{e.Confidence.ToString().ToLowerInvariant()}: {e.Reason}"));
        }

        return table;
    }

    private static Table DeadlinesTable(Draft draft)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("Proposed deadline")
            .AddColumn("Due")
            .AddColumn("Said in the text")
            .AddColumn("Set in the text?");
        foreach (var d in draft.Deadlines)
        {
            table.AddRow(
                new Text($"{d.Title}\n({d.Id})"),
                new Text($"{d.Due.Latest}\n(\"{d.DueText}\": {Render.Bounds(d.Due)})"),
                new Text(string.Join("\n", d.Mentions.Select(m => $"{m.Sentence}: \"{m.Text}\" ({m.Subject}), due {m.Due.Latest}"))),
                new Text(d.SetInText ? "yes" : "no"));
        }

        return table;
    }
}
