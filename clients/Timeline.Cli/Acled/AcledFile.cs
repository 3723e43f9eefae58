using System.Globalization;
using CsvHelper;
using Timeline.Cli.Commands;
using Timeline.V1;

namespace Timeline.Cli.Acled;

/// <summary>A row turned into an event, with the line of the file it started on.</summary>
internal sealed record AcledRow(int Line, NewEvent Event);

/// <summary>What reading a file gave: the rows read (header and HXL tag row not counted), the events, the refusals.</summary>
internal sealed record AcledReadResult(int Read, IReadOnlyList<AcledRow> Rows, IReadOnlyList<ImportRefusal> Refused);

/// <summary>
/// Reads an ACLED CSV export with CsvHelper, whatever its layout: columns are found by header name
/// in any order (an unnamed pandas index column and unknown columns are ignored), an HXL hashtag row
/// under the header (HDX files: <c>#event+code</c>, ...) is skipped, CRLF or LF. A row that cannot
/// be mapped is refused with its line number and the reason; the other rows are still read.
/// </summary>
internal static class AcledFile
{
    public static readonly string[] RequiredColumns = ["event_id_cnty", "event_date", "time_precision", "event_type"];

    /// <summary>
    /// Reads the file. With <paramref name="onRow"/>, each mapped row goes to it as soon as it is
    /// read (and <see cref="AcledReadResult.Rows"/> stays empty), so a caller can send the first
    /// rows while the rest are still being read.
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
            throw new CliException(
                $"{name}: not an ACLED export: no column {string.Join(", ", missing)} in the header line " +
                $"(found: {string.Join(", ", columns.Keys.Take(12))}{(columns.Count > 12 ? ", ..." : "")})");
        }

        var rows = new List<AcledRow>();
        var refused = new List<ImportRefusal>();
        var read = 0;
        var first = true;
        while (csv.Read())
        {
            var line = (int)csv.LineNumber;
            var count = csv.FieldCount;
            string Field(string column) =>
                columns.TryGetValue(column, out var i) && i < count ? (csv.GetString(i) ?? "").Trim() : "";

            if (first && IsHxlTagRow(csv, count))
            {
                first = false;
                continue;
            }

            first = false;
            read++;
            var eventId = Field("event_id_cnty");
            if (count != header.Count)
            {
                refused.Add(new(line, eventId, $"{count} fields, the header has {header.Count}"));
                continue;
            }

            try
            {
                var row = new AcledRow(line, AcledEvents.FromRow(Field));
                if (onRow is null)
                {
                    rows.Add(row);
                }
                else
                {
                    onRow(row);
                }
            }
            catch (AcledRowException ex)
            {
                refused.Add(new(line, eventId, ex.Message));
            }
        }

        return new AcledReadResult(read, rows, refused);
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
}

/// <summary>Why one row cannot become an event.</summary>
internal sealed class AcledRowException(string message) : Exception(message);
