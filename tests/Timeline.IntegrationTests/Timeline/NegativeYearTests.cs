using Grpc.Core;
using Timeline.Storage.V1;
using Timeline.V1;

namespace Timeline.IntegrationTests.Timeline;

/// <summary>
/// An event in 44 BCE through both real services (issue 13 §4): stored with its contract days
/// (<c>-0044-03-15</c>), read back, listed before a year-1 event and shown in the timeline in order,
/// also from a list filtered to years before 1 CE and across pages. Dates past the calendar's ends
/// are INVALID_ARGUMENT naming the field (issue 14 item 2), and store nothing.
/// </summary>
public sealed class NegativeYearTests : IAsyncLifetime
{
    private TimelineSystem system = null!;

    public async ValueTask InitializeAsync()
    {
        system = await TimelineSystem.StartAsync(MaliReport.ReportDay);
        await system.Storage.AppendEventsAsync(new AppendEventsRequest
        {
            Events =
            {
                Event("year-one", new FuzzyDate { Edtf = "0001-01-01" }),
                Event("ides-of-march", new FuzzyDate { Edtf = "-0044-03-15" }),
                Event("one-bce", new FuzzyDate { Text = "in 1 BCE", Reference = "2023-10-16" }),
                Event("punic-war", new FuzzyDate { Text = "from 218 BC to 201 BC", Reference = "2023-10-16" }),
            },
        }).ResponseAsync.WaitAsync(Calls.Timeout);
    }

    public async ValueTask DisposeAsync() => await system.DisposeAsync();

    private static NewEvent Event(string id, FuzzyDate occurred) => new() { EventId = id, Title = id, Occurred = occurred, Tags = { "antiquity" } };

    [Fact]
    public async Task A_bce_event_round_trips_and_sorts_before_year_one_in_lists_and_the_timeline()
    {
        var ides = await system.Storage.GetEventAsync(new GetEventRequest { EventId = "ides-of-march" }, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync.WaitAsync(Calls.Timeout, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(("-0044-03-15", "-0044-03-15", "-0044-03-15", "15 Mar 45 BCE"), (ides.Event.Occurred.Edtf, ides.Event.Occurred.Earliest, ides.Event.Occurred.Latest, ides.Event.Occurred.Display));

        var punic = await system.Storage.GetEventAsync(new GetEventRequest { EventId = "punic-war" }, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync.WaitAsync(Calls.Timeout, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(("-0217-01-01", "-0200-12-31"), (punic.Event.Occurred.Earliest, punic.Event.Occurred.Latest));

        var list = await system.Storage.ListEventsAsync(new ListEventsRequest { Filter = new EventFilter { Tags = { "antiquity" } } }, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync.WaitAsync(Calls.Timeout, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(["punic-war", "ides-of-march", "one-bce", "year-one"], list.Events.Select(e => e.EventId));

        var before = await system.Storage.ListEventsAsync(new ListEventsRequest { Filter = new EventFilter { OccurredFrom = "-0100-01-01", OccurredTo = "0000-12-31" } }, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync.WaitAsync(Calls.Timeout, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(["ides-of-march", "one-bce"], before.Events.Select(e => e.EventId));

        var timeline = await system.Timeline.GetTimelineAsync(new GetTimelineRequest { Filter = new EventFilter { Tags = { "antiquity" } } }, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync.WaitAsync(Calls.Timeout, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(["punic-war", "ides-of-march", "one-bce", "year-one"], timeline.Entries.Select(e => e.Event.EventId));
        Assert.Equal("15 Mar 45 BCE", timeline.Entries[1].DisplayDate);

        var paged = new List<string>();
        var request = new GetTimelineRequest { Filter = new EventFilter { Tags = { "antiquity" } }, PageSize = 1 };
        do
        {
            var page = await system.Timeline.GetTimelineAsync(request, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync.WaitAsync(Calls.Timeout, cancellationToken: TestContext.Current.CancellationToken);
            paged.AddRange(page.Entries.Select(e => e.Event.EventId));
            request.PageToken = page.NextPageToken;
        }
        while (request.PageToken.Length > 0);

        Assert.Equal(["punic-war", "ides-of-march", "one-bce", "year-one"], paged);
    }

    [Theory]
    [InlineData("occurred", "next month", "9999-12-31", "events[0].occurred.text")]
    [InlineData("occurred", "yesterday", "-9999-01-01", "events[0].occurred.text")]
    [InlineData("occurred", "99999999 days ago", "2023-10-16", "events[0].occurred.text")]
    [InlineData("due", "next month", "9999-12-31", "events[0].deadline.due.text")]
    [InlineData("published", "tomorrow", "9999-12-31", "events[0].deadline.due.text")]
    [InlineData("edtf", "9999-24", "", "events[0].occurred.edtf")]
    public async Task Dates_past_the_ends_of_the_calendar_are_invalid_argument_naming_the_field(string where, string text, string reference, string field)
    {
        var e = new NewEvent { EventId = "edge", Title = "edge", Occurred = new FuzzyDate { Edtf = "2023-10-16" } };
        switch (where)
        {
            case "occurred":
                e.Occurred = new FuzzyDate { Text = text, Reference = reference };
                break;
            case "edtf":
                e.Occurred = new FuzzyDate { Edtf = text };
                break;
            default:
                e.Deadline = new DeadlineEffect { DeadlineId = "edge", Effect = DeadlineEffectType.Set, Title = "edge", Due = new FuzzyDate { Text = text, Reference = where == "due" ? reference : "" } };
                e.Source = where == "published" ? new Source { Name = "wire", Published = reference } : null;
                break;
        }

        var status = await Calls.FailsWith(StatusCode.InvalidArgument, () => system.Storage.AppendEventsAsync(new AppendEventsRequest { Events = { e } }).ResponseAsync);

        Assert.Equal([field], status.ViolatedFields());
        Assert.Contains($"'{text}'", status.Message, StringComparison.Ordinal);
        await Calls.FailsWith(StatusCode.NotFound, () => system.Storage.GetEventAsync(new GetEventRequest { EventId = "edge" }).ResponseAsync);
    }
}
