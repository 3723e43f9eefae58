using System.Globalization;
using System.Text;
using Timeline.Domain.Dates;
using Timeline.V1;

namespace Timeline.Cli.Acled;

/// <summary>One actor of an event as ACLED writes it: the actor, its associated actors (';'-separated) and its inter code.</summary>
internal sealed record AcledActor(string Actor, string Associates, string Inter);

/// <summary>
/// One ACLED event as a <see cref="NewEvent"/> (docs/ACLED.md has the table). The mapping depends only
/// on the values, never on the layout, so the same event from an HDX file, an API export or a
/// monadic export is the same event, and a re-import of an unchanged row is a no-op.
/// </summary>
internal static class AcledEvents
{
    /// <summary>Columns kept as attributes, under the same name, when the row has them; inter codes come from the actors.</summary>
    public static readonly string[] AttributeColumns =
    [
        "event_date", "time_precision", "sub_event_type", "fatalities", "admin3", "region", "geo_precision",
        "source_scale", "interaction", "data_id", "timestamp",
    ];

    /// <summary>The columns that say who took part: one actor per row in a monadic export, two in a dyadic one.</summary>
    public static readonly string[] ActorColumns = ["actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2"];

    private static readonly string[] DateFormats = ["yyyy-MM-dd", "d MMMM yyyy", "dd MMMM yyyy", "d-MMMM-yyyy", "yyyy/MM/dd"];

    /// <summary>The two actors of a dyadic row: actor1 with its associates and inter1, then actor2's.</summary>
    public static IReadOnlyList<AcledActor> DyadicActors(Func<string, string> field) =>
    [
        new(field("actor1"), field("assoc_actor_1"), field("inter1")),
        new(field("actor2"), field("assoc_actor_2"), field("inter2")),
    ];

    /// <summary>Maps one dyadic row; <paramref name="field"/> gives a column's trimmed value or "" when the file has no such column.</summary>
    /// <exception cref="AcledRowException">The row lacks an id, a date or a type, or a value cannot be read.</exception>
    public static NewEvent FromRow(Func<string, string> field) => FromRow(field, DyadicActors(field));

    /// <summary>
    /// Maps one event: <paramref name="field"/> gives its columns other than the actors', and
    /// <paramref name="actors"/> its actors in order (the first two are ACLED's actor1 and actor2;
    /// their inter codes become the attributes inter1, inter2, ...).
    /// </summary>
    /// <exception cref="AcledRowException">The row lacks an id, a date or a type, or a value cannot be read.</exception>
    public static NewEvent FromRow(Func<string, string> field, IReadOnlyList<AcledActor> actors)
    {
        var eventId = Required(field, "event_id_cnty");
        var eventType = Required(field, "event_type");
        var subEventType = field("sub_event_type");
        var location = field("location");

        var e = new NewEvent
        {
            EventId = eventId,
            Occurred = new Timeline.V1.FuzzyDate { Edtf = Occurred(field).Edtf },
            Title = Title(eventType, subEventType, location, [.. actors.Select(a => a.Actor)]),
            Summary = field("notes"),
            Kind = eventType,
            Location = Location(field),
        };

        for (var i = 0; i < actors.Count; i++)
        {
            foreach (var actor in new[] { actors[i].Actor, actors[i].Associates })
            {
                e.Actors.AddRange(actor.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            }

            if (actors[i].Inter.Length > 0)
            {
                e.Attributes[$"inter{i + 1}"] = actors[i].Inter;
            }
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
    public static string Title(string eventType, string subEventType, string location, IReadOnlyList<string> actorNames)
    {
        var title = new StringBuilder(subEventType.Length > 0 ? subEventType : eventType);
        if (location.Length > 0)
        {
            title.Append(" in ").Append(location);
        }

        var actors = string.Join("; ", actorNames.Where(a => a.Length > 0));
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
