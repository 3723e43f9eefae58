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

/// <summary>Writes one format.</summary>
internal static class Exporter
{
    public static void Write(ExportFormat format, ExportData data, TextWriter writer)
    {
        switch (format)
        {
            case ExportFormat.Json:
                JsonExport.Write(data, writer);
                break;
            case ExportFormat.Csv:
                CsvExport.Write(data, writer);
                break;
            case ExportFormat.Markdown:
                MarkdownExport.Write(data, writer);
                break;
            case ExportFormat.TimelineJs:
                TimelineJsExport.Write(data, writer);
                break;
            case ExportFormat.Ics:
                IcsExport.Write(data, writer);
                break;
            case ExportFormat.Html:
                HtmlExport.Write(data, writer);
                break;
            default:
                throw new CliException($"unknown export format {format}");
        }

        writer.Flush();
    }

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
