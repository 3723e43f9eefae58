using System.Globalization;
using CsvHelper;
using Timeline.Cli.Commands;
using Timeline.V1;

namespace Timeline.Cli.Acled;

/// <summary>A row (or, in a monadic export, the rows of one event) turned into an event, with the line it started on.</summary>
internal sealed record AcledRow(int Line, NewEvent Event);

/// <summary>How an ACLED export lays out the actors of an event.</summary>
internal enum AcledLayout
{
    /// <summary>One row per event, with actor1 and actor2 columns (ACLED's default, HDX and API exports).</summary>
    Dyadic,

    /// <summary>One row per actor: an event's rows share its id and differ only in actor1, assoc_actor_1, inter1.</summary>
    Monadic,
}

/// <summary>What reading a file gave: the layout, the rows read (header and HXL tag row not counted), the events, the refusals.</summary>
internal sealed record AcledReadResult(AcledLayout Layout, int Read, int Events, IReadOnlyList<AcledRow> Rows, IReadOnlyList<ImportRefusal> Refused)
{
    /// <summary>"dyadic (one row per event)" or "monadic (one row per actor: 7536 rows are 3990 events)", for the summary.</summary>
    public string LayoutDescription => Layout == AcledLayout.Dyadic
        ? "ACLED dyadic export (one row per event)"
        : $"ACLED monadic export (one row per actor: {Read} rows are {Events} events)";
}

/// <summary>
/// Reads an ACLED CSV export with CsvHelper, whatever its layout: columns are found by header name
/// in any order (an unnamed pandas index column and unknown columns are ignored), an HXL hashtag row
/// under the header (HDX files: <c>#event+code</c>, ...) is skipped, CRLF or LF. The consecutive rows
/// of one <c>event_id_cnty</c> of a monadic export (no actor2 columns, or empty ones) are one event
/// with the actors of all of them. A row that cannot be mapped is refused with its line number and
/// the reason; the other rows are still read.
/// </summary>
internal static class AcledFile
{
    public static readonly string[] RequiredColumns = ["event_id_cnty", "event_date", "time_precision", "event_type"];

    private static readonly string[] SecondActorColumns = ["actor2", "assoc_actor_2", "inter2"];

