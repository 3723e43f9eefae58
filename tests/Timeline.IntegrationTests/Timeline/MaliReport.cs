using Timeline.V1;

namespace Timeline.IntegrationTests.Timeline;

/// <summary>
/// The events of the Mali report (ARCHITECTURE §1), dated as the report words them and read
/// against 16 October 2023, plus resolution 2690 which set the MINUSMA deadline.
/// </summary>
internal static class MaliReport
{
    public const string Deadline = "minusma-withdrawal";
    public const string Reference = "2023-10-16";

    public static readonly DateTimeOffset ReportDay = new(2023, 10, 16, 9, 0, 0, TimeSpan.Zero);

    public static NewEvent[] Events() =>
    [
        Written("coup-2020", "in 2020", "Military junta seizes power in Mali"),
        Written("wagner", "since late 2021", "Wagner Group mercenaries operate in Mali"),
        Resolution2690(),
        Written("armed-groups-north", "since late August", "Rival armed groups seek to seize territory in the north as the UN pulls out"),
        Written("tuareg-fighting", "since late August", "Fighting escalates between Tuareg separatist groups and the army"),
        Written("gsim-attacks", "since late August", "GSIM steps up attacks on army posts"),
        UnWarning(),
        DiopStatement(),
        Dated("tessalit", "2023-10", "Malian soldiers and Russian paramilitaries seek to take the UN's place in Tessalit"),
    ];

    public static NewEvent Resolution2690()
    {
        var e = Dated("unsc-2690", "2023-06-30", "UN Security Council ends MINUSMA's mandate (resolution 2690)");
        e.Deadline = new DeadlineEffect
        {
            DeadlineId = Deadline,
            Effect = DeadlineEffectType.Set,
            Due = new FuzzyDate { Edtf = "2023-12-31" },
            Title = "MINUSMA's departure complete",
            Responsible = "UN Security Council",
        };
        return e;
    }

    public static NewEvent UnWarning() =>
        Effect(Written("un-warning", "on Saturday (14 October)", "UN warns tensions are likely to impede MINUSMA's departure"), DeadlineEffectType.Risk);

    public static NewEvent DiopStatement() =>
        Effect(Written("diop-statement", "on Saturday (14 October)", "Diop: the withdrawal will finish by 31 December, no extension foreseen"), DeadlineEffectType.Reaffirmed);

    public static NewEvent Met(string edtf) =>
        Effect(Dated("withdrawal-complete", edtf, "MINUSMA's withdrawal declared complete"), DeadlineEffectType.Met);

    public static NewEvent Effect(NewEvent e, DeadlineEffectType effect)
    {
        e.Deadline = new DeadlineEffect { DeadlineId = Deadline, Effect = effect };
        return e;
    }

    public static NewEvent Dated(string id, string edtf, string title) => Tagged(new NewEvent { EventId = id, Title = title, Occurred = new FuzzyDate { Edtf = edtf } });

    private static NewEvent Written(string id, string text, string title) =>
        Tagged(new NewEvent { EventId = id, Title = title, Occurred = new FuzzyDate { Text = text, Reference = Reference } });

    private static NewEvent Tagged(NewEvent e)
    {
        e.Tags.AddRange(["mali", "minusma"]);
        return e;
    }
}
