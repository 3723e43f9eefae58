using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Timeline.Domain.Validation;

namespace Timeline.ServiceDefaults.Logging;

/// <summary>
/// The services' console log format, the default one's layout (<c>info: Category[id]</c>, then the
/// message indented on the next line) with nothing a request can forge: every control character
/// (CR, LF, ESC and so terminal escapes, OSC sequences), line separator and bidirectional override
/// in a message is written as <c>\uXXXX</c>, so a message is always one line; an exception's own
/// lines are indented and escaped the same way, so only the formatter starts a line at column 0.
/// No colours (they are escape sequences too). Chosen unless <c>Logging:Console:FormatterName</c>
/// names another (<c>json</c> escapes by itself).
/// </summary>
internal sealed class SafeConsoleFormatter() : ConsoleFormatter(Name)
{
    public new const string Name = "timeline";

    private const string Padding = "      ";

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        if (string.IsNullOrEmpty(message) && logEntry.Exception is null)
        {
            return;
        }

        textWriter.Write(Level(logEntry.LogLevel));
        textWriter.Write(": ");
        textWriter.Write(Escape(logEntry.Category));
        textWriter.Write('[');
        textWriter.Write(logEntry.EventId.Id);
        textWriter.WriteLine(']');
        textWriter.Write(Padding);
        textWriter.WriteLine(Escape(message ?? ""));
        if (logEntry.Exception is { } exception)
        {
            foreach (var line in exception.ToString().Split('\n'))
            {
                textWriter.Write(Padding);
                textWriter.WriteLine(Escape(line.TrimEnd('\r')));
            }
        }
    }

    /// <summary>Every character that could end a line, move the cursor, talk to the terminal or reorder the text, as <c>\uXXXX</c>.</summary>
    public static string Escape(string text) => NewEventValidator.Quote(text, int.MaxValue);

    private static string Level(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        LogLevel.Critical => "crit",
        _ => "none",
    };
}
