using System.CommandLine;
using System.CommandLine.Parsing;

namespace Timeline.Cli.Infrastructure;

/// <summary>
/// A command line that cannot be read, answered in the user's words on standard error: the flag or
/// argument, the value given, what is allowed, and where to read more. Never the parser's own
/// type names ("Timeline.Cli.Commands.ImportFormat") and never the whole help text.
/// </summary>
internal static class ParseErrors
{
    /// <summary>The exit code of a command line that could not be read (as in GNU tools: 2).</summary>
    public const int UsageExitCode = 2;

    public static int Write(ParseResult result, TextWriter error)
    {
        var messages = result.Errors.Select(Describe).Distinct(StringComparer.Ordinal).ToList();

        // "No command given" is noise beside "'xyz' is not a command", which says the same and more.
        if (messages.Count > 1)
        {
            messages.RemoveAll(m => m.StartsWith(MissingCommandPrefix, StringComparison.Ordinal));
        }

        foreach (var message in messages)
        {
            error.WriteLine($"error: {message}");
        }

        error.WriteLine($"Run '{CommandPath(result.CommandResult)} --help' for its options.");
        return UsageExitCode;
    }

    private const string MissingCommandPrefix = "a command is needed";

    private static string Describe(ParseError error)
    {
        switch (error.SymbolResult)
        {
            case OptionResult option when option.Option.Required && option.Implicit:
                return $"{option.Option.Name} is required: {Lower(option.Option.Description)}";
            case ArgumentResult { Parent: OptionResult option } argument when CannotParse(error):
                return Value(option.Option.Name, Given(argument), option.Option.ValueType, option.Option.Description);
            case OptionResult option when CannotParse(error) || error.Message.Contains("Required argument missing", StringComparison.Ordinal):
                return option.Tokens.Count == 0
                    ? $"{option.Option.Name} needs a value: {Lower(option.Option.Description)}"
                    : Value(option.Option.Name, option.Tokens[^1].Value, option.Option.ValueType, option.Option.Description);
            case ArgumentResult { Parent: CommandResult command } argument when error.Message.StartsWith("Required argument missing", StringComparison.Ordinal):
                return $"'{CommandPath(command)}' needs {argument.Argument.Name.ToUpperInvariant()}: {Lower(argument.Argument.Description)}";
            case ArgumentResult argument when CannotParse(error):
                return Value(argument.Argument.Name.ToUpperInvariant(), Given(argument), argument.Argument.ValueType, argument.Argument.Description);
            case CommandResult command when error.Message.StartsWith("Required argument missing", StringComparison.Ordinal):
                var missing = command.Command.Arguments.FirstOrDefault(a => command.GetResult(a) is null or { Tokens.Count: 0 });
                return missing is null
                    ? $"'{CommandPath(command)}' needs an argument"
                    : $"'{CommandPath(command)}' needs {missing.Name.ToUpperInvariant()}: {Lower(missing.Description)}";
            case CommandResult command when error.Message.StartsWith("Required command was not provided", StringComparison.Ordinal):
                return $"{MissingCommandPrefix}: {string.Join(", ", command.Command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name))}";
        }

        // AcceptOnlyFromAmong: "Argument 'soon' not recognized. Must be one of:\n\t'set'\n\t'met'..."
        if (error.Message.StartsWith("Argument '", StringComparison.Ordinal) && error.Message.Contains("not recognized", StringComparison.Ordinal))
        {
            var allowed = error.Message.Split('\n').Skip(1).Select(l => l.Trim().Trim('\'')).Where(l => l.Length > 0);
            var flag = error.SymbolResult switch
            {
                OptionResult o => o.Option.Name,
                ArgumentResult { Parent: OptionResult o } => o.Option.Name,
                ArgumentResult a => a.Argument.Name.ToUpperInvariant(),
                _ => "value",
            };
            return $"{flag}: '{Quoted(error.Message.Split('\n')[0])}' is not allowed; use one of: {string.Join(", ", allowed)}";
        }

        if (error.Message.StartsWith("Unrecognized command or argument", StringComparison.Ordinal))
        {
            var token = Quoted(error.Message);
            var command = error.SymbolResult as CommandResult;
            return token.StartsWith('-')
                ? $"'{token}' is not an option of '{(command is null ? "timeline" : CommandPath(command))}'"
                : command is { Parent: null }
                    ? $"'{token}' is not a command; the commands are: {string.Join(", ", command.Command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name))}"
                    : $"unexpected argument '{token}'";
        }

        // Our own validators and parsers already speak the user's words ("--timeout: '1x' is not ...").
        return error.Message;
    }

    private static bool CannotParse(ParseError error) => error.Message.StartsWith("Cannot parse argument", StringComparison.Ordinal);

    private static string Given(ArgumentResult argument) => argument.Tokens.Count > 0 ? argument.Tokens[^1].Value : "";

    /// <summary>"--format: 'xml' is not allowed; use one of: auto, events, acled".</summary>
    private static string Value(string name, string given, Type type, string? description)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type.IsEnum)
        {
            return $"{name}: '{given}' is not allowed; use one of: {string.Join(", ", Enum.GetNames(type).Select(n => n.ToLowerInvariant()))}";
        }

        var expected = type == typeof(int) || type == typeof(long) ? "a whole number"
            : type == typeof(double) || type == typeof(decimal) ? "a number"
            : type == typeof(DateOnly) ? "a date YYYY-MM-DD"
            : type == typeof(bool) ? "true or false"
            : "a valid value";
        return $"{name}: '{given}' is not {expected}{(description is { Length: > 0 } ? $" ({Lower(description)})" : "")}";
    }

    private static string Lower(string? text) =>
        string.IsNullOrEmpty(text) ? "" : char.ToLowerInvariant(text[0]) + text[1..];

    private static string Quoted(string message)
    {
        var start = message.IndexOf('\'', StringComparison.Ordinal);
        var end = message.LastIndexOf('\'');
        return start >= 0 && end > start ? message[(start + 1)..end] : message;
    }

    private static string CommandPath(CommandResult command)
    {
        var names = new List<string>();
        for (SymbolResult? at = command; at is not null; at = at.Parent)
        {
            if (at is CommandResult c)
            {
                names.Insert(0, c.Parent is null ? "timeline" : c.Command.Name);
            }
        }

        return string.Join(' ', names);
    }
}
