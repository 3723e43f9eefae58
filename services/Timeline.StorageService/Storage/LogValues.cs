using System.Globalization;
using Timeline.V1;

namespace Timeline.StorageService.Storage;

/// <summary>
/// A place in the log: revisions are numbered 1, 2, 3… in commit order without gaps; 0 is before
/// the first (docs/adr/0005).
/// </summary>
internal readonly record struct LogPosition(long Value) : IComparable<LogPosition>
{
    public static readonly LogPosition Start = new(0);

    public LogPosition Next => new(Value + 1);

    public int CompareTo(LogPosition other) => Value.CompareTo(other.Value);

    public static bool operator <(LogPosition left, LogPosition right) => left.Value < right.Value;

    public static bool operator >(LogPosition left, LogPosition right) => left.Value > right.Value;

    public static bool operator <=(LogPosition left, LogPosition right) => left.Value <= right.Value;

    public static bool operator >=(LogPosition left, LogPosition right) => left.Value >= right.Value;

    public static LogPosition Of(EventRecord record) => new(record.Position);

    public override string ToString() => Value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>An event's revision number: 1 for its first, 0 for "does not exist yet" (as in <c>expected_revision</c>).</summary>
internal readonly record struct EventRevision(long Value)
{
    public static readonly EventRevision None = new(0);

    public EventRevision Next => new(Value + 1);

    public override string ToString() => Value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>What one event of an appended batch became: a new revision, or a no-op returning the existing one, and that revision as committed.</summary>
internal sealed record AppendedEvent(string EventId, EventRevision Revision, LogPosition Position, bool NoOp, EventRecord Record);

/// <summary>Which revision of an event to read: a closed set.</summary>
internal abstract record EventVersion
{
    private EventVersion()
    {
    }

    /// <summary>The latest revision (a tombstone included: the caller decides what a retraction means).</summary>
    public sealed record Current : EventVersion
    {
        public static readonly Current Instance = new();
    }

    public sealed record AtRevision(EventRevision Revision) : EventVersion;

    /// <summary>The latest revision recorded at or before <paramref name="Time"/>.</summary>
    public sealed record KnownAt(DateTimeOffset Time) : EventVersion;
}

/// <summary>
/// The chronological sort key of a listed event (ARCHITECTURE §4): earliest day, latest day (day
/// numbers), position. A total order; pages continue strictly after a key.
/// </summary>
internal readonly record struct ChronologicalKey(int Earliest, int Latest, long Position);

/// <summary>
/// One page of a list: its events; when there are more, the key of its last event and the earliest
/// day (day number) of the next page's first event.
/// </summary>
internal sealed record EventPage(IReadOnlyList<EventRecord> Events, ChronologicalKey? Last, int? NextEarliest);
