using Timeline.Domain.Validation;
using Timeline.V1;

namespace Timeline.Domain.Tests.Validation;

public sealed class NewEventValidatorTests
{
    private readonly NewEventValidator validator = new(new EventLimits());

    private static NewEvent Valid() => new()
    {
        EventId = "MLI4212",
        Title = "Military junta seizes power",
        Occurred = new FuzzyDate { Edtf = "2020-08-18" },
    };

    private (NewEvent? Event, List<FieldViolation> Violations) Check(NewEvent e)
    {
        var violations = new List<FieldViolation>();
        return (validator.Normalize(e, "events[3]", violations), violations);
    }

    [Fact]
    public void Valid_event_is_normalized_tags_sorted_lower_case_deduplicated_country_upper_case()
    {
        var e = Valid();
        e.Tags.AddRange(["Mali", "coup", "mali"]);
        e.Actors.AddRange([" Junta ", "Junta"]);
        e.Location = new Location { Country = "mli" };
        e.Attributes["zeta"] = "1";
        e.Attributes["alpha"] = "2";

        var (normalized, violations) = Check(e);

        Assert.Empty(violations);
        Assert.NotNull(normalized);
        Assert.Equal(["coup", "mali"], normalized.Tags);
        Assert.Equal(["Junta"], normalized.Actors);
        Assert.Equal("MLI", normalized.Location.Country);
        Assert.Equal(["alpha", "zeta"], normalized.Attributes.Keys);
        Assert.Equal("2020-08-18", normalized.Occurred.Earliest);
        Assert.Equal("2020-08-18", normalized.Occurred.Latest);
        Assert.Equal(["Mali", "coup", "mali"], e.Tags);
    }

    [Fact]
    public void Each_bad_field_is_named_with_its_path()
    {
        var e = Valid();
        e.Title = " ";
        e.EventId = "has space";
        e.Tags.Add("-bad");
        e.Location = new Location { Country = "XYZ", Latitude = 12, Longitude = 200 };
        e.Source = new Source { Url = "ftp://example.org/x", Published = "16 October 2023" };
        e.Summary = "line\u0007bell";

        var (normalized, violations) = Check(e);

        Assert.Null(normalized);
        Assert.Equal(
            new[]
            {
                "events[3].event_id", "events[3].title", "events[3].summary", "events[3].source.url", "events[3].source.published",
                "events[3].tags[0]", "events[3].location.country", "events[3].location.longitude",
            }.Order(),
            violations.Select(v => v.Field).Order());
        Assert.Contains(violations, v => v.Description.Contains("U+0007", StringComparison.Ordinal));
    }

    [Fact]
    public void Text_date_without_reference_falls_back_to_the_source_publication_date()
    {
        var e = Valid();
        e.Occurred = new FuzzyDate { Text = "in 2020" };
        Assert.Equal("events[3].occurred.reference", Assert.Single(Check(e).Violations).Field);

        e.Source = new Source { Published = "2023-10-16" };
        var (normalized, violations) = Check(e);
        Assert.Empty(violations);
        Assert.Equal("2020-01-01", normalized!.Occurred.Earliest);
        Assert.Equal("2020-12-31", normalized.Occurred.Latest);
        Assert.Equal("in 2020", normalized.Occurred.Text);
    }

    [Fact]
    public void Deadline_effects_need_an_id_an_effect_and_for_set_a_title_and_due_date()
    {
        var e = Valid();
        e.Deadline = new DeadlineEffect { Effect = DeadlineEffectType.Set };
        var fields = Check(e).Violations.Select(v => v.Field).Order().ToList();
        Assert.Equal(["events[3].deadline.deadline_id", "events[3].deadline.due", "events[3].deadline.title"], fields);

        e.Deadline = new DeadlineEffect { DeadlineId = "minusma-withdrawal", Effect = (DeadlineEffectType)42 };
        Assert.Equal("events[3].deadline.effect", Assert.Single(Check(e).Violations).Field);
    }

    [Fact]
    public void Deadline_due_text_is_read_forward_from_its_reference()
    {
        var e = Valid();
        e.Occurred = new FuzzyDate { Text = "on Saturday (14 October)", Reference = "2023-10-16" };
        e.Deadline = new DeadlineEffect
        {
            DeadlineId = "minusma-withdrawal",
            Effect = DeadlineEffectType.Reaffirmed,
            Due = new FuzzyDate { Text = "by 31 December" },
        };

        var (normalized, violations) = Check(e);

        Assert.Empty(violations);
        Assert.Equal("2023-12-31", normalized!.Deadline.Due.Latest);
        Assert.Equal("2023-10-14", normalized.Occurred.Earliest);
    }

