using System.Text.Json;
using System.Text.Json.Nodes;
using Timeline.Domain.Dates;
using Timeline.Tests.Shared;

namespace Timeline.Domain.Tests.Dates;

/// <summary>
/// Runs every case of the shared EDTF fixtures (../shared/data/edtf-fixtures) through
/// <see cref="Edtf.Parse"/> or <see cref="NewsDates.Resolve"/>, prints the share passed per file,
/// and fails on any miss not listed, with its reason, in TestData/edtf-known-differences.json,
/// and on any listed miss that now passes (so the list stays true).
/// </summary>
public sealed class EdtfFixtureTests
{
    private static readonly CalendarDay NatlangReference = new(2023, 10, 16);

    public static TheoryData<string> Files() =>
    [
        "interop/reference-impl-corpus.json",
        "legacy/edtf-conformance-corpus.json",
        "legacy/edtf-golden.json",
        "loc/loc-edtf-examples.json",
        "natlang/python-edtf-natlang.json",
    ];

    [Theory]
    [MemberData(nameof(Files))]
    public void Every_miss_is_fixed_or_listed_with_its_reason(string file)
    {
        var cases = Cases(file, JsonNode.Parse(File.ReadAllText(Path.Combine(FixtureDirectory, file)))!).ToList();
        Assert.NotEmpty(cases);
        var known = KnownDifferences()
            .Where(d => d.File == file)
            .ToDictionary(d => d.Input, d => d.Reason);

        var misses = cases.Select(c => (c.Input, Miss: c.Check())).Where(r => r.Miss is not null).ToList();
        var passed = cases.Count - misses.Count;
        var summary = $"{file}: {passed}/{cases.Count} passed ({100.0 * passed / cases.Count:F1}%), {misses.Count} listed differences";
        Figures.Report(summary);
        TestContext.Current.TestOutputHelper?.WriteLine(summary);
        foreach (var (input, miss) in misses)
        {
            TestContext.Current.TestOutputHelper?.WriteLine($"  miss {JsonSerializer.Serialize(input)}: {miss}");
        }

        var unlisted = misses.Where(m => !known.ContainsKey(m.Input)).Select(m => $"{JsonSerializer.Serialize(m.Input)}: {m.Miss}").ToList();
        var stale = known.Keys.Where(input => !misses.Any(m => m.Input == input)).ToList();
        Assert.True(unlisted.Count == 0, $"{file}: misses not in edtf-known-differences.json:\n{string.Join('\n', unlisted)}");
        Assert.True(stale.Count == 0, $"{file}: listed as differences but now pass (remove them):\n{string.Join('\n', stale)}");
    }

    [Fact]
    public void Every_known_difference_has_a_reason()
    {
        var differences = KnownDifferences();

        Assert.NotEmpty(differences);
        Assert.All(differences, d => Assert.True(d.Reason.Length > 15, $"{d.File} {d.Input}: reason too short"));
        Assert.Equal(differences.Count, differences.Select(d => (d.File, d.Input)).Distinct().Count());
    }

    private static IEnumerable<FixtureCase> Cases(string file, JsonNode root) => file switch
    {
        "interop/reference-impl-corpus.json" => InteropCases(root),
        "legacy/edtf-conformance-corpus.json" => ConformanceCases(root),
        "legacy/edtf-golden.json" => GoldenCases(root),
        "loc/loc-edtf-examples.json" => LocCases(root),
        "natlang/python-edtf-natlang.json" => NatlangCases(root),
        _ => throw new ArgumentOutOfRangeException(nameof(file)),
    };

    private static IEnumerable<FixtureCase> InteropCases(JsonNode root)
    {
        foreach (var bucket in new[] { "accepts", "we_accept_they_reject" })
        {
            foreach (var entry in root[bucket]!.AsArray())
            {
                var edtf = (string)entry!["edtf"]!;
                yield return new FixtureCase(edtf, () => Accepts(edtf));
            }
        }

        foreach (var bucket in new[] { "rejects", "must_reject" })
        {
            foreach (var entry in root[bucket]!.AsArray())
            {
                var edtf = (string)entry!["edtf"]!;
                yield return new FixtureCase(edtf, () => Rejects(edtf));
            }
        }
    }

