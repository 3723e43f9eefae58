using System.Globalization;
using System.Text;
using Timeline.Domain.Dates;
using Timeline.V1;

namespace Timeline.Cli.Acled;

/// <summary>
/// One ACLED row as a <see cref="NewEvent"/> (docs/ACLED.md has the table). The mapping depends only
/// on the values, never on the layout, so the same event from an HDX file and from an API export is
/// the same event, and a re-import of an unchanged row is a no-op.
/// </summary>
internal static class AcledEvents
{
    /// <summary>Columns kept as attributes, under the same name, when the row has them.</summary>
    public static readonly string[] AttributeColumns =
    [
        "event_date", "time_precision", "sub_event_type", "fatalities", "admin3", "region", "geo_precision",
        "source_scale", "inter1", "inter2", "interaction", "data_id", "timestamp",
    ];

    private static readonly string[] DateFormats = ["yyyy-MM-dd", "d MMMM yyyy", "dd MMMM yyyy", "d-MMMM-yyyy", "yyyy/MM/dd"];

    /// <summary>Maps one row; <paramref name="field"/> gives a column's trimmed value or "" when the file has no such column.</summary>
    /// <exception cref="AcledRowException">The row lacks an id, a date or a type, or a value cannot be read.</exception>
    public static NewEvent FromRow(Func<string, string> field)
    {
        var eventId = Required(field, "event_id_cnty");
        var eventType = Required(field, "event_type");
        var subEventType = field("sub_event_type");
        var location = field("location");
        var actor1 = field("actor1");
        var actor2 = field("actor2");

        var e = new NewEvent
        {
            EventId = eventId,
            Occurred = new Timeline.V1.FuzzyDate { Edtf = Occurred(field).Edtf },
            Title = Title(eventType, subEventType, location, actor1, actor2),
            Summary = field("notes"),
            Kind = eventType,
            Location = Location(field),
        };

        foreach (var actor in new[] { actor1, field("assoc_actor_1"), actor2, field("assoc_actor_2") })
        {
            e.Actors.AddRange(actor.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }

        foreach (var tag in new[] { Tag(field("country")), Tag(eventType) })
        {
            if (tag.Length > 0)
            {
                e.Tags.Add(tag);
            }
        }
        if (field("source") is { Length: > 0 } source)
        {
            e.Source = new Source { Name = source };
        }

        foreach (var column in AttributeColumns)
        {
            if (field(column) is { Length: > 0 } value)
            {
                e.Attributes[column] = value;
            }
        }

        return e;
    }

    /// <summary>
    /// <c>event_date</c> + <c>time_precision</c> through <see cref="AcledDates.FromTimePrecision"/>: a
    /// day, the ISO week around the day (sent as the EDTF interval Monday/Sunday: EDTF has no week,
    /// see docs/ACLED.md), or the month.
    /// </summary>
    public static Domain.Dates.FuzzyDate Occurred(Func<string, string> field)
    {
        var dateText = Required(field, "event_date");
        if (!DateOnly.TryParseExact(dateText, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            throw new AcledRowException($"event_date '{dateText}' is not a date (YYYY-MM-DD or '31 October 2020')");
        }

        var precisionText = Required(field, "time_precision");
        if (!int.TryParse(precisionText, NumberStyles.None, CultureInfo.InvariantCulture, out var precision))
        {
            throw new AcledRowException($"time_precision '{precisionText}' is not 1 (day), 2 (week) or 3 (month)");
        }

        try
        {
            return AcledDates.FromTimePrecision(date, precision);
        }
        catch (FuzzyDateException ex)
        {
            throw new AcledRowException(ex.Message);
        }
    }

    /// <summary>"Armed clash in Hombori (JNIM: ...; Military Forces of Mali ...)": ACLED has no title of its own.</summary>
    public static string Title(string eventType, string subEventType, string location, string actor1, string actor2)
    {
        var title = new StringBuilder(subEventType.Length > 0 ? subEventType : eventType);
        if (location.Length > 0)
        {
            title.Append(" in ").Append(location);
        }

        var actors = string.Join("; ", new[] { actor1, actor2 }.Where(a => a.Length > 0));
        if (actors.Length > 0)
        {
            title.Append(" (").Append(actors).Append(')');
        }

        return title.ToString();
    }

    /// <summary>A tag from a name: lower case, every run of other characters one '-' ("Explosions/Remote violence" is explosions-remote-violence).</summary>
    public static string Tag(string name)
    {
        var tag = new StringBuilder();
        foreach (var c in name.Trim().ToLowerInvariant())
        {
            if (char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c))
            {
                tag.Append(c);
            }
            else if (tag.Length > 0 && tag[^1] != '-')
            {
                tag.Append('-');
            }
        }

        return tag.ToString().TrimEnd('-');
    }

    private static Location Location(Func<string, string> field)
    {
        var country = AcledCountries.Resolve(field("iso3"), field("country"), field("iso"), out var problem)
            ?? throw new AcledRowException(problem!);
        var location = new Location
        {
            Name = field("location"),
            Admin1 = field("admin1"),
            Admin2 = field("admin2"),
            Country = country,
        };
        var latitude = field("latitude");
        var longitude = field("longitude");
        if (latitude.Length > 0 && longitude.Length > 0)
        {
            location.Latitude = Coordinate(latitude, "latitude");
            location.Longitude = Coordinate(longitude, "longitude");
        }

        return location;
    }

    private static double Coordinate(string value, string column) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var degrees)
            ? degrees
            : throw new AcledRowException($"{column} '{value}' is not a number");

    private static string Required(Func<string, string> field, string column) =>
        field(column) is { Length: > 0 } value ? value : throw new AcledRowException($"no {column}");
}
