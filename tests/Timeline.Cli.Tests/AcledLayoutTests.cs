using Timeline.Cli.Acled;
using Timeline.Tests.Shared.Acled;

namespace Timeline.Cli.Tests;

/// <summary>
/// ACLED's monadic layout, every country and foreign separators, on files derived at test time
/// from the real exports in ../shared/data (never copied into the repository).
/// </summary>
public sealed class AcledLayoutTests : IDisposable
{
    private static readonly string Data = AcledDerivedFiles.DataFolder(Fixtures.Root);
    private static readonly string Hdx = Path.Combine(Data, "acled-mali-hdx-2020-07", "conflict_data_mli.csv");
    private static readonly string Api = Path.Combine(Data, "acled-mali-api-2020", "Processed_Acled_Mali_2020-11.csv");
    private readonly string folder = Directory.CreateTempSubdirectory("timeline-acled-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Theory]
    [InlineData("hdx")]
    [InlineData("api")]
    public void A_monadic_export_reads_as_the_same_events_as_the_dyadic_one(string which)
    {
        var dyadicPath = which == "hdx" ? Hdx : Api;
        var (monadicPath, rows) = AcledDerivedFiles.Monadic(dyadicPath, folder, $"monadic-{which}.csv");

        var dyadic = AcledFile.Read(dyadicPath);
        var monadic = AcledFile.Read(monadicPath);

        Assert.Equal(AcledLayout.Dyadic, dyadic.Layout);
        Assert.Equal(AcledLayout.Monadic, monadic.Layout);
        Assert.Empty(monadic.Refused);
        Assert.Equal(rows, monadic.Read);
        Assert.True(rows > dyadic.Read + 3000, $"only {rows} rows for {dyadic.Read} events: the derived file is not monadic");
        Assert.Equal(dyadic.Read, monadic.Events);
        Assert.Equal(dyadic.Rows.Select(r => r.Event), monadic.Rows.Select(r => r.Event));
        Assert.Equal($"ACLED monadic export (one row per actor: {rows} rows are {dyadic.Read} events)", monadic.LayoutDescription);
    }

    [Fact]
    public void The_attacker_and_the_attacked_of_a_monadic_event_are_both_its_actors_with_their_inter_codes()
    {
        var (monadicPath, _) = AcledDerivedFiles.Monadic(Api, folder, "monadic.csv");

        var coup = Assert.Single(AcledFile.Read(monadicPath).Rows, r => r.Event.EventId == "MLI4212").Event;
        var dyadic = Assert.Single(AcledFile.Read(Api).Rows, r => r.Event.EventId == "MLI4212").Event;

        Assert.Equal(dyadic.Actors, coup.Actors);
        Assert.True(coup.Actors.Count >= 2, string.Join("; ", coup.Actors));
        Assert.Equal((dyadic.Attributes["inter1"], dyadic.Attributes["inter2"]), (coup.Attributes["inter1"], coup.Attributes["inter2"]));
        Assert.Equal(dyadic.Title, coup.Title);
    }

    [Fact]
    public void Rows_of_one_event_that_disagree_beyond_the_actor_columns_are_refused_naming_the_rows_and_the_column()
    {
        var (header, _, rows) = AcledDerivedFiles.ReadAll(Hdx);
        var (monadicHeader, monadicRows) = MonadicRows(header, rows.Take(40).ToList());
        var pair = monadicRows.FindIndex(r => monadicRows.Count(o => o[Column(monadicHeader, "event_id_cnty")] == r[Column(monadicHeader, "event_id_cnty")]) == 2);
        var eventId = monadicRows[pair][Column(monadicHeader, "event_id_cnty")];
        monadicRows[pair + 1][Column(monadicHeader, "fatalities")] = "99";
        var path = Path.Combine(folder, "disagree.csv");
        AcledDerivedFiles.Write(path, monadicHeader, null, monadicRows);

        var result = AcledFile.Read(path);

        var refused = result.Refused.Where(r => r.EventId == eventId).ToList();
        Assert.Equal([pair + 2, pair + 3], refused.Select(r => r.Line));
        Assert.All(refused, r => Assert.Contains($"the rows of {eventId} on lines {pair + 2}–{pair + 3} disagree on fatalities", r.Reason, StringComparison.Ordinal));
        Assert.Contains($"'99' on line {pair + 3}", refused[0].Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(result.Rows, r => r.Event.EventId == eventId);
        Assert.Equal(result.Events, result.Rows.Count);
    }

    [Fact]
    public void An_event_whose_rows_are_not_consecutive_is_refused_at_the_row_that_comes_back()
    {
        var (header, _, rows) = AcledDerivedFiles.ReadAll(Hdx);
        var (monadicHeader, monadicRows) = MonadicRows(header, rows.Take(10).ToList());
        var id = Column(monadicHeader, "event_id_cnty");
        var single = monadicRows.FindIndex(r => monadicRows.Count(o => o[id] == r[id]) == 1);
        monadicRows.Add(monadicRows[single]);
        var path = Path.Combine(folder, "later.csv");
        AcledDerivedFiles.Write(path, monadicHeader, null, monadicRows);

        var refusal = Assert.Single(AcledFile.Read(path).Refused);

        Assert.Equal(monadicRows.Count + 1, refusal.Line);
        Assert.Contains($"already had its line {single + 2}", refusal.Reason, StringComparison.Ordinal);
        Assert.Contains("the rows of one event are consecutive", refusal.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_dyadic_export_with_an_id_on_two_rows_is_refused_naming_both()
    {
        var (header, _, rows) = AcledDerivedFiles.ReadAll(Api);
        var withActor2 = rows.First(r => r[Column(header, "actor2")].Length > 0);
        var changed = (string[])withActor2.Clone();
        changed[Column(header, "fatalities")] = "77";
        var path = Path.Combine(folder, "dyadic-twice.csv");
        AcledDerivedFiles.Write(path, header, null, [withActor2, changed]);

        var result = AcledFile.Read(path);

        Assert.Empty(result.Rows);
        Assert.Equal([2, 3], result.Refused.Select(r => r.Line));
        Assert.All(result.Refused, r => Assert.Contains("of a dyadic export (line 2 has an actor2)", r.Reason, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Ukraine", "804", "UKR", "UKR")]
    [InlineData("Democratic Republic of Congo", "180", null, "COD")]
    [InlineData("Ivory Coast", null, null, "CIV")]
    [InlineData("eSwatini", null, null, "SWZ")]
    [InlineData("Kosovo", null, "XKX", "XKX")]
    [InlineData("Myanmar", "104", "MMR", "MMR")]
    [InlineData(null, "332", null, "HTI")]
    public void Real_rows_moved_to_a_country_outside_the_old_table_import_with_its_code(string? country, string? iso, string? iso3, string expected)
    {
        var path = AcledDerivedFiles.InCountry(Hdx, folder, "country.csv", 50, country, iso, iso3, expected);

        var result = AcledFile.Read(path);

        Assert.Empty(result.Refused);
        Assert.Equal(50, result.Rows.Count);
        Assert.All(result.Rows, r => Assert.Equal(expected, r.Event.Location.Country));
        Assert.All(result.Rows, r => Assert.StartsWith(expected, r.Event.EventId, StringComparison.Ordinal));
    }

    [Fact]
    public void Rows_whose_country_columns_disagree_are_refused_naming_them()
    {
        var path = AcledDerivedFiles.InCountry(Hdx, folder, "mixed.csv", 3, "Niger", "466", "MLI", "MLI");

        var result = AcledFile.Read(path);

        Assert.Empty(result.Rows);
        Assert.All(result.Refused, r => Assert.Contains("the country columns disagree: iso3 'MLI' is MLI (Mali), iso '466' is MLI (Mali), country 'Niger' is NER (Niger)", r.Reason, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(';', "';'")]
    [InlineData('\t', "tabs")]
    public void A_file_separated_by_semicolons_or_tabs_is_refused_saying_so(char separator, string named)
    {
        var path = AcledDerivedFiles.Separated(Api, folder, "separated.csv", separator, 5);

        var ex = Assert.Throws<CliException>(() => AcledFile.Read(path));

        Assert.Contains($"separated.csv: the header line is separated by {named}, not by commas: ACLED exports are comma-separated CSV", ex.Message, StringComparison.Ordinal);
    }

    private static int Column(string[] header, string name) => Array.IndexOf(header, name);

    private static (string[] Header, List<string[]> Rows) MonadicRows(string[] header, List<string[]> rows)
    {
        var path = Path.Combine(Path.GetTempPath(), $"timeline-monadic-{Guid.NewGuid():N}.csv");
        try
        {
            AcledDerivedFiles.Write(path, header, null, rows);
            var (monadic, _) = AcledDerivedFiles.Monadic(path, Path.GetDirectoryName(path)!, Path.GetFileName(path) + ".monadic.csv");
            try
            {
                var (h, _, r) = AcledDerivedFiles.ReadAll(monadic);
                return (h, r);
            }
            finally
            {
                File.Delete(monadic);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

}
