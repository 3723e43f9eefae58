using Google.Protobuf;

namespace Timeline.Cli.Output;

/// <summary>RPC responses in the standard protobuf JSON mapping, one object per line.</summary>
internal static class JsonOutput
{
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default);

    public static string Format(IMessage message) => Formatter.Format(message);

    public static void WriteLine(TextWriter output, IMessage message)
    {
        output.WriteLine(Formatter.Format(message));
        output.Flush();
    }
}
