using Timeline.Cli.Acled;
using Timeline.Domain.Dates;
using Timeline.Domain.Validation;
using Timeline.V1;

namespace Timeline.Cli.Tests;

public sealed class AcledImportTests
{
    private static AcledReadResult Hdx() => AcledFile.Read(Fixtures.Sample("acled-fixture-hdx.csv"));

    private static AcledReadResult Api() => AcledFile.Read(Fixtures.Sample("acled-fixture-api.csv"));

    private static NewEvent Event(AcledReadResult result, string id) => Assert.Single(result.Rows, r => r.Event.EventId == id).Event;

    [Fact]
    public void The_hdx_layout_skips_the_hxl_tag_row_and_refuses_bad_rows_by_line_with_the_reason()
    {
        var result = Hdx();

        Assert.Equal(7, result.Read);
        Assert.Equal(["TST1", "TST2", "TST3", "TST7"], result.Rows.Select(r => r.Event.EventId));
        Assert.Equal([3, 4, 5, 9], result.Rows.Select(r => r.Line));
        Assert.Collection(
            result.Refused,
            r => Assert.Equal((6, "TST4", true), (r.Line, r.EventId, r.Reason.Contains("time_precision '4'", StringComparison.Ordinal))),
            r => Assert.Equal((7, "TST5", true), (r.Line, r.EventId, r.Reason.Contains("unknown country (iso '999', country 'Atlantis')", StringComparison.Ordinal))),
            r => Assert.Equal((8, "TST6", "no event_date"), (r.Line, r.EventId, r.Reason)));
    }

    [Fact]
    public void The_same_row_in_the_api_layout_is_the_same_event_whatever_the_column_order()
    {
        var fromHdx = Event(Hdx(), "TST1");
        var fromApi = Event(Api(), "TST1");

        Assert.Equal(fromHdx, fromApi);
        Assert.Equal(3, Api().Read);
    }

    [Fact]
    public void A_row_maps_to_id_date_title_kind_actors_location_source_tags_and_attributes()
    {
        var e = Event(Hdx(), "TST2");

        Assert.Equal("2021-03-08/2021-03-14", e.Occurred.Edtf);
        Assert.Equal("Attack in Example Hamlet (Example Militia B; Civilians (Mali))", e.Title);
        Assert.Equal("Violence against civilians", e.Kind);
        Assert.Equal(["Example Militia B", "Civilians (Mali)", "Example Farmers", "Example Herders"], e.Actors);
        Assert.Equal(new Location { Name = "Example Hamlet", Admin1 = "Segou", Admin2 = "Niono", Country = "MLI", Latitude = 14.31, Longitude = -5.99 }, e.Location);
        Assert.Equal("Example Paper", e.Source.Name);
        Assert.StartsWith("During the week of 11 March 2021", e.Summary, StringComparison.Ordinal);
        Assert.Equal(["mali", "violence-against-civilians"], e.Tags);
        Assert.Equal("0", e.Attributes["fatalities"]);
        Assert.Equal("2", e.Attributes["time_precision"]);
        Assert.Equal("2021-03-11", e.Attributes["event_date"]);
        Assert.Equal("Attack", e.Attributes["sub_event_type"]);
        Assert.All(e.Attributes.Keys, k => Assert.Matches("^[a-z0-9][a-z0-9_.:-]*$", k));
    }

    [Fact]
    public void Quotes_inside_notes_are_read_and_a_row_without_coordinates_has_none()
    {
        Assert.Contains("\"reportedly\"", Event(Hdx(), "TST1").Summary, StringComparison.Ordinal);
        var noCoordinates = Event(Hdx(), "TST3").Location;
        Assert.False(noCoordinates.HasLatitude);
        Assert.Equal("2021-03", Event(Hdx(), "TST3").Occurred.Edtf);
        Assert.Equal(["explosions-remote-violence", "mali"], Event(Hdx(), "TST3").Tags.Order(StringComparer.Ordinal));
        Assert.Equal("NER", Event(Hdx(), "TST7").Location.Country);
    }

    [Theory]
    [InlineData("2019-09-05", 1)]
    [InlineData("2019-09-05", 2)]
    [InlineData("2019-09-05", 3)]
    [InlineData("2020-07-26", 2)]
    [InlineData("2020-12-31", 2)]
    [InlineData("2021-01-01", 2)]
    [InlineData("2020-02-15", 3)]
    public void The_edtf_sent_reproduces_the_bounds_of_acleds_time_precision_exactly(string date, int precision)
    {
        var acled = AcledDates.FromTimePrecision(DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture), precision);
        var sent = AcledEvents.Occurred(c => c switch { "event_date" => date, "time_precision" => $"{precision}", _ => "" });

        var stored = Edtf.Parse(sent.Edtf);