    private static IEnumerable<FixtureCase> ConformanceCases(JsonNode root)
    {
        foreach (var level in new[] { "level0", "level1", "level2" })
        {
            foreach (var entry in root[level]!.AsArray())
            {
                var edtf = (string)entry!["edtf"]!;
                var obj = entry.AsObject();
                yield return new FixtureCase(edtf, () =>
                {
                    if (Parse(edtf) is not { } date)
                    {
                        return $"refused: {Refusal(edtf)}";
                    }

                    var wrong = new List<string>();
                    if (obj.TryGetPropertyValue("earliest", out var earliest) && !SameBound(earliest, date.Earliest))
                    {
                        wrong.Add($"earliest {date.Earliest:yyyy-MM-dd}, expected {earliest?.ToString() ?? "null"}");
                    }

                    if (obj.TryGetPropertyValue("latest", out var latest) && !SameBound(latest, date.Latest))
                    {
                        wrong.Add($"latest {date.Latest:yyyy-MM-dd}, expected {latest?.ToString() ?? "null"}");
                    }

                    return wrong.Count == 0 ? null : string.Join("; ", wrong);
                });
            }
        }

        foreach (var entry in root["invalid"]!.AsArray())
        {
            var edtf = (string)entry!["edtf"]!;
            yield return new FixtureCase(edtf, () => Rejects(edtf));
        }
    }

    private static IEnumerable<FixtureCase> GoldenCases(JsonNode root)
    {
        foreach (var (input, node) in root.AsObject())
        {
            var entry = node!;
            yield return new FixtureCase(input, () =>
            {
                if (!(bool)entry["valid"]!)
                {
                    return Rejects(input);
                }

                if (Parse(input) is not { } date)
                {
                    return $"refused: {Refusal(input)}";
                }

                var wrong = new List<string>();
                if (!SameEpochBound(entry["min"], date.Earliest))
                {
                    wrong.Add($"earliest {date.Earliest:yyyy-MM-dd}, edtf.js min {entry["min"]?.ToJsonString() ?? "null"}");
                }

                if (!SameEpochBound(entry["max"], date.Latest))
                {
                    wrong.Add($"latest {date.Latest:yyyy-MM-dd}, edtf.js max {entry["max"]?.ToJsonString() ?? "null"}");
                }

                // edtf.js spells date-times in UTC milliseconds; EDTF keeps them as written, so only dates are compared.
                var canonical = (string)entry["edtf"]!;
                if (!canonical.Contains('T') && canonical != date.Edtf)
                {
                    wrong.Add($"canonical {date.Edtf}, edtf.js {canonical}");
                }

                if (((int)entry["uncertain"]! != 0) != date.Uncertain || ((int)entry["approximate"]! != 0) != date.Approximate)
                {
                    wrong.Add($"uncertain/approximate {date.Uncertain}/{date.Approximate}");
                }

                return wrong.Count == 0 ? null : string.Join("; ", wrong);
            });
        }
    }

    private static IEnumerable<FixtureCase> LocCases(JsonNode root)
    {
        foreach (var entry in root["examples"]!.AsArray())
        {
            var edtf = (string)entry!["edtf"]!;
            yield return new FixtureCase(edtf, () => Accepts(edtf));
        }

        foreach (var entry in root["invalid"]!.AsArray())
        {
            var edtf = (string)entry!["edtf"]!;
            yield return new FixtureCase(edtf, () => Rejects(edtf));
        }
    }

