using Spectre.Console;

namespace Timeline.Cli;

/// <summary>Where a command writes (the console for people, the raw writer for JSON) and what it reads from the environment.</summary>
internal sealed class CliContext(IAnsiConsole console, TextWriter output, TextWriter error, Func<string, string?> environment)
{
    public const string StorageAddressVariable = "TIMELINE_STORAGE_ADDRESS";
    public const string TimelineAddressVariable = "TIMELINE_TIMELINE_ADDRESS";
    public const string TokenVariable = "TIMELINE_TOKEN";

    /// <summary>Tables, colours and live output for a person.</summary>
    public IAnsiConsole Console { get; } = console;

    /// <summary>Raw standard output: JSON lines go here unwrapped.</summary>
    public TextWriter Output { get; } = output;

    /// <summary>Standard error: refusals and failures.</summary>
    public TextWriter Error { get; } = error;

    /// <summary>Standard input, for commands that read a file named "-".</summary>
    public TextReader Input { get; init; } = TextReader.Null;

    public string? Environment(string name) => environment(name);

    /// <summary>
    /// Standard output is a terminal (a person reads it): tables are drawn to its width and progress
    /// is shown. Otherwise output is plain and stable, one line per row, for scripts.
    /// </summary>
    public bool IsTerminal { get; init; }

    /// <summary>--verbose or TIMELINE_VERBOSE=1: the services' information logs, and the details of an unexpected failure.</summary>
    public bool Verbose { get; set; }

    public static CliContext FromConsole()
    {
        var terminal = !System.Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(System.Console.Out) });
        if (!terminal)
        {
            // Redirected output has no terminal width: nothing is drawn to one (tables are written
            // as plain lines, see Tables), and a long line is never wrapped at an arbitrary column.
            console.Profile.Width = 1000;
        }

        return new CliContext(console, System.Console.Out, System.Console.Error, System.Environment.GetEnvironmentVariable)
        {
            Input = System.Console.In,
            IsTerminal = terminal,
        };
    }

    /// <summary>A context writing plain text (no colours, fixed width) into <paramref name="output"/>, for tests and captures.</summary>
    public static CliContext ForWriters(TextWriter output, TextWriter error, Func<string, string?>? environment = null, int width = 200, TextReader? input = null, bool terminal = false)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = width;
        return new CliContext(console, output, error, environment ?? (_ => null)) { Input = input ?? TextReader.Null, IsTerminal = terminal };
    }
}
