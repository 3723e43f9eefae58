using System.CommandLine;
using System.Text.RegularExpressions;
using Spectre.Console;
using Timeline.Cli.Infrastructure;
using Timeline.Cli.Output;
using Timeline.Storage.V1;
using Timeline.V1;

namespace Timeline.Cli.Commands;

/// <summary>
/// `timeline add`: append one event from flags, then show what was stored and how its date was read,
/// from the append's answer (it carries the committed record: one call). Only an event that bears on
/// a deadline without setting it takes a second call, to say when nothing sets that deadline.
/// </summary>
internal static partial class AddCommand
{
    public static Command Create(CliContext context, CommonOptions options)
    {
        var flags = new AddFlags();
        var command = new Command("add", "Add one event (a new event, or a new revision of an existing id)");
        flags.AddTo(command);
        command.SetAction((result, ct) => CommandRunner.RunAsync(context, async () =>
        {
            var newEvent = flags.Build(result, DateOnly.FromDateTime(DateTime.UtcNow));
            using var connections = Connections.From(options, result);
            var response = await connections.Storage.AppendEventsAsync(new AppendEventsRequest { Events = { newEvent } }, cancellationToken: ct);
            if (options.Json(result))
            {
                JsonOutput.WriteLine(context.Output, response);
            }
            else
            {
                PrintStored(context.Console, response.Results[0], response.Results[0].Event);
            }

            // An event that sets its deadline is the answer to "is it set?" itself.
            if (response.Results[0].Event?.Deadline?.Effect != DeadlineEffectType.Set)
            {
                await ImportCommand.NoteUnsetDeadlinesAsync(context, connections.Storage, [newEvent], ct);
            }
            return 0;
        }, ct));
        return command;
    }

    public static void PrintStored(IAnsiConsole console, AppendResult appended, EventRecord? record)
    {
        var what = appended.NoOp ? "Unchanged (identical to the latest revision)" : "Stored";
        console.MarkupLine($"{what}: [bold]{Markup.Escape(appended.EventId)}[/] revision {appended.Revision}, position {appended.Position}");
        if (record?.Occurred is { } occurred)
        {
            var written = occurred.Text.Length > 0 ? $" (written \"{occurred.Text}\", read against {occurred.Reference})" : "";
            console.WriteLine($"Date: {Render.Date(occurred)} = {Render.Bounds(occurred)}, EDTF {occurred.Edtf}{written}");
        }

        if (record?.Deadline?.Due is { } due)
        {
            console.WriteLine($"Due: {Render.Date(due)} = {Render.Bounds(due)}");
        }
    }

    /// <summary>
    /// Text or EDTF? Words ("since late August", "by 31 December") are text, read against
    /// <paramref name="reference"/> or else today; a bare "2023-10-14", "2023-08~" or "201X" is EDTF.
    /// </summary>
    public static FuzzyDate ParseDate(string value, string? reference, DateOnly today)
    {
        if (EdtfLike().IsMatch(value))
        {
            return new FuzzyDate { Edtf = value };
        }

        return new FuzzyDate { Text = value, Reference = reference ?? ((Timeline.Domain.Dates.CalendarDay)today).ToString() };
    }

    [GeneratedRegex(@"^[0-9X\-~?%/.Y]+$")]
    private static partial Regex EdtfLike();

    internal sealed class AddFlags
    {
        /// <summary>The effects a writer can give (not the contract's UNSPECIFIED), in the order the help lists them.</summary>
        private static readonly DeadlineEffectType[] Effects = [.. Enum.GetValues<DeadlineEffectType>().Where(e => e != DeadlineEffectType.Unspecified)];

        public Option<string> Id { get; } = new("--id") { Description = "Stable event id (letters, digits, -_.:); generated when omitted" };

        public Option<string> Title { get; } = new("--title") { Description = "One line saying what happened", Required = true };

        public Option<string> Date { get; } = new("--date") { Description = "When: EDTF (2023-10-14, 2023-08, 2020) or text (\"since late August\")", Required = true };

        public Option<string> Reference { get; } = new("--reference") { Description = "The day a text date is read against, usually the source's publication date (default today)", CustomParser = OptionValues.Day("--reference") };

        public Option<string> Summary { get; } = new("--summary") { Description = "A few sentences" };

        public Option<string> Kind { get; } = new("--kind") { Description = "Free category, e.g. Statement, Battles" };

        public Option<string[]> Actors { get; } = new("--actor") { Description = "Who was involved (repeatable)", Arity = ArgumentArity.OneOrMore };

        public Option<string[]> Tags { get; } = new("--tag") { Description = "Lower-case label, e.g. mali (repeatable)", Arity = ArgumentArity.OneOrMore };

        public Option<string> Country { get; } = new("--country") { Description = "Country: ISO 3166 alpha-3 code or English name, e.g. MLI or Mali" };

        public Option<string> Place { get; } = new("--place") { Description = "Place name, e.g. Tessalit" };

        public Option<string> Source { get; } = new("--source") { Description = "Source name, e.g. a newspaper" };

