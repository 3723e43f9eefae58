using System.CommandLine;
using Timeline.Cli.Infrastructure;
using Timeline.V1;

namespace Timeline.Cli.Commands;

/// <summary>The event filter flags shared by reading commands (values within a flag are alternatives).</summary>
internal sealed class FilterOptions
{
    public Option<string[]> Tags { get; } = Many("--tag", "Only events with this tag (repeatable)");

    public Option<string[]> Actors { get; } = Many("--actor", "Only events involving this actor (repeatable)");

    public Option<string[]> Kinds { get; } = Many("--kind", "Only events of this kind (repeatable)");

    public Option<string[]> Countries { get; } = Many("--country", "Only events in this country: ISO 3166 alpha-3 code or English name, e.g. MLI or Mali (repeatable)");

    public Option<string> From { get; } = new("--from") { Description = "Only events that may have happened on or after this day (YYYY-MM-DD)", CustomParser = OptionValues.Day("--from") };

    public Option<string> To { get; } = new("--to") { Description = "Only events that may have happened on or before this day (YYYY-MM-DD)", CustomParser = OptionValues.Day("--to") };

    public void AddTo(Command command)
    {
        command.Options.Add(Tags);
        command.Options.Add(Actors);
        command.Options.Add(Kinds);
        command.Options.Add(Countries);
        command.Options.Add(From);
        command.Options.Add(To);
    }

    public EventFilter Build(ParseResult result)
    {
        var filter = new EventFilter
        {
            OccurredFrom = result.GetValue(From) ?? "",
            OccurredTo = result.GetValue(To) ?? "",
        };
        filter.Tags.AddRange(result.GetValue(Tags) ?? []);
        filter.Actors.AddRange(result.GetValue(Actors) ?? []);
        filter.Kinds.AddRange(result.GetValue(Kinds) ?? []);
        filter.Countries.AddRange((result.GetValue(Countries) ?? []).Select(c => OptionValues.Country("--country", c)));
        return filter;
    }

    private static Option<string[]> Many(string name, string description) =>
        new(name) { Description = description, AllowMultipleArgumentsPerToken = false, Arity = ArgumentArity.OneOrMore };
}
