using System.Globalization;
using Timeline.V1;

namespace Timeline.Benchmarks.Data;

/// <summary>
/// Synthetic events, deterministic per number: 100 tags ("mali" on half of them, the others
/// uniform), 1,000 actors (skewed toward the low numbers), 20 countries, occurred dates from
/// 1990 to 2024 with mixed precisions (60% day, 25% month, 15% year EDTF strings).
/// </summary>
internal static class EventGenerator
{
    public const string QueryTag = "mali";

    private static readonly string[] Countries =
        ["MLI", "NER", "BFA", "SEN", "GIN", "CIV", "MRT", "DZA", "TCD", "NGA", "GHA", "TGO", "BEN", "CMR", "LBY", "SDN", "ETH", "SOM", "KEN", "UGA"];

    private static readonly string[] Kinds =
        ["Battles", "Protests", "Riots", "Explosions/Remote violence", "Violence against civilians", "Strategic developments", "Agreement", "Statement"];

    private static readonly string[] Places = ["Tessalit", "Kidal", "Gao", "Timbuktu", "Mopti", "Bamako", "Menaka", "Segou", "Sikasso", "Kayes"];

    private static readonly DateOnly First = new(1990, 1, 1);
    private static readonly int Days = new DateOnly(2024, 12, 31).DayNumber - First.DayNumber + 1;

    /// <summary>The query of S3–S6: one tag and a 15-year window, about a fifth of all events.</summary>
    public static EventFilter Query() => new() { Tags = { QueryTag }, OccurredFrom = "2000-01-01", OccurredTo = "2014-12-31" };

    public static string Tag(int i) => i == 0 ? QueryTag : $"tag-{i:D2}";

    public static string Actor(int i) => $"Actor {i:D4}";

    public static NewEvent Create(string prefix, long n)
    {
        var random = new Random(unchecked((int)(n * 2654435761)));
        var day = First.AddDays(random.Next(Days));
        var precision = random.NextDouble();
        var edtf = precision switch
        {
            < 0.60 => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            < 0.85 => day.ToString("yyyy-MM", CultureInfo.InvariantCulture),
            _ => day.ToString("yyyy", CultureInfo.InvariantCulture),
        };
        var place = Places[random.Next(Places.Length)];
        var kind = Kinds[random.Next(Kinds.Length)];
        var e = new NewEvent
        {
            EventId = $"{prefix}{n:D7}",
            Occurred = new FuzzyDate { Edtf = edtf },
            Title = $"{kind} near {place}, report {n}",
            Summary = $"Synthetic benchmark event {n}: {kind.ToLowerInvariant()} reported near {place}; the figures come from local sources and could not be verified independently. Several groups were involved and the situation remained tense over the following days.",
            Kind = kind,
            Location = new Location
            {
                Name = place,
                Admin1 = place + " Region",
                Country = Countries[random.Next(Countries.Length)],
                Latitude = Math.Round((random.NextDouble() * 30) - 5, 4),
                Longitude = Math.Round((random.NextDouble() * 40) - 15, 4),
            },
            Source = new Source
            {
                Name = "Bench Wire",
                Url = $"https://example.org/news/{n}",
                Published = "2025-01-01",
                Quote = "Fighting was reported in the area.",
            },
            Attributes = { ["fatalities"] = (n % 7).ToString(CultureInfo.InvariantCulture) },
        };
        if (random.NextDouble() < 0.5)
        {
            e.Tags.Add(QueryTag);
        }

        var tagCount = 1 + random.Next(3);
        while (e.Tags.Count < tagCount + (e.Tags.Contains(QueryTag) ? 1 : 0))
        {
            var tag = Tag(1 + random.Next(99));
            if (!e.Tags.Contains(tag))
            {
                e.Tags.Add(tag);
            }
        }

        var actorCount = 1 + random.Next(3);
        while (e.Actors.Count < actorCount)
        {
            var r = random.NextDouble();
            var actor = Actor((int)(1000 * r * r));
            if (!e.Actors.Contains(actor))
            {
                e.Actors.Add(actor);
            }
        }

        return e;
    }

    /// <summary>A deadline, due far in the future so it stays ON_TRACK until a risk signal arrives.</summary>
    public static NewEvent DeadlineSet(string deadlineId) => new()
    {
        EventId = "set-" + deadlineId,
        Occurred = new FuzzyDate { Edtf = "2024-01-15" },
        Title = $"Deadline {deadlineId} set",
        Kind = "Agreement",
        Actors = { Actor(1) },
        Tags = { "deadline" },
        Location = new Location { Name = "Bamako", Country = "MLI" },
        Source = new Source { Name = "Bench Wire", Url = "https://example.org/deadlines/" + deadlineId, Published = "2024-01-15" },
        Deadline = new DeadlineEffect
        {
            DeadlineId = deadlineId,
            Effect = DeadlineEffectType.Set,
            Due = new FuzzyDate { Edtf = "2099-12-31" },
            Title = $"Withdrawal {deadlineId} complete",
            Responsible = Actor(1),
        },
    };

    /// <summary>A risk signal dated yesterday (UTC): it has certainly happened, and it turns the deadline AT_RISK.</summary>
    public static NewEvent DeadlineRisk(string deadlineId, string eventId)
    {
        var yesterday = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        return new NewEvent
        {
            EventId = eventId,
            Occurred = new FuzzyDate { Edtf = yesterday },
            Title = $"Warning that {deadlineId} may slip",
            Kind = "Statement",
            Actors = { Actor(2) },
            Tags = { "deadline" },
            Location = new Location { Name = "Bamako", Country = "MLI" },
            Source = new Source { Name = "Bench Wire", Url = "https://example.org/risks/" + eventId, Published = yesterday },
            Deadline = new DeadlineEffect { DeadlineId = deadlineId, Effect = DeadlineEffectType.Risk },
        };
    }
}
