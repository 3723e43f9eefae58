using Timeline.Domain.Dates;
using Timeline.Domain.Deadlines;

namespace Timeline.Domain.Tests.Deadlines;

/// <summary>ARCHITECTURE §5: every status, every transition, and the MINUSMA worked example.</summary>
public sealed class DeadlineRulesTests
{
    private const string Minusma = "minusma-withdrawal";

    private static readonly FuzzyDate Dec31 = Day(2023, 12, 31);

    private long _position;

    [Fact]
    public void Worked_example_on_16_October_2023_is_at_risk_because_of_the_UN_warning()
    {
        var events = MinusmaAsReported();

        var status = DeadlineRules.Evaluate(Minusma, events, D(2023, 10, 16))!;

        Assert.Equal(DeadlineState.AtRisk, status.State);
        Assert.Equal(Dec31, status.Due);
        Assert.Equal(Dec31, status.OriginalDue);
        Assert.Equal(76, status.DaysRemaining);
        Assert.Equal(D(2023, 10, 14), status.Since);
        Assert.Equal(D(2023, 10, 16), status.AsOf);
        var reason = Assert.Single(status.Reasons);
        Assert.Equal("un-warning", reason.Event.EventId);
        Assert.Contains("risk signal", reason.Explanation, StringComparison.Ordinal);
        Assert.Equal("MINUSMA withdrawal complete", status.Title);
        Assert.Equal("UN Security Council", status.Responsible);
    }

    [Fact]
    public void Worked_example_returns_to_on_track_when_the_warning_ages_out_on_14_November()
    {
        var events = MinusmaAsReported();

        Assert.Equal(DeadlineState.AtRisk, DeadlineRules.Evaluate(Minusma, events, D(2023, 11, 13))!.State);
        var status = DeadlineRules.Evaluate(Minusma, events, D(2023, 11, 14))!;

        Assert.Equal(DeadlineState.OnTrack, status.State);
        Assert.Equal(D(2023, 11, 14), status.Since);
        Assert.Equal(47, status.DaysRemaining);
        Assert.Equal(D(2023, 11, 14), DeadlineRules.NextChange(Minusma, events, D(2023, 10, 16)));
    }

    [Fact]
    public void Worked_example_with_the_withdrawal_declared_complete_on_31_December_is_met_that_day()
    {
        var events = MinusmaAsReported().Append(Event("complete", DeadlineEffectKind.Met, D(2023, 12, 31))).ToList();

        Assert.Equal(DeadlineState.OnTrack, DeadlineRules.Evaluate(Minusma, events, D(2023, 12, 30))!.State);
        var status = DeadlineRules.Evaluate(Minusma, events, D(2023, 12, 31))!;

        Assert.Equal(DeadlineState.Met, status.State);
        Assert.Equal(D(2023, 12, 31), status.Since);
        Assert.Equal(0, status.DaysRemaining);
        Assert.Equal("complete", Assert.Single(status.Reasons).Event.EventId);
        Assert.Equal(DeadlineState.Met, DeadlineRules.Evaluate(Minusma, events, D(2025, 1, 1))!.State);
        Assert.Null(DeadlineRules.NextChange(Minusma, events, D(2023, 12, 31)));
    }

    [Fact]
    public void Worked_example_without_a_MET_event_is_missed_on_1_January_2024()
    {
        var events = MinusmaAsReported();

        Assert.Equal(DeadlineState.OnTrack, DeadlineRules.Evaluate(Minusma, events, D(2023, 12, 31))!.State);
        var status = DeadlineRules.Evaluate(Minusma, events, D(2024, 1, 1))!;

        Assert.Equal(DeadlineState.Missed, status.State);
        Assert.Equal(-1, status.DaysRemaining);
        Assert.Equal(D(2024, 1, 1), status.Since);
        Assert.Equal("resolution-2690", Assert.Single(status.Reasons).Event.EventId);
        Assert.Equal(D(2024, 1, 1), DeadlineRules.NextChange(Minusma, events, D(2023, 11, 14)));
        Assert.Null(DeadlineRules.NextChange(Minusma, events, D(2024, 1, 1)));
    }

