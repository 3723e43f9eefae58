using Timeline.Cli.Output;
using Timeline.V1;

namespace Timeline.Cli.Export;

/// <summary>The export formats of `timeline export`.</summary>
internal enum ExportFormat
{
    Json,
    Csv,
    Markdown,
    TimelineJs,
    Ics,
    Html,
}

/// <summary>How TimelineJS rows are grouped (<c>--group-by</c>).</summary>
internal enum TimelineGroup
{
    /// <summary>The event's kind (ACLED's event type, "Statement", "Decision"): few rows, each meaningful. The default.</summary>
    Kind,

    /// <summary>The event's most telling tag: the most common of its tags that not every exported event carries.</summary>
    Tag,

    /// <summary>The event's country (ISO 3166 alpha-3).</summary>
    Country,

    /// <summary>The deadline the event bears on.</summary>
    Deadline,

    /// <summary>One row for everything.</summary>
    None,
}

/// <summary>
/// What an export holds: the chronology (as <c>show</c> gets it) and the status of each deadline
/// its entries bear on, as of <see cref="AsOf"/>.
/// </summary>
internal sealed record ExportData(IReadOnlyList<TimelineEntry> Entries, IReadOnlyList<DeadlineStatus> Deadlines, string AsOf, DateTimeOffset GeneratedAt)
{
    public string Title { get; init; } = "Timeline";

    /// <summary>How the TimelineJS export groups its rows.</summary>
    public TimelineGroup GroupBy { get; init; } = TimelineGroup.Kind;

    /// <summary>The store the data comes from (<see cref="StoreIdentity"/>), for identifiers unique across installations.</summary>
    public string StoreId { get; init; } = "";

    /// <summary>How many times each deadline's status has changed, and when it last did (<see cref="DeadlineRevisions"/>).</summary>
    public IReadOnlyDictionary<string, DeadlineRevision> Revisions { get; init; } = new Dictionary<string, DeadlineRevision>();

    /// <summary>The entry that set a deadline (effect SET), when the export has it.</summary>
    public TimelineEntry? SetBy(string deadlineId) =>
        Entries.FirstOrDefault(e => e.Event.Deadline is { Effect: DeadlineEffectType.Set } d && d.DeadlineId == deadlineId);

    /// <summary>The deadline ids the entries bear on, in order of first appearance.</summary>
    public static List<string> DeadlineIds(IEnumerable<TimelineEntry> entries) =>
        [.. entries.Select(e => e.Event.Deadline?.DeadlineId).OfType<string>().Where(id => id.Length > 0).Distinct(StringComparer.Ordinal)];
}

/// <summary>What an export holds: how many of the events and of the deadline statuses are in it.</summary>
internal readonly record struct ExportWritten(int Events, int Deadlines);

/// <summary>Writes one format, and says truthfully what the result holds.</summary>
internal static class Exporter
{
    public static ExportWritten Write(ExportFormat format, ExportData data, TextWriter writer)
    {
        var written = format switch
        {
            ExportFormat.Json => JsonExport.Write(data, writer),
            ExportFormat.Csv => CsvExport.Write(data, writer),
            ExportFormat.Markdown => MarkdownExport.Write(data, writer),
            ExportFormat.TimelineJs => TimelineJsExport.Write(data, writer),
            ExportFormat.Ics => IcsExport.Write(data, writer),
            ExportFormat.Html => HtmlExport.Write(data, writer),
            _ => throw new CliException($"unknown export format {format}"),
        };
        writer.Flush();
        return written;
    }

    /// <summary>The format's own name: "iCalendar", "TimelineJS".</summary>
    public static string Name(ExportFormat format) => format switch
    {
        ExportFormat.Json => "JSON",
        ExportFormat.Csv => "CSV",
        ExportFormat.Markdown => "Markdown",
        ExportFormat.TimelineJs => "TimelineJS",
        ExportFormat.Ics => "iCalendar",
        _ => "HTML",
    };