    /// <summary>
    /// Reads the file. With <paramref name="onRow"/>, each mapped event goes to it as soon as its
    /// rows are read (and <see cref="AcledReadResult.Rows"/> stays empty), so a caller can send the
    /// first events while the rest are still being read.
    /// </summary>
    public static AcledReadResult Read(string path, Action<AcledRow>? onRow = null)
    {
        try
        {
            using var reader = new StreamReader(path, detectEncodingFromByteOrderMarks: true);
            return Read(reader, Path.GetFileName(path), onRow);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"cannot read {path}: {ex.Message}", ex);
        }
    }

    public static AcledReadResult Read(TextReader text, string name, Action<AcledRow>? onRow = null)
    {
        var options = CsvReaderOptions.Default with
        {
            Separator = ',',
            TrackLineNumbers = true,
            SkipEmptyLines = true,
        };
        using var csv = CsvReader.Create(text, options, leaveOpen: true);
        csv.ReadHeader();
        var header = csv.Headers;
        if (header.Count == 0)
        {
            throw new CliException($"{name}: empty file, expected an ACLED CSV with a header line");
        }

        var columns = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < header.Count; i++)
        {
            var column = header[i].Trim().Trim('\uFEFF');
            if (column.Length > 0)
            {
                columns.TryAdd(column, i);
            }
        }

        var missing = RequiredColumns.Where(c => !columns.ContainsKey(c)).ToList();
        if (missing.Count > 0)
        {
            throw new CliException(OtherSeparator(header) is { } separator
                ? $"{name}: the header line is separated by {separator}, not by commas: ACLED exports are comma-separated CSV " +
                  "(a spreadsheet saved in a locale that uses ';', or a TSV export, writes this); save or export the file as comma-separated CSV"
                : $"{name}: not an ACLED export: no column {string.Join(", ", missing)} in the header line " +
                  $"(found: {string.Join(", ", columns.Keys.Take(12))}{(columns.Count > 12 ? ", ..." : "")})");
        }

        var grouping = new RowGrouping(columns, header.Count, onRow);
        var first = true;
        while (csv.Read())
        {
            var line = (int)csv.LineNumber;
            var count = csv.FieldCount;
            if (first && IsHxlTagRow(csv, count))
            {
                first = false;
                continue;
            }

            first = false;
            var values = new string[count];
            for (var i = 0; i < count; i++)
            {
                values[i] = (csv.GetString(i) ?? "").Trim();
            }

            grouping.Add(line, values);
        }

        return grouping.Finish();
    }

    /// <summary>"';'" or "tabs" when the header is one cell holding either, as a file separated by them reads.</summary>
    private static string? OtherSeparator(IReadOnlyList<string> header)
    {
        var joined = string.Join(",", header);
        return joined.Contains('\t') && joined.Split('\t').Length > header.Count ? "tabs"
            : joined.Contains(';') && joined.Split(';').Length > header.Count ? "';'"
            : null;
    }

    /// <summary>HXL's hashtag row: every non-empty cell is a tag like <c>#event+code</c>.</summary>
    private static bool IsHxlTagRow(CsvReader csv, int count)
    {
        var any = false;
        for (var i = 0; i < count; i++)
        {
            var cell = csv.GetString(i)?.Trim() ?? "";
            if (cell.Length == 0)
            {
                continue;
            }

            if (!cell.StartsWith('#'))
            {
                return false;
            }

            any = true;
        }

        return any;
    }

    /// <summary>
    /// Collects consecutive rows of one event id and maps them when the id changes: one row as
    /// it is, several as a monadic event whose rows must agree on everything but the actor columns.
    /// </summary>
    private sealed class RowGrouping(Dictionary<string, int> columns, int width, Action<AcledRow>? onRow)
    {
        private readonly List<(int Line, string[] Values)> group = [];
        private readonly Dictionary<string, (int First, int Last)> finished = new(StringComparer.Ordinal);
        private readonly List<AcledRow> rows = [];
        private readonly List<ImportRefusal> refused = [];
        private readonly bool monadicHeader = !SecondActorColumns.Any(columns.ContainsKey);
        private int read;
        private int events;
        private bool merged;

        public void Add(int line, string[] values)
        {
            read++;
            var eventId = Get(values, "event_id_cnty");
            if (values.Length != width)
            {
                refused.Add(new(line, eventId, $"{values.Length} fields, the header has {width}"));
                return;
            }

            if (group.Count > 0 && Get(group[0].Values, "event_id_cnty") != eventId)
            {
                Flush();
            }

            if (eventId.Length > 0 && group.Count == 0 && finished.TryGetValue(eventId, out var earlier))
            {
                refused.Add(new(line, eventId, $"{eventId} already had its {Lines(earlier.First, earlier.Last)}: the rows of one event are consecutive"));
                return;
            }

            group.Add((line, values));
        }

        public AcledReadResult Finish()
        {
            Flush();
            return new AcledReadResult(monadicHeader || merged ? AcledLayout.Monadic : AcledLayout.Dyadic, read, events, rows, refused);
        }

        private void Flush()
        {
            if (group.Count == 0)
            {
                return;
            }

            var (firstLine, values) = group[0];
            var eventId = Get(values, "event_id_cnty");
            var lastLine = group[^1].Line;
            try
            {
                Emit(firstLine, group.Count == 1 ? Single(values) : Merge(eventId));
            }
            catch (AcledRowException ex)
            {
                foreach (var (line, _) in group)
                {
                    refused.Add(new(line, eventId, ex.Message));
                }
            }
            finally
            {
                if (eventId.Length > 0)
                {
                    finished[eventId] = (firstLine, lastLine);
                }

                group.Clear();
            }
        }

        private NewEvent Single(string[] values)
        {
            string Field(string column) => Get(values, column);
            return monadicHeader ? AcledEvents.FromRow(Field, MonadicActors([values])) : AcledEvents.FromRow(Field);
        }

        /// <summary>
        /// The rows of one id, each one actor of a monadic event. Identical rows are two actors too:
        /// a clash between two units of one militia is two rows that differ in nothing.
        /// </summary>
        private NewEvent Merge(string eventId)
        {
            var lines = group.Select(g => g.Line).ToList();
            var dyadicRow = group.FirstOrDefault(g => SecondActorColumns.Any(c => Get(g.Values, c) is { Length: > 0 } v && !(c == "inter2" && v == "0")));
            if (dyadicRow.Values is not null)
            {
                throw new AcledRowException(
                    $"{eventId} is on {Lines(lines[0], lines[^1])} of a dyadic export (line {dyadicRow.Line} has an actor2): " +
                    "a dyadic export has one row per event; in a monadic one the rows of an event have no actor2");
            }

            foreach (var (column, index) in columns)
            {
                if (AcledEvents.ActorColumns.Contains(column, StringComparer.OrdinalIgnoreCase))
                {
                    continue;
                }

                var distinct = group.Select(g => (g.Line, Value: g.Values[index])).DistinctBy(g => g.Value).ToList();
                if (distinct.Count > 1)
                {
                    throw new AcledRowException(
                        $"the rows of {eventId} on {Lines(lines[0], lines[^1])} disagree on {column} " +
                        $"({string.Join(", ", distinct.Select(d => $"'{NewEventQuote(d.Value)}' on line {d.Line}"))}): " +
                        "the rows of one event of a monadic export differ only in actor1, assoc_actor_1 and inter1");
                }
            }

            merged = true;
            return AcledEvents.FromRow(column => Get(group[0].Values, column), MonadicActors([.. group.Select(g => g.Values)]));
        }

        /// <summary>
        /// Each row's actor in turn; an event with one actor gets ACLED's "no actor" inter code 0 as its
        /// second, as the dyadic export writes it, so both layouts give the same event.
        /// </summary>
        private List<AcledActor> MonadicActors(IEnumerable<string[]> actorRows)
        {
            var actors = actorRows.Select(v => new AcledActor(Get(v, "actor1"), Get(v, "assoc_actor_1"), Get(v, "inter1"))).ToList();
            if (actors.Count == 1)
            {
                actors.Add(new AcledActor("", "", columns.ContainsKey("inter1") ? "0" : ""));
            }

            return actors;
        }

        private void Emit(int line, NewEvent e)
        {
            events++;
            var row = new AcledRow(line, e);
            if (onRow is null)
            {
                rows.Add(row);
            }
            else
            {
                onRow(row);
            }
        }

        private string Get(string[] values, string column) =>
            columns.TryGetValue(column, out var i) && i < values.Length ? values[i] : "";

        private static string Lines(int first, int last) => first == last ? $"line {first}" : $"lines {first}–{last}";

        private static string NewEventQuote(string value) => Domain.Validation.NewEventValidator.Quote(value);
    }
}

/// <summary>Why one row cannot become an event.</summary>
internal sealed class AcledRowException(string message) : Exception(message);