    [Fact]
    public void Worked_example_replayed_through_2023_moves_on_track_at_risk_on_track_met()
    {
        var events = MinusmaAsReported().Append(Event("complete", DeadlineEffectKind.Met, D(2023, 12, 31))).ToList();

        var changes = DeadlineRules.Transitions(Minusma, events, D(2023, 1, 1), D(2024, 3, 1));

        Assert.Equal(
            [
                (DeadlineState.OnTrack, D(2023, 6, 30)),
                (DeadlineState.AtRisk, D(2023, 10, 14)),
                (DeadlineState.OnTrack, D(2023, 11, 14)),
                (DeadlineState.Met, D(2023, 12, 31)),
            ],
            changes.Select(c => (c.State, c.Since)));
        Assert.All(changes.Skip(1), c => Assert.Equal(c.Since, c.AsOf));
    }

    [Fact]
    public void Replay_starts_with_the_status_on_the_first_day_of_the_window_and_its_real_start()
    {
        var changes = DeadlineRules.Transitions(Minusma, MinusmaAsReported(), D(2023, 11, 1), D(2023, 12, 1));

        Assert.Equal(2, changes.Count);
        Assert.Equal((DeadlineState.AtRisk, D(2023, 10, 14), D(2023, 11, 1)), (changes[0].State, changes[0].Since, changes[0].AsOf));
        Assert.Equal((DeadlineState.OnTrack, D(2023, 11, 14)), (changes[1].State, changes[1].Since));
    }

    [Fact]
    public void Replay_of_a_window_before_the_deadline_was_set_is_empty()
    {
        Assert.Empty(DeadlineRules.Transitions(Minusma, MinusmaAsReported(), D(2023, 1, 1), D(2023, 6, 29)));
    }

    [Fact]
    public void A_deadline_has_no_status_before_its_SET_counts_and_a_fuzzy_SET_counts_from_its_latest_day()
    {
        var events = new[] { Event("set", DeadlineEffectKind.Set, D(2023, 6, 1), D(2023, 6, 30), due: Dec31) };

        Assert.Null(DeadlineRules.Evaluate(Minusma, events, D(2023, 6, 29)));
        Assert.Equal(DeadlineState.OnTrack, DeadlineRules.Evaluate(Minusma, events, D(2023, 6, 30))!.State);
        Assert.Equal(D(2023, 6, 30), DeadlineRules.NextChange(Minusma, events, D(2023, 5, 1)));
    }

    [Fact]
    public void Events_without_a_SET_give_no_status()
    {
        Assert.Null(DeadlineRules.Evaluate(Minusma, [Event("risk", DeadlineEffectKind.Risk, D(2023, 10, 14))], D(2023, 10, 16)));
    }

    [Fact]
    public void On_track_explains_itself_with_the_latest_reaffirmation_then_the_SET()
    {
        var events = new[]
        {
            Set(D(2023, 6, 30)),
            Event("reaffirmed", DeadlineEffectKind.Reaffirmed, D(2023, 9, 1)),
            Event("progress", DeadlineEffectKind.Progress, D(2023, 10, 21)),
        };

        var status = DeadlineRules.Evaluate(Minusma, events, D(2023, 10, 25))!;

        Assert.Equal(DeadlineState.OnTrack, status.State);
        Assert.Equal(["progress", "resolution-2690"], status.Reasons.Select(r => r.Event.EventId));
        Assert.Equal(D(2023, 6, 30), status.Since);
    }

    [Fact]
    public void A_risk_counts_for_exactly_the_window_and_a_fuzzy_risk_from_its_latest_day()
    {
        var events = new[] { Set(D(2023, 6, 30)), Event("risk", DeadlineEffectKind.Risk, D(2023, 8, 21), D(2023, 8, 31)) };

        Assert.Equal(DeadlineState.OnTrack, DeadlineRules.Evaluate(Minusma, events, D(2023, 8, 30))!.State);
        Assert.Equal(DeadlineState.AtRisk, DeadlineRules.Evaluate(Minusma, events, D(2023, 8, 31))!.State);
        Assert.Equal(DeadlineState.AtRisk, DeadlineRules.Evaluate(Minusma, events, D(2023, 9, 30))!.State);
        Assert.Equal(DeadlineState.OnTrack, DeadlineRules.Evaluate(Minusma, events, D(2023, 10, 1))!.State);
    }

