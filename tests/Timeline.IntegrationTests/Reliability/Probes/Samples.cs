using Google.Protobuf;
using Google.Protobuf.Reflection;
using Timeline.IntegrationTests.Timeline;
using Timeline.Storage.V1;
using Timeline.V1;

namespace Timeline.IntegrationTests.Reliability.Probes;

/// <summary>
/// A valid request for every method of both contracts, against a store holding the Mali report
/// (<see cref="MaliReport"/>): what a probe changes one field of. An append is the report's own
/// first event unchanged with a conditional revision that cannot hold, so it runs the whole
/// append path and is refused: the store does not change.
/// </summary>
internal static class Samples
{
    /// <summary>An event of the stored report.</summary>
    public const string StoredEventId = "coup-2020";

    public static IMessage Valid(MethodDescriptor method) => method.InputType.FullName switch
    {
        "timeline.storage.v1.AppendEventsRequest" => new AppendEventsRequest { Events = { ConflictingCopy() } },
        "timeline.storage.v1.GetEventRequest" => new GetEventRequest { EventId = StoredEventId },
        "timeline.storage.v1.GetEventHistoryRequest" => new GetEventHistoryRequest { EventId = StoredEventId },
        "timeline.v1.ReplayDeadlinesRequest" => new ReplayDeadlinesRequest { From = "2023-01-01", To = "2023-12-31" },
        _ => (IMessage)Activator.CreateInstance(method.InputType.ClrType)!,
    };

    /// <summary>The stored report's first event as it was appended, expecting a revision it does not have.</summary>
    public static NewEvent ConflictingCopy()
    {
        var e = MaliReport.Events()[0];
        e.ExpectedRevision = 7;
        return e;
    }
}
