using System.CommandLine.Parsing;
using System.Globalization;
using Timeline.Cli.Acled;
using Timeline.Domain.Dates;
using Timeline.Domain.Validation;

namespace Timeline.Cli.Infrastructure;

/// <summary>Parsers for option values that refuse in the user's words: the flag, the value given and what is allowed.</summary>
internal static class OptionValues
{
    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public static Func<ArgumentResult, int> WholeNumber(string flag, int min, int max) => result =>
    {
        var text = Given(result);
        if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        result.AddError($"{flag}: '{text}' is not a whole number from {min} to {max}");
        return min;
    };

    /// <summary>A number more than <paramref name="above"/> and at most <paramref name="max"/>.</summary>
    public static Func<ArgumentResult, double> Number(string flag, double above, double max) => result =>
    {
        var text = Given(result);
        if (double.TryParse(text, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) && value > above && value <= max)
        {
            return value;
        }

        result.AddError($"{flag}: '{text}' is not a number more than {above.ToString(CultureInfo.InvariantCulture)} and at most {max.ToString(CultureInfo.InvariantCulture)}");
        return max;
    };

    /// <summary>A day, YYYY-MM-DD (years -9999 to 9999), as the services take it.</summary>
    public static Func<ArgumentResult, string?> Day(string flag) => result =>
    {
        var text = Given(result);
        if (CalendarDay.TryParse(text, out var day))
        {
            return day.ToString();
        }

        result.AddError($"{flag}: '{text}' is not a day YYYY-MM-DD (years -9999 to 9999), e.g. 2023-10-16");
        return null;
    };

    /// <summary>
    /// A country as ISO 3166-1 alpha-3, from its code in any case ("mli") or its name ("Mali",
    /// "Ivory Coast"): the same rule wherever a command takes a country, so what `add` stores is
    /// what `show --country` finds.
    /// </summary>
    public static string Country(string flag, string given) =>
        CountryCodes.ByCode(given)?.Alpha3
        ?? AcledCountries.Resolve(null, given, null, out _) // ISO names and ACLED's own spellings
        ?? throw new CliException($"{flag}: '{given}' is not a country: give its ISO 3166-1 alpha-3 code (e.g. MLI) or its English name (e.g. Mali)");

    private static string Given(ArgumentResult result) => result.Tokens.Count > 0 ? result.Tokens[^1].Value.Trim() : "";
}
