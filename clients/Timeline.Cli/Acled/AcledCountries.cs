using System.Globalization;
using Timeline.Domain.Validation;

namespace Timeline.Cli.Acled;

/// <summary>
/// The country of an ACLED row as ISO 3166-1 alpha-3. ACLED gives a country three ways depending on
/// the layout and the year of the export: <c>iso3</c> (alpha-3, files before March 2023), <c>iso</c>
/// (ISO numeric) and <c>country</c> (ACLED's English name). The file's own codes come first; names
/// are looked up in the complete ISO table (<see cref="CountryCodes"/>) and in ACLED's own spellings.
/// </summary>
internal static class AcledCountries
{
    /// <summary>ACLED's names that are not an ISO 3166-1 short, common or official name.</summary>
    private static readonly Dictionary<string, string> AcledNames = new Dictionary<string, string>
    {
        ["Ivory Coast"] = "CIV",
        ["Democratic Republic of Congo"] = "COD",
        ["Democratic Republic of the Congo"] = "COD",
        ["Republic of Congo"] = "COG",
        ["Cape Verde"] = "CPV",
        ["Swaziland"] = "SWZ",
        ["Russia"] = "RUS",
        ["Turkey"] = "TUR",
        ["Palestine"] = "PSE",
        ["Macedonia"] = "MKD",
        ["Micronesia"] = "FSM",
        ["Vatican City"] = "VAT",
        ["East Timor"] = "TLS",
        ["Brunei"] = "BRN",
        ["Burma"] = "MMR",
        ["Macau"] = "MAC",
        ["Gambia, The"] = "GMB",
        ["The Gambia"] = "GMB",
        ["Bahamas, The"] = "BHS",
        ["Saint-Martin"] = "MAF",
        ["Sint Maarten"] = "SXM",
        ["Caribbean Netherlands"] = "BES",
        ["Falkland Islands"] = "FLK",
        ["United States Virgin Islands"] = "VIR",
        ["British Virgin Islands"] = "VGB",
        ["Pitcairn Islands"] = "PCN",
    }.ToDictionary(kv => CountryCodes.NameKey(kv.Key), kv => kv.Value, StringComparer.Ordinal);

    /// <summary>
    /// The alpha-3 code from whichever of <c>iso3</c>, <c>iso</c>, <c>country</c> the row has; null
    /// with a reason when none of them names an ISO 3166-1 country, or when two of them name different ones.
    /// </summary>
    public static string? Resolve(string? iso3, string? country, string? isoNumeric, out string? problem)
    {
        problem = null;
        var given = new List<(string Column, string Value, Country? Country)>();
        if (!string.IsNullOrWhiteSpace(iso3))
        {
            given.Add(("iso3", iso3.Trim(), CountryCodes.ByCode(iso3)));
        }

        if (!string.IsNullOrWhiteSpace(isoNumeric))
        {
            var numeric = int.TryParse(isoNumeric.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? CountryCodes.ByNumeric(n) : null;
            given.Add(("iso", isoNumeric.Trim(), numeric));
        }

        if (!string.IsNullOrWhiteSpace(country))
        {
            var byName = AcledNames.TryGetValue(CountryCodes.NameKey(country), out var alias) ? CountryCodes.ByCode(alias) : CountryCodes.ByName(country);
            given.Add(("country", country.Trim(), byName));
        }

        var known = given.Where(g => g.Country is not null).ToList();
        if (known.Count == 0)
        {
            problem = given.Count == 0
                ? "no country: the row has none of iso3, iso, country"
                : $"unknown country ({Describe(given)}): no ISO 3166-1 country has that code or name";
            return null;
        }

        if (known.Select(k => k.Country!.Alpha3).Distinct().Count() > 1)
        {
            problem = $"the country columns disagree: {string.Join(", ", known.Select(k => $"{k.Column} '{k.Value}' is {k.Country!.Alpha3} ({k.Country.Name})"))}";
            return null;
        }

        return known[0].Country!.Alpha3;
    }

    private static string Describe(List<(string Column, string Value, Country? Country)> given) =>
        string.Join(", ", given.Select(g => $"{g.Column} '{g.Value}'"));
}
