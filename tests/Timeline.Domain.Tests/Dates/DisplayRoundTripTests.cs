using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Timeline.Domain.Dates;

namespace Timeline.Domain.Tests.Dates;

/// <summary>Fuzzy dates of every shape the domain builds, for round-trip properties.</summary>
public static class FuzzyDateArbitraries
{
    public static Arbitrary<FuzzyDate> Dates()
    {
        var year = Gen.Choose(1000, 2100);
        var day = Gen.Choose(0, 2_000_000).Select(n => new CalendarDay(900, 1, 1).AddDays(n % 470_000));
        var part = Gen.Elements(DatePart.None, DatePart.Early, DatePart.Mid, DatePart.Late);
        var shapes = Gen.OneOf(
            day.Select(Periods.Day),
            day.Select(Periods.Week),
            from y in year from m in Gen.Choose(1, 12) from p in part select Periods.WithPart(Periods.Month(y, m), p),
            from y in year from p in part select Periods.WithPart(Periods.Year(y), p),
            from y in year from p in part select Periods.WithPart(Periods.Decade(Periods.DecadeStart(y)), p),
            from y in year from code in Gen.Choose(21, 41) select Periods.SubYear(y, code),
            from a in day from length in Gen.Choose(0, 900) select Periods.Between(Periods.Day(a), Periods.Day(a.AddDays(length))),
            from y in year from span in Gen.Choose(0, 30) select Periods.Between(Periods.Year(y), Periods.Year(y + span)),
            from y in year select Periods.OnOrBefore(Periods.Year(y)),
            from d in day select Periods.OnOrAfter(Periods.Day(d)));
        return (from date in shapes
                from approximate in Gen.Elements(false, false, true)
                from uncertain in Gen.Elements(false, false, true)
                select Periods.Qualify(date, approximate, uncertain))
            .ToArbitrary();
    }
}

/// <summary>
/// Display claims no more than the bounds, and reads back to them. A display always has its year,
/// so it is read back as a deadline: an event would be cut at the reference day (ARCHITECTURE §4).
/// </summary>
public sealed class DisplayRoundTripTests
{
    private static readonly CalendarDay Reference = new(2023, 10, 16);

    [Property(Arbitrary = [typeof(FuzzyDateArbitraries)], MaxTest = 2000)]
    public Property Display_reads_back_to_the_same_bounds(FuzzyDate date)
    {
        var display = date.Display;
        var back = NewsDates.Resolve(display, Reference, ReadDirection.Future);
        return ((back.Earliest, back.Latest) == (date.Earliest, date.Latest))
            .Label($"'{display}' ({date.Edtf}) read back as {back.Edtf} {back.Earliest}..{back.Latest}");
    }

    [Property(Arbitrary = [typeof(FuzzyDateArbitraries)], MaxTest = 2000)]
    public Property Edtf_reads_back_to_the_same_bounds(FuzzyDate date)
    {
        var back = Edtf.Parse(date.Edtf);
        return ((back.Earliest, back.Latest, back.Approximate, back.Uncertain) == (date.Earliest, date.Latest, date.Approximate, date.Uncertain) ||
                date.Part != DatePart.None)
            .Label($"{date.Edtf} parsed as {back.Earliest}..{back.Latest}");
    }

    [Fact]
    public void Every_fixture_edtf_we_accept_displays_and_reads_back()
    {
        var failures = new List<string>();
        var count = 0;
        foreach (var edtf in FixtureEdtfStrings())
        {
            if (!Edtf.TryParse(edtf, out var date))
            {
                continue;
            }

            count++;
            try
            {
                var back = NewsDates.Resolve(date!.Display, Reference, ReadDirection.Future);
                if ((back.Earliest, back.Latest) != (date.Earliest, date.Latest))
                {
                    failures.Add($"{edtf} -> '{date.Display}' -> {back.Earliest}..{back.Latest}");
                }
            }
            catch (FuzzyDateException e)
            {
                failures.Add($"{edtf} -> '{date!.Display}' refused: {e.Message}");
            }
        }

        Assert.True(count > 150, $"only {count} fixture strings parsed");
        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    [Theory]
    [InlineData("2023-10-14", "Sat 14 Oct 2023")]
    [InlineData("2023-08", "August 2023")]
    [InlineData("2020", "2020")]
    [InlineData("2021-39", "late 2021")]
    [InlineData("2023-35", "Q3 2023")]
    [InlineData("2023-22", "summer 2023")]
    [InlineData("2023-24", "winter 2023/24")]
    [InlineData("2023-31", "autumn 2023 (southern hemisphere)")]
    [InlineData("2023-40", "H1 2023")]
    [InlineData("199X", "1990s")]
    [InlineData("199X~", "c. 1990s")]
    [InlineData("2023-08?", "August 2023?")]
    [InlineData("2004-02-01/2005-02-08", "Sun 1 Feb 2004 – Tue 8 Feb 2005")]
    [InlineData("2004-06/2006-08", "June 2004 – August 2006")]
    [InlineData("1964/2008", "1964 – 2008")]
    [InlineData("20XX", "2000 – 2099")]
    [InlineData("1985-04-XX", "April 1985")]
    [InlineData("../1985", "1985 or earlier")]
    [InlineData("1985-04/..", "April 1985 or later")]
    [InlineData("0409", "409 CE")]
    [InlineData("..2004-06-01/2004-06-20..", "..2004-06-01/2004-06-20..")]
    public void Display_style(string edtf, string display)
    {
        Assert.Equal(display, Edtf.Parse(edtf).Display);
    }

    [Fact]
    public void Week_and_weekend_display()
    {
        Assert.Equal("week of Mon 9 Oct 2023", NewsDates.Resolve("last week", Reference, ReadDirection.Past).Display);
        Assert.Equal("Sat 14 Oct 2023 – Sun 15 Oct 2023", NewsDates.Resolve("at the weekend", Reference, ReadDirection.Past).Display);
    }

    private static IEnumerable<string> FixtureEdtfStrings()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Timeline.sln")))
        {
            directory = directory.Parent;
        }

        Assert.NotNull(directory);
        var fixtures = Path.Combine(directory.FullName, "..", "shared", "data", "edtf-fixtures");
        foreach (var file in new[] { "interop/reference-impl-corpus.json", "legacy/edtf-conformance-corpus.json", "loc/loc-edtf-examples.json" })
        {
            var root = JsonNode.Parse(File.ReadAllText(Path.Combine(fixtures, file)))!.AsObject();
            foreach (var (_, bucket) in root)
            {
                if (bucket is JsonArray entries)
                {
                    foreach (var entry in entries)
                    {
                        if (entry?["edtf"] is JsonValue edtf)
                        {
                            yield return (string)edtf!;
                        }
                    }
                }
            }
        }
    }
}
