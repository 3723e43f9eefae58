namespace Timeline.Cli;

/// <summary>A refusal the CLI itself makes (a bad flag value, an unreadable file): printed on stderr, exit code 1.</summary>
internal sealed class CliException(string message, Exception? inner = null) : Exception(message, inner);
