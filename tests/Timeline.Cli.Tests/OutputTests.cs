using Google.Protobuf;
using Google.Rpc;
using Grpc.Core;
using Timeline.Cli.Commands;
using Timeline.Cli.Infrastructure;
using Timeline.Cli.Output;
using Timeline.Storage.V1;
using Timeline.V1;

namespace Timeline.Cli.Tests;

public sealed class OutputTests
{
    private static DeadlineStatus AtRisk() => new()
    {
        DeadlineId = "minusma-withdrawal",
        Title = "MINUSMA withdrawal from Mali complete",
        State = DeadlineState.AtRisk,
        Due = new FuzzyDate { Edtf = "2023-12-31", Earliest = "2023-12-31", Latest = "2023-12-31", Display = "Sun 31 Dec 2023" },
        DaysRemaining = 76,
        AsOf = "2023-10-16",
        Since = "2023-10-14",
        Reasons =
        {
            new DeadlineReason
            {
                EventId = "un-2023-10-14-warning",
                Effect = DeadlineEffectType.Risk,
                Title = "UN warns",
                Occurred = new FuzzyDate { Display = "Sat 14 Oct 2023" },
                Explanation = "risk signal within the last 30 days",
            },
        },
    };

    [Fact]
    public void A_status_without_a_state_reads_no_status_not_unknown()
    {
        var status = AtRisk();
        status.State = DeadlineState.Unspecified;
        Assert.StartsWith("NO STATUS, due 2023-12-31", Render.StatusLine(status), StringComparison.Ordinal);
    }

    [Fact]
    public void A_status_reads_as_state_due_date_and_days_remaining()
    {
        Assert.Equal("AT RISK, due 2023-12-31, 76 days remaining", Render.StatusLine(AtRisk()));
        Assert.Equal("UN warns (risk, Sat 14 Oct 2023): risk signal within the last 30 days", Render.Reason(AtRisk().Reasons[0]));

        var met = AtRisk();
        met.State = DeadlineState.Met;
        Assert.Equal("MET, due 2023-12-31", Render.StatusLine(met));

        var missed = AtRisk();
        missed.State = DeadlineState.Missed;
        missed.DaysRemaining = -3;
        Assert.Equal("MISSED, due 2023-12-31, 3 days overdue", Render.StatusLine(missed));

        missed.DaysRemaining = -1;
        Assert.Equal("MISSED, due 2023-12-31, 1 day overdue", Render.StatusLine(missed));
        var last = AtRisk();
        last.DaysRemaining = 1;
        Assert.Equal("AT RISK, due 2023-12-31, 1 day remaining", Render.StatusLine(last));
    }

    [Fact]
    public void A_watch_update_names_the_day_the_deadline_and_the_reason()
    {
        var output = new StringWriter();
        var context = CliContext.ForWriters(output, TextWriter.Null);

        WatchCommand.PrintUpdate(context.Console, new WatchDeadlinesResponse { Status = AtRisk() });

        Assert.Equal(
            "[2023-10-16] minusma-withdrawal  AT RISK, due 2023-12-31, 76 days remaining - UN warns (risk, Sat 14 Oct 2023): risk signal within the last 30 days",
            output.ToString().TrimEnd());
    }