        Assert.Equal((acled.Earliest, acled.Latest), (stored.Earliest, stored.Latest));
        Assert.Equal(precision == 2 ? Timeline.Domain.Dates.DatePrecision.Range : acled.Precision, stored.Precision);
    }

    [Fact]
    public void Line_numbers_count_physical_lines_when_a_quoted_note_spans_several()
    {
        const string csv = "event_id_cnty,event_date,time_precision,event_type,notes,iso\n"
            + "X1,2020-01-01,1,Battles,\"two\nlines\",466\n"
            + "X2,2020-01-02,9,Battles,one,466\n";

        var result = AcledFile.Read(new StringReader(csv), "inline.csv");

        Assert.Equal("two\nlines", Assert.Single(result.Rows).Event.Summary);
        Assert.Equal(4, Assert.Single(result.Refused).Line);
        Assert.Equal("MLI", result.Rows[0].Event.Location.Country);
    }

    [Fact]
    public void A_file_without_acleds_columns_is_refused_naming_the_missing_ones()
    {
        var ex = Assert.Throws<CliException>(() => AcledFile.Read(new StringReader("id,date\n1,2020-01-01\n"), "other.csv"));

        Assert.Contains("no column event_id_cnty, event_date, time_precision, event_type", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("MLI", "", "", "MLI")]
    [InlineData("", "Mali", "", "MLI")]
    [InlineData("", "", "466", "MLI")]
    [InlineData("", "Burkina Faso", "854", "BFA")]
    [InlineData("", "niger", "", "NER")]
    [InlineData("", "Ivory Coast", "", "CIV")]
    [InlineData("", "Côte d'Ivoire", "384", "CIV")]
    [InlineData("", "eSwatini", "748", "SWZ")]
    [InlineData("", "Democratic Republic of Congo", "180", "COD")]
    [InlineData("", "Republic of Congo", "178", "COG")]
    [InlineData("", "Kosovo", "", "XKX")]
    [InlineData("XKX", "Kosovo", "", "XKX")]
    [InlineData("", "Ukraine", "804", "UKR")]
    [InlineData("", "Russia", "643", "RUS")]
    [InlineData("", "Turkey", "792", "TUR")]
    [InlineData("", "Palestine", "275", "PSE")]
    [InlineData("", "United States", "840", "USA")]
    [InlineData("", "Curacao", "", "CUW")]
    [InlineData("", "Saint-Barthelemy", "", "BLM")]
    [InlineData("", "Cape Verde", "132", "CPV")]
    [InlineData("ukr", "", "", "UKR")]
    [InlineData("", "", "4", "AFG")]
    public void Countries_come_from_iso3_the_numeric_code_or_the_name(string iso3, string country, string iso, string expected)
    {
        Assert.Equal(expected, AcledCountries.Resolve(iso3, country, iso, out var problem));
        Assert.Null(problem);
    }

    [Fact]
    public void Every_iso_3166_country_resolves_by_numeric_code_and_by_each_of_its_names()
    {
        Assert.Equal(250, CountryCodes.All.Count);
        Assert.All(CountryCodes.All, country =>
        {
            if (country.Numeric > 0)
            {
                Assert.Equal(country.Alpha3, AcledCountries.Resolve("", "", country.Numeric.ToString(System.Globalization.CultureInfo.InvariantCulture), out _));
            }

            Assert.All(country.Names, name => Assert.Equal(country.Alpha3, AcledCountries.Resolve("", name, "", out _)));
            Assert.Equal(country.Alpha3, AcledCountries.Resolve(country.Alpha3.ToLowerInvariant(), "", "", out _));
        });
    }

    [Fact]
    public void An_unknown_country_is_named_with_the_columns_it_came_from()
    {
        Assert.Null(AcledCountries.Resolve("", "Atlantis", "999", out var problem));
        Assert.Equal("unknown country (iso '999', country 'Atlantis'): no ISO 3166-1 country has that code or name", problem);
    }

    [Fact]
    public void Country_columns_that_name_different_countries_are_refused_naming_both()
    {
        Assert.Null(AcledCountries.Resolve("MLI", "Niger", "466", out var problem));
        Assert.Equal("the country columns disagree: iso3 'MLI' is MLI (Mali), iso '466' is MLI (Mali), country 'Niger' is NER (Niger)", problem);
    }

    [Theory]
    [InlineData("Explosions/Remote violence", "explosions-remote-violence")]
    [InlineData("Violence against civilians", "violence-against-civilians")]
    [InlineData("  Mali ", "mali")]
    [InlineData("Côte d'Ivoire", "c-te-d-ivoire")]
    public void Tags_are_lower_case_with_dashes(string name, string tag)
    {
        Assert.Equal(tag, AcledEvents.Tag(name));
    }
}
