namespace Timeline.Cli.Acled;

/// <summary>
/// The countries an ACLED file may name, as ISO 3166-1 alpha-3. ACLED gives a country three ways
/// depending on the layout: <c>iso3</c> (alpha-3, newer files), <c>iso</c> (ISO numeric) and
/// <c>country</c> (the English name). Small on purpose: West Africa and the Sahel, where the
/// project's data comes from; add a line here for another country.
/// </summary>
internal static class AcledCountries
{
    private static readonly (int Numeric, string Name, string Alpha3)[] Table =
    [
        (12, "Algeria", "DZA"),
        (120, "Cameroon", "CMR"),
        (132, "Cape Verde", "CPV"),
        (140, "Central African Republic", "CAF"),
        (148, "Chad", "TCD"),
        (204, "Benin", "BEN"),
        (270, "Gambia", "GMB"),
        (288, "Ghana", "GHA"),
        (324, "Guinea", "GIN"),
        (384, "Ivory Coast", "CIV"),
        (430, "Liberia", "LBR"),
        (434, "Libya", "LBY"),
        (466, "Mali", "MLI"),
        (478, "Mauritania", "MRT"),
        (504, "Morocco", "MAR"),
        (562, "Niger", "NER"),
        (566, "Nigeria", "NGA"),
        (624, "Guinea-Bissau", "GNB"),
        (686, "Senegal", "SEN"),
        (694, "Sierra Leone", "SLE"),
        (729, "Sudan", "SDN"),
        (768, "Togo", "TGO"),
        (854, "Burkina Faso", "BFA"),
    ];

    private static readonly Dictionary<string, string> ByName = Table.ToDictionary(c => c.Name, c => c.Alpha3, StringComparer.OrdinalIgnoreCase);

    private static readonly Dictionary<int, string> ByNumeric = Table.ToDictionary(c => c.Numeric, c => c.Alpha3);

    private static readonly HashSet<string> Alpha3 = [.. Table.Select(c => c.Alpha3)];

    /// <summary>
    /// The alpha-3 code from whichever of <c>iso3</c>, <c>country</c>, <c>iso</c> the row has, in
    /// that order; null with a reason when none of them is in the table.
    /// </summary>
    public static string? Resolve(string? iso3, string? country, string? isoNumeric, out string? problem)
    {
        problem = null;
        if (!string.IsNullOrWhiteSpace(iso3))
        {
            var code = iso3.Trim().ToUpperInvariant();
            if (Alpha3.Contains(code))
            {
                return code;
            }
        }

        if (!string.IsNullOrWhiteSpace(country) && ByName.TryGetValue(country.Trim(), out var byName))
        {
            return byName;
        }

        if (int.TryParse(isoNumeric, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var numeric)
            && ByNumeric.TryGetValue(numeric, out var byNumber))
        {
            return byNumber;
        }

        var given = string.Join(", ", new[] { ("iso3", iso3), ("country", country), ("iso", isoNumeric) }
            .Where(p => !string.IsNullOrWhiteSpace(p.Item2))
            .Select(p => $"{p.Item1} '{p.Item2}'"));
        problem = given.Length == 0
            ? "no country: the row has none of iso3, country, iso"
            : $"unknown country ({given}): not in the ACLED country table (clients/Timeline.Cli/Acled/AcledCountries.cs)";
        return null;
    }
}