    [Fact]
    public void The_risk_window_is_configurable()
    {
        var events = new[] { Set(D(2023, 6, 30)), Event("risk", DeadlineEffectKind.Risk, D(2023, 10, 14)) };

        Assert.Equal(DeadlineState.AtRisk, DeadlineRules.Evaluate(Minusma, events, D(2023, 10, 21), riskWindowDays: 7)!.State);
        Assert.Equal(DeadlineState.OnTrack, DeadlineRules.Evaluate(Minusma, events, D(2023, 10, 22), riskWindowDays: 7)!.State);
        Assert.Equal(D(2023, 10, 22), DeadlineRules.NextChange(Minusma, events, D(2023, 10, 14), riskWindowDays: 7));
    }

    [Fact]
    public void A_second_risk_signal_extends_the_risk_and_is_listed_first()
    {
        var events = new[]
        {
            Set(D(2023, 6, 30)),
            Event("first", DeadlineEffectKind.Risk, D(2023, 10, 1)),
            Event("second", DeadlineEffectKind.Risk, D(2023, 10, 20)),
        };

        var status = DeadlineRules.Evaluate(Minusma, events, D(2023, 10, 25))!;

        Assert.Equal(["second", "first"], status.Reasons.Select(r => r.Event.EventId));
        Assert.Equal(D(2023, 10, 1), status.Since);
        Assert.Equal(D(2023, 11, 20), DeadlineRules.NextChange(Minusma, events, D(2023, 10, 25)));
    }