    private static IEnumerable<FixtureCase> NatlangCases(JsonNode root)
    {
        foreach (var entry in root["agreements"]!.AsArray())
        {
            var input = (string)entry!["input"]!;
            var expected = (string)entry["edtf"]!;
            yield return new FixtureCase(input, () => ResolvesTo(input, expected));
        }

        foreach (var entry in root["divergences"]!.AsArray())
        {
            var input = (string)entry!["input"]!;
            yield return (string)entry["ours_kind"]! == "normalized"
                ? new FixtureCase(input, () => ResolvesTo(input, (string)entry["ours"]!))
                : new FixtureCase(input, () => Unresolvable(input));
        }

        foreach (var bucket in new[] { "agreements_no_match", "not_adopted" })
        {
            foreach (var entry in root[bucket]!.AsArray())
            {
                var input = (string)entry!["input"]!;
                yield return new FixtureCase(input, () => Unresolvable(input));
            }
        }
    }

    private static string? ResolvesTo(string input, string expected)
    {
        try
        {
            var date = NewsDates.Resolve(input, NatlangReference, ReadDirection.Past);
            return date.Edtf == expected ? null : $"resolved to {date.Edtf}, expected {expected}";
        }
        catch (FuzzyDateException e)
        {
            return $"refused, expected {expected}: {e.Message}";
        }
    }

    private static string? Unresolvable(string input)
    {
        try
        {
            return $"resolved to {NewsDates.Resolve(input, NatlangReference, ReadDirection.Past).Edtf}, expected a refusal";
        }
        catch (FuzzyDateException)
        {
            return null;
        }
    }

    private static string? Accepts(string edtf) => Parse(edtf) is null ? $"refused: {Refusal(edtf)}" : null;

    private static string? Rejects(string edtf) => Parse(edtf) is { } date ? $"accepted as {date.Edtf} {date.Earliest:yyyy-MM-dd}..{date.Latest:yyyy-MM-dd}" : null;

    private static FuzzyDate? Parse(string edtf) => Edtf.TryParse(edtf, out var date) ? date : null;

    private static string Refusal(string edtf)
    {
        try
        {
            Edtf.Parse(edtf);
            return "(accepted)";
        }
        catch (FuzzyDateException e)
        {
            return e.Message;
        }
    }

    /// <summary>"infinity"/"-infinity" are our open bounds; null (unknown) has no day and never matches.</summary>
    private static bool SameBound(JsonNode? expected, CalendarDay actual) => expected?.ToString() switch
    {
        null => false,
        "infinity" => actual == CalendarDay.MaxValue,
        "-infinity" => actual == CalendarDay.MinValue,
        var day => CalendarDay.TryParse(day, out var d) && d == actual,
    };

    /// <summary>edtf.js bounds are epoch milliseconds (min: first instant, max: last), or "infinity" strings.</summary>
    private static bool SameEpochBound(JsonNode? expected, CalendarDay actual)
    {
        if (expected is null)
        {
            return false;
        }

        if (expected.GetValueKind() == JsonValueKind.String)
        {
            return SameBound(expected, actual);
        }

        // Days since 1970-01-01 (floor, so a negative instant belongs to the day it starts in), then from 0001-01-01.
        var ms = (long)expected;
        var days = (long)Math.Floor(ms / 86_400_000.0) + CalendarDay.FromDateTime(DateTime.UnixEpoch).DayNumber;
        return days >= CalendarDay.MinValue.DayNumber && days <= CalendarDay.MaxValue.DayNumber && CalendarDay.FromDayNumber(days) == actual;
    }

    private static List<KnownDifference> KnownDifferences()
    {
        var path = Path.Combine(RepositoryRoot, "tests", "Timeline.Domain.Tests", "TestData", "edtf-known-differences.json");
        var root = JsonNode.Parse(File.ReadAllText(path))!;
        return [.. root["differences"]!.AsArray().Select(d => new KnownDifference((string)d!["file"]!, (string)d["input"]!, (string)d["reason"]!))];
    }

    private static string FixtureDirectory => Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "data", "edtf-fixtures"));

    /// <summary>The directory holding Timeline.sln, found by walking up from the test binaries.</summary>
    private static string RepositoryRoot
    {
        get
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Timeline.sln")))
            {
                directory = directory.Parent;
            }

            Assert.NotNull(directory);
            return directory.FullName;
        }
    }

    private sealed record FixtureCase(string Input, Func<string?> Check);

    private sealed record KnownDifference(string File, string Input, string Reason);
}