    /// <summary>Whether the format holds events (all but iCalendar) and deadline statuses (all but CSV).</summary>
    public static (bool Events, bool Deadlines) Carries(ExportFormat format) =>
        (format != ExportFormat.Ics, format != ExportFormat.Csv);

    /// <summary>"3 events and 1 deadline", or only what the format holds: "0 deadlines" for iCalendar, "3 events" for CSV.</summary>
    public static string Describe(ExportFormat format, ExportWritten written)
    {
        var (events, deadlines) = Carries(format);
        return (events, deadlines) switch
        {
            (true, true) => $"{Counts.Of(written.Events, "event")} and {Counts.Of(written.Deadlines, "deadline")}",
            (true, false) => Counts.Of(written.Events, "event"),
            _ => Counts.Of(written.Deadlines, "deadline"),
        };
    }

    /// <summary>
    /// What matched but is not in the export, and where to find it: the events an iCalendar file
    /// cannot hold, the deadline statuses a CSV file cannot, the events TimelineJS cannot place and
    /// the deadlines a calendar has no day for. Empty when the export holds everything that matched.
    /// </summary>
    public static List<string> Missing(ExportFormat format, ExportData data, ExportWritten written)
    {
        var notes = new List<string>();
        var (events, deadlines) = Carries(format);
        if (!events && data.Entries.Count > 0)
        {
            notes.Add($"{Name(format)} carries deadlines only: the {Counts.Of(data.Entries.Count, "event")} matched {Are(data.Entries.Count)} not in it; use --format {Others(format, f => Carries(f).Events)} for events");
        }
        else if (events && written.Events < data.Entries.Count)
        {
            var left = data.Entries.Count - written.Events;
            notes.Add($"{left} of the {Counts.Of(data.Entries.Count, "event")} matched {Have(left)} no day {Name(format)} can place and {Are(left)} not in it; use --format {Others(format, f => Carries(f).Events)} for every event");
        }

        if (!deadlines && data.Deadlines.Count > 0)
        {
            notes.Add($"{Name(format)} carries events only (each row names its deadline): the status of the {Counts.Of(data.Deadlines.Count, "deadline")} they bear on is not in it; use --format {Others(format, f => Carries(f).Deadlines)} for deadlines");
        }
        else if (deadlines && written.Deadlines < data.Deadlines.Count)
        {
            var left = data.Deadlines.Count - written.Deadlines;
            notes.Add($"{left} of the {Counts.Of(data.Deadlines.Count, "deadline")} matched {Have(left)} no due day {Name(format)} can hold (an open due date, or one before 1 CE) and {Are(left)} not in it; use --format {Others(format, f => Carries(f).Deadlines)} for every deadline");
        }

        return notes;
    }

    private static string Others(ExportFormat format, Func<ExportFormat, bool> carries)
    {
        var names = Enum.GetValues<ExportFormat>().Where(f => f != format && carries(f)).Select(f => f.ToString().ToLowerInvariant()).ToList();
        return names.Count == 1 ? names[0] : $"{string.Join(", ", names[..^1])} or {names[^1]}";
    }

    private static string Are(int count) => count == 1 ? "is" : "are";

    private static string Have(int count) => count == 1 ? "has" : "have";

    /// <summary>"2023-10-14" or "-0044-03-15" as written, or null for an empty, open or unreadable bound (see <see cref="Day"/>).</summary>
    public static string? Bound(string? bound) => Day(bound ?? "") is { } day ? Domain.Dates.FuzzyDateProto.FormatDay(day) : null;

    /// <summary>
    /// "2023-10-14" or "-0044-03-15" as a day, or null for an empty, open (-9999-01-01 / 9999-12-31,
    /// and 0001-01-01, the open start stored before years before 1 CE existed) or unreadable bound.
    /// </summary>
    public static Domain.Dates.CalendarDay? Day(string bound) =>
        Domain.Dates.FuzzyDateProto.TryParseDay(bound, out var day) &&
        day != Domain.Dates.CalendarDay.MinValue && day != Domain.Dates.CalendarDay.MaxValue && day != (Domain.Dates.CalendarDay)DateOnly.MinValue
            ? day
            : null;
}