    [Fact]
    public void The_timeline_table_marks_uncertain_order_and_explains_the_mark()
    {
        var output = new StringWriter();
        var context = CliContext.ForWriters(output, TextWriter.Null);
        var entries = new[]
        {
            Entry("2020", "Military junta takes power in Mali", uncertain: false),
            Entry("late August 2023", "Rival armed groups contest territory", uncertain: true),
        };

        TimelineOutput.Print(context, entries);

        var lines = output.ToString().Split('\n');
        Assert.Contains(lines, l => l.Contains("2020", StringComparison.Ordinal) && l.Contains("Military junta", StringComparison.Ordinal) && !l.Contains('~', StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("~", StringComparison.Ordinal) && l.Contains("late August 2023", StringComparison.Ordinal));
        Assert.Contains(Render.UncertainLegend, output.ToString(), StringComparison.Ordinal);
        Assert.True(output.ToString().IndexOf("Military junta", StringComparison.Ordinal) < output.ToString().IndexOf("Rival armed", StringComparison.Ordinal));
    }

    [Fact]
    public void Json_output_is_the_protobuf_json_mapping_on_one_line()
    {
        var output = new StringWriter();

        JsonOutput.WriteLine(output, new ListDeadlinesResponse { Deadlines = { AtRisk() } });

        var line = Assert.Single(output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("\"deadlineId\": \"minusma-withdrawal\"", line, StringComparison.Ordinal);
        Assert.Contains("\"state\": \"DEADLINE_STATE_AT_RISK\"", line, StringComparison.Ordinal);
        Assert.Equal(new ListDeadlinesResponse { Deadlines = { AtRisk() } }, JsonParser.Default.Parse<ListDeadlinesResponse>(line));
    }

    [Fact]
    public void Import_counts_new_unchanged_and_revised_events()
    {
        var results = new[]
        {
            new AppendResult { EventId = "a", Revision = 1, Position = 1 },
            new AppendResult { EventId = "b", Revision = 1, Position = 2, NoOp = true },
            new AppendResult { EventId = "c", Revision = 2, Position = 3 },
        };

        Assert.Equal((1, 1, 1), Render.Count(results));
    }

    [Fact]
    public async Task A_refused_request_prints_each_field_violation_on_stderr_and_exits_non_zero()
    {
        var error = new StringWriter();
        var context = CliContext.ForWriters(TextWriter.Null, error);
        var status = new Google.Rpc.Status { Code = (int)Code.InvalidArgument, Message = "1 field refused" };
        status.Details.Add(Google.Protobuf.WellKnownTypes.Any.Pack(new BadRequest
        {
            FieldViolations = { new BadRequest.Types.FieldViolation { Field = "events[0].occurred.text", Description = "cannot read 'soonish'" } },
        }));
        status.Details.Add(Google.Protobuf.WellKnownTypes.Any.Pack(new ErrorInfo { Reason = "UNRESOLVABLE_DATE", Domain = "timeline.storage" }));

        var exit = await CommandRunner.RunAsync(context, () => throw status.ToRpcException(), TestContext.Current.CancellationToken);

        Assert.Equal(1, exit);
        var text = error.ToString();
        Assert.Contains("error: 1 field refused (InvalidArgument)", text, StringComparison.Ordinal);
        Assert.Contains("  events[0].occurred.text: cannot read 'soonish'", text, StringComparison.Ordinal);
        Assert.Contains("UNRESOLVABLE_DATE", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(StatusCode.Cancelled)]
    [InlineData(StatusCode.Unavailable)]
    public async Task A_call_that_ends_because_the_person_stopped_the_command_is_a_clean_stop_not_an_error(StatusCode code)
    {
        var error = new StringWriter();
        var context = CliContext.ForWriters(TextWriter.Null, error);
        using var stop = new CancellationTokenSource();

        var exit = await CommandRunner.RunAsync(
            context,
            async () =>
            {
                await stop.CancelAsync();
                throw new RpcException(new Grpc.Core.Status(code, "Error reading next message. IOException: The request was aborted."));
            },
            stop.Token);

        Assert.Equal(0, exit);
        Assert.Equal("", error.ToString());
    }

    [Fact]
    public async Task The_same_failure_without_a_stop_is_reported()
    {
        var error = new StringWriter();
        var context = CliContext.ForWriters(TextWriter.Null, error);

        var exit = await CommandRunner.RunAsync(
            context,
            () => throw new RpcException(new Grpc.Core.Status(StatusCode.Unavailable, "Error reading next message. IOException: The request was aborted.")),
            TestContext.Current.CancellationToken);

        Assert.Equal(1, exit);
        Assert.StartsWith("error:", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_service_says_how_to_start_one()
    {
        var error = new StringWriter();
        var context = CliContext.ForWriters(TextWriter.Null, error);
        var root = CliApp.BuildRootCommand(context);

        // Port 9 (discard) on loopback: nothing listens there.
        var exit = await root.Parse("history x --storage http://127.0.0.1:9").InvokeAsync(cancellationToken: TestContext.Current.CancellationToken)
            .WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        Assert.Equal(1, exit);
        Assert.Contains("nothing is listening at http://127.0.0.1:9 (--storage), where the storage service was expected", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("timeline serve", error.ToString(), StringComparison.Ordinal);
    }

    private static TimelineEntry Entry(string display, string title, bool uncertain) =>
        new() { DisplayDate = display, OrderUncertain = uncertain, Event = new EventRecord { Title = title, Tags = { "mali" } } };
}