    [Fact]
    public void Met_on_the_due_day_is_met_and_a_day_later_is_met_late()
    {
        var onTime = new[] { Set(D(2023, 6, 30)), Event("met", DeadlineEffectKind.Met, D(2023, 12, 31)) };
        var late = new[] { Set(D(2023, 6, 30)), Event("met", DeadlineEffectKind.Met, D(2024, 1, 10)) };

        Assert.Equal(DeadlineState.Met, DeadlineRules.Evaluate(Minusma, onTime, D(2024, 2, 1))!.State);
        var status = DeadlineRules.Evaluate(Minusma, late, D(2024, 2, 1))!;
        Assert.Equal(DeadlineState.MetLate, status.State);
        Assert.Equal(D(2024, 1, 10), status.Since);
        Assert.Contains("10 days after", Assert.Single(status.Reasons).Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Missed_then_met_late_when_the_MET_event_arrives_after_the_due_date()
    {
        var events = new[] { Set(D(2023, 6, 30)), Event("met", DeadlineEffectKind.Met, D(2024, 1, 10)) };

        var changes = DeadlineRules.Transitions(Minusma, events, D(2023, 12, 1), D(2024, 2, 1));

        Assert.Equal(
            [(DeadlineState.OnTrack, D(2023, 6, 30)), (DeadlineState.Missed, D(2024, 1, 1)), (DeadlineState.MetLate, D(2024, 1, 10))],
            changes.Select(c => (c.State, c.Since)));
    }

    [Fact]
    public void A_fuzzy_MET_that_may_end_after_the_due_date_counts_as_late()
    {
        var events = new[] { Set(D(2023, 6, 30)), Event("met", DeadlineEffectKind.Met, D(2023, 12, 15), D(2024, 1, 15)) };

        Assert.Equal(DeadlineState.Missed, DeadlineRules.Evaluate(Minusma, events, D(2024, 1, 14))!.State);
        Assert.Equal(DeadlineState.MetLate, DeadlineRules.Evaluate(Minusma, events, D(2024, 1, 15))!.State);
    }

    [Fact]
    public void Missed_takes_precedence_over_at_risk()
    {
        var events = new[] { Set(D(2023, 6, 30)), Event("risk", DeadlineEffectKind.Risk, D(2023, 12, 20)) };

        var status = DeadlineRules.Evaluate(Minusma, events, D(2024, 1, 2))!;

        Assert.Equal(DeadlineState.Missed, status.State);
        Assert.Equal(-2, status.DaysRemaining);
    }

    [Fact]
    public void Cancelled_takes_precedence_over_everything()
    {
        var events = new[]
        {
            Set(D(2023, 6, 30)),
            Event("risk", DeadlineEffectKind.Risk, D(2023, 10, 14)),
            Event("cancelled", DeadlineEffectKind.Cancelled, D(2023, 10, 20)),
            Event("met", DeadlineEffectKind.Met, D(2023, 12, 31)),
        };

        Assert.Equal(DeadlineState.AtRisk, DeadlineRules.Evaluate(Minusma, events, D(2023, 10, 19))!.State);
        var status = DeadlineRules.Evaluate(Minusma, events, D(2024, 6, 1))!;
        Assert.Equal(DeadlineState.Cancelled, status.State);
        Assert.Equal(D(2023, 10, 20), status.Since);
        Assert.Equal("cancelled", Assert.Single(status.Reasons).Event.EventId);
    }

    [Fact]
    public void An_extension_sets_a_new_due_date_and_keeps_the_original()
    {
        var newDue = Day(2024, 6, 30);
        var events = new[]
        {
            Set(D(2023, 6, 30)),
            Event("extended", DeadlineEffectKind.Extended, D(2024, 1, 5), due: newDue),
        };

        Assert.Equal(DeadlineState.Missed, DeadlineRules.Evaluate(Minusma, events, D(2024, 1, 4))!.State);
        var status = DeadlineRules.Evaluate(Minusma, events, D(2024, 1, 5))!;

        Assert.Equal(DeadlineState.OnTrack, status.State);
        Assert.Equal(newDue, status.Due);
        Assert.Equal(Dec31, status.OriginalDue);
        Assert.Equal(177, status.DaysRemaining);
        Assert.Equal(D(2024, 1, 5), status.Since);
        Assert.Equal("extended", status.Reasons[0].Event.EventId);
        Assert.Equal(D(2024, 7, 1), DeadlineRules.NextChange(Minusma, events, D(2024, 1, 5)));
    }

    [Fact]
    public void A_MET_after_the_original_due_date_but_within_the_extension_is_met()
    {
        var events = new[]
        {
            Set(D(2023, 6, 30)),
            Event("extended", DeadlineEffectKind.Extended, D(2023, 11, 1), due: Day(2024, 3, 31)),
            Event("met", DeadlineEffectKind.Met, D(2024, 2, 1)),
        };

        Assert.Equal(DeadlineState.Met, DeadlineRules.Evaluate(Minusma, events, D(2024, 2, 1))!.State);
    }

    [Fact]
    public void An_extension_while_on_track_is_a_new_status_but_days_passing_are_not()
    {
        var events = new[]
        {
            Set(D(2023, 6, 30)),
            Event("extended", DeadlineEffectKind.Extended, D(2023, 11, 1), due: Day(2024, 3, 31)),
        };

        var changes = DeadlineRules.Transitions(Minusma, events, D(2023, 7, 1), D(2023, 12, 31));

        Assert.Equal([D(2023, 6, 30), D(2023, 11, 1)], changes.Select(c => c.Since));
        Assert.All(changes, c => Assert.Equal(DeadlineState.OnTrack, c.State));
    }

    [Fact]
    public void A_due_date_given_as_late_2023_passes_at_the_end_of_its_latest_day()
    {
        var lateYear = new FuzzyDate { Earliest = D(2023, 9, 1), Latest = D(2023, 12, 31), Precision = DatePrecision.Year, Part = DatePart.Late, Edtf = "2023" };
        var events = new[] { Event("set", DeadlineEffectKind.Set, D(2023, 6, 30), due: lateYear) };

        Assert.Equal(DeadlineState.OnTrack, DeadlineRules.Evaluate(Minusma, events, D(2023, 12, 31))!.State);
        Assert.Equal(DeadlineState.Missed, DeadlineRules.Evaluate(Minusma, events, D(2024, 1, 1))!.State);
    }

    [Fact]
    public void A_known_future_dated_event_is_the_next_change()
    {
        var events = new[] { Set(D(2023, 6, 30)), Event("risk", DeadlineEffectKind.Risk, D(2023, 11, 1)) };

        Assert.Equal(D(2023, 11, 1), DeadlineRules.NextChange(Minusma, events, D(2023, 10, 16)));
        Assert.Equal(DeadlineState.OnTrack, DeadlineRules.Evaluate(Minusma, events, D(2023, 10, 16))!.State);
    }

    [Fact]
    public void A_reaffirmation_changes_no_status_so_it_is_not_a_next_change()
    {
        var events = new[] { Set(D(2023, 6, 30)), Event("reaffirmed", DeadlineEffectKind.Reaffirmed, D(2023, 11, 1)) };

        Assert.Equal(D(2024, 1, 1), DeadlineRules.NextChange(Minusma, events, D(2023, 10, 16)));
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Since_next_change_and_transitions_agree_with_evaluating_every_day(string scenario)
    {
        var events = Scenario(scenario);
        var from = D(2023, 6, 1);
        var to = D(2024, 8, 1);
        var daily = new List<DeadlineStatus?>();
        for (var day = from; day <= to; day = day.AddDays(1))
        {
            daily.Add(DeadlineRules.Evaluate(Minusma, events, day));
        }

        var transitions = DeadlineRules.Transitions(Minusma, events, from, to);
        var expectedStarts = daily
            .Select((s, i) => (s, i))
            .Where(x => x.s is not null && (x.i == 0 || !x.s.IsSameStatusAs(daily[x.i - 1])))
            .Select(x => x.i == 0 ? x.s!.Since : from.AddDays(x.i))
            .ToList();
        Assert.Equal(expectedStarts, transitions.Select(t => t.Since));

        for (var i = 0; i < daily.Count; i++)
        {
            var day = from.AddDays(i);
            var status = daily[i];
            if (status is not null)
            {
                var start = transitions.Last(t => t.AsOf <= day).Since;
                Assert.Equal(start, status.Since);
            }

            var next = daily.Skip(i + 1).Select((s, j) => (s, j)).FirstOrDefault(x => x.s is not null && !x.s.IsSameStatusAs(status));
            CalendarDay? expectedNext = next.s is null ? null : day.AddDays(next.j + 1);
            var actualNext = DeadlineRules.NextChange(Minusma, events, day);
            Assert.Equal(expectedNext, actualNext is { } n && n > to ? null : actualNext);
        }
    }

    public static TheoryData<string> Scenarios() => ["reported", "met", "late", "extended", "cancelled", "risks"];

    private IReadOnlyList<DeadlineEvent> Scenario(string name) => name switch
    {
        "reported" => MinusmaAsReported(),
        "met" => [.. MinusmaAsReported(), Event("met", DeadlineEffectKind.Met, D(2023, 12, 31))],
        "late" => [.. MinusmaAsReported(), Event("met", DeadlineEffectKind.Met, D(2024, 1, 1), D(2024, 1, 31))],
        "extended" => [.. MinusmaAsReported(), Event("ext", DeadlineEffectKind.Extended, D(2024, 1, 10), due: Day(2024, 3, 31)), Event("risk2", DeadlineEffectKind.Risk, D(2024, 3, 15))],
        "cancelled" => [.. MinusmaAsReported(), Event("cancel", DeadlineEffectKind.Cancelled, D(2023, 11, 1), D(2023, 11, 30))],
        _ => [Set(D(2023, 6, 30)), Event("r1", DeadlineEffectKind.Risk, D(2023, 7, 1), D(2023, 7, 31)), Event("r2", DeadlineEffectKind.Risk, D(2023, 8, 15)), Event("r3", DeadlineEffectKind.Risk, D(2023, 10, 1))],
    };

    /// <summary>Resolution 2690 (30 June 2023) and the two statements of Saturday 14 October 2023.</summary>
    private IReadOnlyList<DeadlineEvent> MinusmaAsReported() =>
    [
        Set(D(2023, 6, 30)),
        Event("un-warning", DeadlineEffectKind.Risk, D(2023, 10, 14)),
        Event("diop-statement", DeadlineEffectKind.Reaffirmed, D(2023, 10, 14)),
    ];

    private DeadlineEvent Set(CalendarDay on) =>
        Event("resolution-2690", DeadlineEffectKind.Set, on, due: Dec31) with
        {
            DeadlineTitle = "MINUSMA withdrawal complete",
            Responsible = "UN Security Council",
        };

    private DeadlineEvent Event(string id, DeadlineEffectKind effect, CalendarDay earliest, CalendarDay? latest = null, FuzzyDate? due = null) => new()
    {
        EventId = id,
        Position = ++_position,
        Title = id,
        OccurredEarliest = earliest,
        OccurredLatest = latest ?? earliest,
        Effect = effect,
        Due = due,
    };

    private static CalendarDay D(int year, int month, int day) => new(year, month, day);

    private static FuzzyDate Day(int year, int month, int day) => new()
    {
        Earliest = D(year, month, day),
        Latest = D(year, month, day),
        Precision = DatePrecision.Day,
        Edtf = $"{year:D4}-{month:D2}-{day:D2}",
    };
}