    [Fact]
    public void Over_limit_lists_and_strings_are_refused_with_the_limit_in_the_message()
    {
        var e = Valid();
        e.Title = new string('x', 501);
        e.Tags.AddRange(Enumerable.Range(0, 51).Select(i => $"t{i}"));
        e.Actors.AddRange(Enumerable.Range(0, 101).Select(i => $"a{i}"));

        var violations = Check(e).Violations;

        Assert.Contains(violations, v => v.Field == "events[3].title" && v.Description.Contains("500", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Field == "events[3].tags" && v.Description.Contains("50", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Field == "events[3].actors" && v.Description.Contains("100", StringComparison.Ordinal));
    }

    [Fact]
    public void Bare_retraction_needs_only_the_event_id()
    {
        var (normalized, violations) = Check(new NewEvent { EventId = "MLI4212", Retracted = true });
        Assert.Empty(violations);
        Assert.True(normalized!.Retracted);

        Assert.Equal("events[3].event_id", Assert.Single(Check(new NewEvent { Retracted = true }).Violations).Field);
    }

    public static TheoryData<string, string> ReasonCases => new()
    {
        { "no-date", NewEventValidator.UnresolvableDate },
        { "unreadable-text", NewEventValidator.UnresolvableDate },
        { "text-without-reference", NewEventValidator.UnresolvableDate },
        { "unreadable-published", NewEventValidator.UnresolvableDate },
        { "bad-edtf-due", NewEventValidator.UnresolvableDate },
        { "set-without-due", NewEventValidator.InvalidEvent }, // a missing field, not a date that cannot be read
        { "date-and-title", NewEventValidator.UnresolvableDate },
        { "no-title", NewEventValidator.InvalidEvent },
        { "bad-country", NewEventValidator.InvalidEvent },
    };

    [Theory]
    [MemberData(nameof(ReasonCases))]
    public void The_reason_of_a_refusal_is_the_validators_and_a_date_problem_outranks_the_rest(string problem, string reason)
    {
        var e = Valid();
        switch (problem)
        {
            case "no-date": e.Occurred = null; break;
            case "unreadable-text": e.Occurred = new FuzzyDate { Text = "when the rains come", Reference = "2023-10-16" }; break;
            case "text-without-reference": e.Occurred = new FuzzyDate { Text = "last week" }; break;
            case "unreadable-published":
                e.Occurred = new FuzzyDate { Text = "last week" };
                e.Source = new Source { Name = "AFP", Published = "16/10/2023" };
                break;
            case "bad-edtf-due": e.Deadline = new DeadlineEffect { DeadlineId = "d", Effect = DeadlineEffectType.Set, Title = "t", Due = new FuzzyDate { Edtf = "2023-13-45" } }; break;
            case "set-without-due": e.Deadline = new DeadlineEffect { DeadlineId = "d", Effect = DeadlineEffectType.Set, Title = "t" }; break;
            case "date-and-title": e.Title = ""; e.Occurred = new FuzzyDate { Edtf = "not-edtf" }; break;
            case "no-title": e.Title = ""; break;
            case "bad-country": e.Location = new Location { Country = "ZZZ" }; break;
        }

        var (normalized, violations) = Check(e);

        Assert.Null(normalized);
        Assert.NotEmpty(violations);
        Assert.Equal(reason, NewEventValidator.ReasonFor(violations));
    }

    [Theory]
    [InlineData("plain id", "plain id")]
    [InlineData("bell\u0007", @"bell\u0007")]
    [InlineData("\u001b[31mred", @"\u001B[31mred")]
    [InlineData("two\r\nlines", @"two\u000D\u000Alines")]
    [InlineData("a\u2028b\u2029c", @"a\u2028b\u2029c")]
    [InlineData("gpj.\u202Eexe", @"gpj.\u202Eexe")]
    [InlineData("iso\u2066late\u2069", @"iso\u2066late\u2069")]
    [InlineData("Tombouctou, Mali \u00e9t\u00e9 \u2014 \u0645\u0627\u0644\u064a", "Tombouctou, Mali \u00e9t\u00e9 \u2014 \u0645\u0627\u0644\u064a")]
    public void Quoted_text_never_carries_control_line_separator_or_reordering_characters(string text, string quoted)
    {
        Assert.Equal(quoted, NewEventValidator.Quote(text));
    }

    [Fact]
    public void Quoted_text_is_cut_after_escaping_so_it_stays_within_its_length()
    {
        var quoted = NewEventValidator.Quote(new string('\u0007', 50), 20);

        Assert.Equal(20, quoted.Length);
        Assert.EndsWith("...", quoted, StringComparison.Ordinal);
        Assert.DoesNotContain('\u0007', quoted);
    }
}