        public Option<string> SourceUrl { get; } = new("--source-url") { Description = "Source URL" };

        public Option<string> Published { get; } = new("--published") { Description = "Source publication date (YYYY-MM-DD); also the default --reference", CustomParser = OptionValues.Day("--published") };

        public Option<string> Quote { get; } = new("--quote") { Description = "A short quote from the source" };

        public Option<string> Deadline { get; } = new("--deadline") { Description = "The deadline this event bears on, e.g. minusma-withdrawal" };

        public Option<string> Effect { get; } = new Option<string>("--effect")
        {
            Description = "What it does to the deadline",
        }.AcceptOnlyFromAmong([.. Effects.Select(Render.Effect)]);

        public Option<string> Due { get; } = new("--due") { Description = "Due date for set/extended: EDTF or text (\"by 31 December\")" };

        public Option<string> DeadlineTitle { get; } = new("--deadline-title") { Description = "What is promised (for set)" };

        public Option<string> Responsible { get; } = new("--responsible") { Description = "Who answers for the deadline" };

        public Option<long?> ExpectedRevision { get; } = new("--expected-revision") { Description = "Only if the event's current revision is this (0 = must be new)" };

        public void AddTo(Command command)
        {
            foreach (var option in new Option[]
            {
                Id, Title, Date, Reference, Summary, Kind, Actors, Tags, Country, Place, Source, SourceUrl, Published, Quote,
                Deadline, Effect, Due, DeadlineTitle, Responsible, ExpectedRevision,
            })
            {
                command.Options.Add(option);
            }
        }

        public NewEvent Build(ParseResult result, DateOnly today)
        {
            var published = result.GetValue(Published);
            var reference = result.GetValue(Reference) ?? published;
            var newEvent = new NewEvent
            {
                EventId = result.GetValue(Id) ?? "",
                Title = result.GetRequiredValue(Title),
                Occurred = ParseDate(result.GetRequiredValue(Date), reference, today),
                Summary = result.GetValue(Summary) ?? "",
                Kind = result.GetValue(Kind) ?? "",
            };
            newEvent.Actors.AddRange(result.GetValue(Actors) ?? []);
            newEvent.Tags.AddRange(result.GetValue(Tags) ?? []);
            if (result.GetValue(Country) is not null || result.GetValue(Place) is not null)
            {
                newEvent.Location = new Location { Country = result.GetValue(Country) is { } country ? OptionValues.Country("--country", country) : "", Name = result.GetValue(Place) ?? "" };
            }

            if (result.GetValue(Source) is not null || result.GetValue(SourceUrl) is not null || published is not null || result.GetValue(Quote) is not null)
            {
                newEvent.Source = new Source
                {
                    Name = result.GetValue(Source) ?? "",
                    Url = result.GetValue(SourceUrl) ?? "",
                    Published = published ?? "",
                    Quote = result.GetValue(Quote) ?? "",
                };
            }

            if (result.GetValue(Deadline) is { } deadlineId)
            {
                var effect = new DeadlineEffect
                {
                    DeadlineId = deadlineId,
                    Effect = result.GetValue(Effect) is { } named ? Effects.Single(e => Render.Effect(e) == named) : DeadlineEffectType.Unspecified,
                    Title = result.GetValue(DeadlineTitle) ?? "",
                    Responsible = result.GetValue(Responsible) ?? "",
                };
                if (result.GetValue(Due) is { } due)
                {
                    // A due date is read forward from the day the deadline was stated.
                    effect.Due = ParseDate(due, reference ?? (newEvent.Occurred.Edtf is { Length: 10 } day ? day : null), today);
                }

                if (effect.Effect == DeadlineEffectType.Unspecified)
                {
                    throw new CliException($"--deadline needs --effect, what this event does to it: one of {string.Join(", ", Effects.Select(Render.Effect))}");
                }

                if (effect.Effect is DeadlineEffectType.Set or DeadlineEffectType.Extended)
                {
                    var missing = new[] { (Flag: DeadlineTitle.Name, What: "what is promised", Given: effect.Title.Length > 0 || effect.Effect == DeadlineEffectType.Extended), (Flag: Due.Name, What: "when it falls due", Given: effect.Due is not null) }
                        .Where(m => !m.Given).Select(m => $"{m.Flag} ({m.What})").ToList();
                    if (missing.Count > 0)
                    {
                        throw new CliException($"--effect {Render.Effect(effect.Effect)} needs {string.Join(" and ", missing)}");
                    }
                }

                newEvent.Deadline = effect;
            }
            else if (result.GetResult(Effect) is not null)
            {
                throw new CliException("--effect needs --deadline ID");
            }
            else if (new[] { Due, DeadlineTitle, Responsible }.FirstOrDefault(o => result.GetResult(o) is not null) is { } orphan)
            {
                throw new CliException($"{orphan.Name} needs --deadline ID (the deadline it describes)");
            }

            if (result.GetValue(ExpectedRevision) is { } expected)
            {
                newEvent.ExpectedRevision = expected;
            }

            return newEvent;
        }
    }
}
