using Timeline.Cli.Output;
using Timeline.V1;

namespace Timeline.Cli.Export;

/// <summary>The entries as one <c>timeline.v1.GetTimelineResponse</c> in the protobuf JSON mapping (as `show -o json` prints it).</summary>
internal static class JsonExport
{
    public static void Write(ExportData data, TextWriter writer)
    {
        writer.WriteLine(JsonOutput.Format(new GetTimelineResponse { Entries = { data.Entries } }));
    }
}
