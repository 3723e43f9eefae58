using CsvHelper;

namespace Timeline.Tests.Shared.Acled;

/// <summary>
/// ACLED files derived at test time from the real exports in ../shared/data (test input only: no
/// ACLED row is ever written into the repository). Each method reads a real file and writes a
/// transformed copy to <paramref name="folder"/>: the same events in another layout, or the same
/// rows moved to another country.
/// </summary>
internal static class AcledDerivedFiles
{
    private static readonly string[] SecondActor = ["actor2", "assoc_actor_2", "inter2"];

    /// <summary>The shared data folder beside the repository.</summary>
    public static string DataFolder(string repositoryRoot) => Path.GetFullPath(Path.Combine(repositoryRoot, "..", "shared", "data"));

    /// <summary>A real file's header, its HXL tag row (when it has one) and its rows, as read by CsvHelper.</summary>
    public static (string[] Header, string[]? Tags, List<string[]> Rows) ReadAll(string path)
    {
        using var csv = CsvReader.Create(new StreamReader(path), CsvReaderOptions.Default with { Separator = ',' });
        csv.ReadHeader();
        var header = csv.Headers.ToArray();
        string[]? tags = null;
        var rows = new List<string[]>();
        while (csv.Read())
        {
            var row = Enumerable.Range(0, csv.FieldCount).Select(i => csv.GetString(i) ?? "").ToArray();
            if (rows.Count == 0 && tags is null && row.Any(c => c.StartsWith('#')) && row.All(c => c.Length == 0 || c.StartsWith('#')))
            {
                tags = row;
                continue;
            }

            rows.Add(row);
        }

        return (header, tags, rows);
    }

    /// <summary>
    /// The monadic layout of a dyadic export, as ACLED's export tool writes it: no actor2 columns,
    /// one row per actor (actor2 moved into actor1, assoc_actor_1, inter1 on a second row with the
    /// same event_id_cnty). Returns the path and the number of rows written.
    /// </summary>
    public static (string Path, int Rows) Monadic(string dyadicPath, string folder, string name)
    {
        var (header, tags, rows) = ReadAll(dyadicPath);
        var index = header.Select((h, i) => (h, i)).ToDictionary(p => p.h, p => p.i);
        var keep = Enumerable.Range(0, header.Length).Where(i => !SecondActor.Contains(header[i])).ToArray();
        var output = new List<string[]>();
        foreach (var row in rows)
        {
            output.Add([.. keep.Select(i => row[i])]);
            if (row[index["actor2"]].Length > 0)
            {
                var second = (string[])row.Clone();
                second[index["actor1"]] = row[index["actor2"]];
                second[index["assoc_actor_1"]] = row[index["assoc_actor_2"]];
                second[index["inter1"]] = row[index["inter2"]];
                output.Add([.. keep.Select(i => second[i])]);
            }
        }

        var path = Path.Combine(folder, name);
        Write(path, [.. keep.Select(i => header[i])], tags is null ? null : [.. keep.Select(i => tags[i])], output);
        return (path, output.Count);
    }

    /// <summary>
    /// The first <paramref name="count"/> rows of a real file moved to another country: <c>country</c>,
    /// <c>iso</c> and <c>iso3</c> rewritten (a null value drops that column, as files without it have
    /// none), and the id's country prefix replaced so the events are new ones.
    /// </summary>
    public static string InCountry(string realPath, string folder, string name, int count, string? country, string? iso, string? iso3, string idPrefix)
    {
        var (header, _, rows) = ReadAll(realPath);
        var replaced = new Dictionary<string, string?> { ["country"] = country, ["iso"] = iso, ["iso3"] = iso3 };
        var keep = Enumerable.Range(0, header.Length).Where(i => !(replaced.TryGetValue(header[i], out var v) && v is null)).ToArray();
        var idColumn = Array.IndexOf(header, "event_id_cnty");
        var output = rows.Take(count).Select(row => keep.Select(i =>
            i == idColumn ? idPrefix + row[i][3..]
            : replaced.TryGetValue(header[i], out var value) ? value! : row[i]).ToArray()).ToList();
        var path = Path.Combine(folder, name);
        Write(path, [.. keep.Select(i => header[i])], null, output);
        return path;
    }

    /// <summary>The first rows of a real file separated by <paramref name="separator"/> instead of commas.</summary>
    public static string Separated(string realPath, string folder, string name, char separator, int count)
    {
        var (header, _, rows) = ReadAll(realPath);
        var path = Path.Combine(folder, name);
        using var writer = new StreamWriter(path);
        using var csv = CsvWriter.Create(writer, CsvWriterOptions.Default with { Separator = separator }, leaveOpen: true);
        csv.WriteHeader(header);
        foreach (var row in rows.Take(count))
        {
            csv.WriteRecord(row);
        }

        csv.Flush();
        return path;
    }

    public static void Write(string path, string[] header, string[]? tags, IEnumerable<string[]> rows)
    {
        using var writer = new StreamWriter(path);
        using var csv = CsvWriter.Create(writer, null, leaveOpen: true);
        csv.WriteHeader(header);
        if (tags is not null)
        {
            csv.WriteRecord(tags);
        }

        foreach (var row in rows)
        {
            csv.WriteRecord(row);
        }

        csv.Flush();
    }
}
