using Google.Protobuf;

namespace Timeline.Cli.Output;

/// <summary>RPC responses in the standard protobuf JSON mapping, one object per line.</summary>
internal static class JsonOutput
{
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default);

    private static readonly JsonFormatter Indented = new(JsonFormatter.Settings.Default.WithIndentation());

    public static string Format(IMessage message) => Formatter.Format(message);

    /// <summary>Over several lines, for a file a person edits (`timeline extract -o json`).</summary>
    public static string FormatIndented(IMessage message) => Indented.Format(message);

    public static void WriteLine(TextWriter output, IMessage message)
    {
        output.WriteLine(Formatter.Format(message));
        output.Flush();
    }
}
