using Google.Protobuf;
using Timeline.Cli.Infrastructure;
using Timeline.V1;

namespace Timeline.Cli.Tests;

public sealed class SampleFileTests
{
    private static string Sample(string name) => Path.Combine(AppContext.BaseDirectory, "samples", name);

    [Fact]
    public void The_seed_sample_keeps_the_reports_dates_as_written_and_cites_the_report()
    {
        var events = EventFiles.Read(Sample("mali-minusma-2023-10.json"));

        Assert.Equal(events.Count, events.Select(e => e.EventId).Distinct().Count());
        Assert.All(events, e => Assert.False(string.IsNullOrEmpty(e.EventId)));
        Assert.All(events, e => Assert.Contains("mali", e.Tags));
        var texts = events.Select(e => e.Occurred.Text).ToHashSet();
        Assert.Superset(new HashSet<string> { "in 2020", "since late 2021", "since late August", "on Saturday (14 October)", "around 16 October 2023" }, texts);
        Assert.All(events.Where(e => e.Occurred.Text.Length > 0), e =>
        {
            Assert.Equal("2023-10-16", e.Occurred.Reference);
            Assert.Equal("News report, Mali/MINUSMA, October 2023", e.Source.Name);
            Assert.Equal("2023-10-16", e.Source.Published);
            Assert.False(string.IsNullOrEmpty(e.Source.Quote));
        });
    }

    [Fact]
    public void The_seed_sample_sets_the_deadline_and_carries_the_risk_and_the_reaffirmation()
    {
        var events = EventFiles.Read(Sample("mali-minusma-2023-10.json"));
        var effects = events.Where(e => e.Deadline is not null).ToDictionary(e => e.Deadline.Effect);

        var set = effects[DeadlineEffectType.Set];
        Assert.Equal("minusma-withdrawal", set.Deadline.DeadlineId);
        Assert.Equal("2023-06-30", set.Occurred.Edtf);
        Assert.Equal("by 31 December", set.Deadline.Due.Text);
        Assert.Equal("2023-06-30", set.Deadline.Due.Reference);
        Assert.Equal("MINUSMA / UN Security Council", set.Deadline.Responsible);
        Assert.Equal("on Saturday (14 October)", effects[DeadlineEffectType.Risk].Occurred.Text);
        Assert.Equal("on Saturday (14 October)", effects[DeadlineEffectType.Reaffirmed].Occurred.Text);
        Assert.All(effects.Values, e => Assert.Equal("minusma-withdrawal", e.Deadline.DeadlineId));
    }

    [Fact]
    public void The_follow_up_sample_moves_the_deadline_to_met_on_31_December()
    {
        var events = EventFiles.Read(Sample("mali-minusma-followup.json"));

        Assert.Equal(["2023-10-21", "2023-10-31", "2023-11-14", "2023-12-31"], events.Select(e => e.Occurred.Edtf));
        Assert.Equal(
            [DeadlineEffectType.Progress, DeadlineEffectType.Progress, DeadlineEffectType.Unspecified, DeadlineEffectType.Met],
            events.Select(e => e.Deadline?.Effect ?? DeadlineEffectType.Unspecified));
    }

    [Fact]
    public void Ndjson_with_one_event_per_line_reads_the_same_events_as_the_json_file()
    {
        var events = EventFiles.Read(Sample("mali-minusma-2023-10.json"));
        var ndjson = string.Join("\n", events.Select(e => JsonFormatter.Default.Format(e))) + "\n\n";

        var parsed = EventFiles.Parse(ndjson, "events.ndjson");

        Assert.Equal(events, parsed);
    }

    [Fact]
    public void A_bad_ndjson_line_is_refused_with_its_line_number()
    {
        var text = "{\"title\":\"ok\",\"occurred\":{\"edtf\":\"2020\"}}\n{\"title\":\"bad\",\"unknownField\":1}\n";

        var ex = Assert.Throws<CliException>(() => EventFiles.Parse(text, "x.ndjson"));

        Assert.Contains("x.ndjson, line 2", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_json_file_with_a_wrong_enum_is_refused_with_its_name()
    {
        var text = "{\"events\":[{\"title\":\"t\",\"deadline\":{\"effect\":\"SOON\"}}]}";

        var ex = Assert.Throws<CliException>(() => EventFiles.Parse(text, "x.json"));

        Assert.StartsWith("x.json:", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\n  \"events\": [\n    {\"title\": \"a\",, \"occurred\": {\"edtf\": \"2020\"}}\n  ]\n}\n", "x.json, line 3, column 19: invalid JSON:")]
    [InlineData("{\"events\": [}", "x.json, line 1, column 13: invalid JSON:")]
    [InlineData("{\"title\":\"a\",\"occurred\":{\"edtf\":\"2020\"}}\n{\"title\":\"é\" \"occurred\":{}}\n", "x.json, line 2, column 14: invalid JSON:")]
    [InlineData("{\"title\":\"a\"\n", "x.json, line 2, column 1: invalid JSON:")]
    public void A_syntax_error_is_refused_at_its_line_and_column_in_characters(string text, string start)
    {
        var ex = Assert.Throws<CliException>(() => EventFiles.Parse(text, "x.json"));

        Assert.StartsWith(start, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void One_pretty_printed_event_reads_as_one_event()
    {
        var events = EventFiles.Parse("{\n  \"title\": \"Coup\",\n  \"occurred\": {\"edtf\": \"2020\"}\n}\n", "one.json");

        Assert.Equal("Coup", Assert.Single(events).Title);
    }
}
