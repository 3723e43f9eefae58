using System.CommandLine;
using Timeline.Cli.Commands;
using Timeline.V1;

namespace Timeline.Cli.Tests;

public sealed class CommandParsingTests
{
    private static readonly DateOnly Today = new(2024, 5, 1);

    private static (RootCommand Root, CliContext Context) Build(Func<string, string?>? environment = null)
    {
        var context = CliContext.ForWriters(new StringWriter(), new StringWriter(), environment);
        return (CliApp.BuildRootCommand(context), context);
    }

    [Theory]
    [InlineData("demo")]
    [InlineData("serve --database /tmp/x.db")]
    [InlineData("serve --postgres \"Host=db.example;Database=timeline;Username=timeline\"")]
    [InlineData("import samples/mali-minusma-2023-10.json --batch-size 100")]
    [InlineData("show --tag mali --tag minusma --actor MINUSMA --kind Statement --country MLI --from 2023-01-01 --to 2023-12-31 --as-of 2023-10-16")]
    [InlineData("deadlines --as-of 2023-10-16 --output json")]
    [InlineData("watch --id minusma-withdrawal")]
    [InlineData("replay --from 2023-01-01 --to 2023-12-31 -o json")]
    [InlineData("history un-2023-10-14-warning")]
    [InlineData("add --title T --date 2020")]
    public void Every_command_parses_its_documented_flags(string line)
    {
        var (root, _) = Build();

        var result = root.Parse(line);

        Assert.Empty(result.Errors);
    }

    [Theory]
    [InlineData("replay --from 2023-01-01")]
    [InlineData("history")]
    [InlineData("add --date 2020")]
    [InlineData("add --title T --date 2020 --deadline d --effect soon")]
    [InlineData("import f.json --batch-size 0")]
    [InlineData("show --output yaml")]
    [InlineData("serve --database /tmp/x.db --postgres Host=db.example")]
    public void Missing_or_bad_flags_are_parse_errors(string line)
    {
        var (root, _) = Build();

        Assert.NotEmpty(root.Parse(line).Errors);
    }

    [Fact]
    public void Addresses_default_to_loopback_and_follow_the_environment_then_the_flags()
    {
        var (root, _) = Build();
        var options = new CommonOptions(CliContext.ForWriters(TextWriter.Null, TextWriter.Null));
        var defaults = root.Parse("deadlines");
        Assert.Equal("http://127.0.0.1:5201", defaults.GetValue<string>("--storage"));
        Assert.Equal("http://127.0.0.1:5202", defaults.GetValue<string>("--timeline"));

        var env = new Dictionary<string, string?> { ["TIMELINE_STORAGE_ADDRESS"] = "http://10.0.0.1:9001", ["TIMELINE_TIMELINE_ADDRESS"] = "http://10.0.0.1:9002" };
        var (fromEnv, _) = Build(name => env.GetValueOrDefault(name));
        var parsed = fromEnv.Parse("deadlines");
        Assert.Equal("http://10.0.0.1:9001", parsed.GetValue<string>("--storage"));
        Assert.Equal("http://10.0.0.1:9002", parsed.GetValue<string>("--timeline"));

        var flagged = fromEnv.Parse("deadlines --timeline http://127.0.0.1:7000");
        Assert.Equal("http://127.0.0.1:7000", flagged.GetValue<string>("--timeline"));
    }

    [Fact]
    public void Show_builds_the_event_filter_from_its_flags()
    {
        var filter = new FilterOptions();
        var command = new Command("show");
        filter.AddTo(command);

        var result = command.Parse("--tag mali --tag minusma --country mli --from 2023-08-01 --to 2023-10-31");

        var built = filter.Build(result);
        Assert.Equal(["mali", "minusma"], built.Tags);
        Assert.Equal(["MLI"], built.Countries);
        Assert.Equal("2023-08-01", built.OccurredFrom);
        Assert.Equal("2023-10-31", built.OccurredTo);
    }

    [Fact]
    public void Add_sends_a_phrase_as_text_with_its_reference_and_a_bare_date_as_edtf()
    {
        var flags = new AddCommand.AddFlags();
        var command = new Command("add");
        flags.AddTo(command);

        var phrase = flags.Build(command.Parse(["--title", "UN warns", "--date", "on Saturday (14 October)", "--reference", "2023-10-16", "--tag", "mali"]), Today);
        Assert.Equal(new FuzzyDate { Text = "on Saturday (14 October)", Reference = "2023-10-16" }, phrase.Occurred);
        Assert.Equal(["mali"], phrase.Tags);

        var edtf = flags.Build(command.Parse(["--title", "Coup", "--date", "2020"]), Today);
        Assert.Equal(new FuzzyDate { Edtf = "2020" }, edtf.Occurred);

        var noReference = flags.Build(command.Parse(["--title", "x", "--date", "since late August"]), Today);
        Assert.Equal("2024-05-01", noReference.Occurred.Reference);
    }

    [Fact]
    public void Add_builds_a_deadline_effect_with_a_due_date_read_from_the_events_day()
    {
        var flags = new AddCommand.AddFlags();
        var command = new Command("add");
        flags.AddTo(command);

        var built = flags.Build(command.Parse([
            "--id", "unsc-2690", "--title", "Council ends the mandate", "--date", "2023-06-30",
            "--deadline", "minusma-withdrawal", "--effect", "set", "--due", "by 31 December",
            "--deadline-title", "Withdrawal complete", "--responsible", "UN Security Council",
            "--source", "UN", "--published", "2023-06-30", "--country", "mli", "--expected-revision", "0",
        ]), Today);

        Assert.Equal("unsc-2690", built.EventId);
        Assert.Equal(DeadlineEffectType.Set, built.Deadline.Effect);
        Assert.Equal(new FuzzyDate { Text = "by 31 December", Reference = "2023-06-30" }, built.Deadline.Due);
        Assert.Equal("UN Security Council", built.Deadline.Responsible);
        Assert.Equal("MLI", built.Location.Country);
        Assert.Equal("2023-06-30", built.Source.Published);
        Assert.Equal(0, built.ExpectedRevision);
    }

    [Fact]
    public void Effect_offers_the_seven_effects_and_not_unspecified()
    {
        var output = new StringWriter();
        var (root, _) = Build();

        root.Parse("add --help").Invoke(new InvocationConfiguration { Output = output });

        var help = output.ToString();
        Assert.DoesNotContain("nspecified", help, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("--effect <cancelled|extended|met|progress|reaffirmed|risk|set>", help, StringComparison.Ordinal);
        Assert.NotEmpty(root.Parse("add --title T --date 2020 --deadline d --effect unspecified").Errors);
        Assert.NotEmpty(root.Parse("add --title T --date 2020 --deadline d --effect Unspecified").Errors);
        Assert.Empty(root.Parse("add --title T --date 2020 --deadline d --effect met").Errors);
    }
}
