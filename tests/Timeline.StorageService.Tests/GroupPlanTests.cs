using Timeline.Domain.Validation;
using Timeline.StorageService.Storage;
using Timeline.V1;

namespace Timeline.StorageService.Tests;

/// <summary>
/// A group commit is decided in memory before anything is written (<see cref="GroupPlan"/>, both
/// backends): each batch sees what the earlier batches of the same commit staged, a refused batch
/// is dropped alone without taking a position, and the rows it hands the writer (current view,
/// tags, actors) are the ones the per-row writer used to write. The service-level tests cannot
/// choose which batches share a commit; these build the group themselves.
/// </summary>
public sealed class GroupPlanTests
{
    private static readonly NewEventValidator Validator = new(new EventLimits());

    [Fact]
    public void Batches_of_one_commit_see_each_others_revisions_and_a_refused_one_takes_no_position()
    {
        var stored = new Dictionary<string, LatestRevision>(StringComparer.Ordinal)
        {
            ["old"] = Stored(Valid(Events.Dated("old", "2020")), position: 40, revision: 3, deadline: "d-old"),
        };

        var first = Pending(Events.Dated("a", "2023-10-14", "first a"), Events.Dated("b", "2023-10-15"));
        var second = Pending(Expecting(Events.Dated("a", "2023-10-16", "second a"), 1));
        var refused = Pending(Events.Dated("c", "2023-10-17"), Expecting(Events.Dated("a", "2023-10-18", "stale"), 1));
        var third = Pending(
            Events.Dated("b", "2023-10-15"), // identical to the first batch's: a no-op answering it
            new NewEvent { EventId = "a", Retracted = true }, // a bare retraction: the second batch's content, retracted
            Events.Dated("old", "2021"));
        var plan = GroupPlan.Decide([first, second, refused, third], stored, new LogPosition(100), recordedAt: 5);

        Assert.Equal(
            [("a", 1L, 101L), ("b", 1L, 102L), ("a", 2L, 103L), ("a", 3L, 104L), ("old", 4L, 105L)],
            plan.Revisions.Select(r => (r.EventId, r.Revision.Value, r.Position.Value)));
        Assert.Equal(new LogPosition(105), plan.Head);
        Assert.Equal(plan.Revisions.Select(r => r.Position.Value), plan.Committed.Select(c => c.Position));

        Assert.Equal(4, plan.Outcomes.Count);
        Assert.Null(plan.Outcomes[2].Results);
        var problem = Assert.IsType<ProblemException>(plan.Outcomes[2].Error);
        Assert.Equal("REVISION_MISMATCH", problem.Reason);
        var noOp = plan.Outcomes[3].Results![0];
        Assert.True(noOp.NoOp);
        Assert.Equal((1L, 102L), (noOp.Revision.Value, noOp.Position.Value));

        // Each answer carries its revision as committed; the no-op, the one it found (here staged by the first batch).
        Assert.Equal(plan.Committed[1].Committed, noOp.Record);
        var answered = plan.Outcomes.Where(o => o.Results is not null).SelectMany(o => o.Results!).Where(r => !r.NoOp).Select(r => r.Record);
        Assert.Equal(plan.Committed.Select(c => c.Committed), answered);
        Assert.All(answered, r => Assert.Equal(5L * 10, r.RecordedAt.ToDateTimeOffset().Ticks - DateTimeOffset.UnixEpoch.Ticks));

        var tombstone = plan.Revisions[3].Record;
        Assert.True(tombstone.Retracted);
        Assert.Equal("second a", tombstone.Title);

        // The view gets each event's last revision once, and knows which events it holds already.
        Assert.Equal(
            [("a", 104L, false), ("b", 102L, false), ("old", 105L, true)],
            plan.CurrentRows().Select(c => (c.Revision.EventId, c.Revision.Position.Value, c.InView)));
        Assert.Equal("d-old", plan.PreviousDeadlines[105]);
        Assert.Single(plan.PreviousDeadlines);
    }

    [Fact]
    public void A_group_with_only_no_ops_and_refusals_writes_nothing_and_keeps_the_head()
    {
        var known = Valid(Events.Dated("k", "2023"));
        var stored = new Dictionary<string, LatestRevision>(StringComparer.Ordinal) { ["k"] = Stored(known, position: 7, revision: 1) };
        var plan = GroupPlan.Decide(
            [Pending(Events.Dated("k", "2023")), Pending(new NewEvent { EventId = "missing", Retracted = true })],
            stored,
            new LogPosition(7),
            recordedAt: 5);

        Assert.Empty(plan.Revisions);
        Assert.Empty(plan.CurrentRows());
        Assert.Equal(new LogPosition(7), plan.Head);
        Assert.True(plan.Outcomes[0].Results![0].NoOp);
        Assert.Equal("EVENT_NOT_FOUND", Assert.IsType<ProblemException>(plan.Outcomes[1].Error).Reason);
    }

    [Fact]
    public void Tag_and_actor_rows_come_in_key_order_with_each_actor_once_per_revision()
    {
        var one = Events.Dated("one", "2023", "one", "zeta", "alpha");
        one.Actors.AddRange(["Mali", "ECOWAS"]);
        var two = Events.Dated("two", "2023", "two", "alpha");
        two.Actors.Add("Mali");
        var plan = GroupPlan.Decide([Pending(one, two)], new Dictionary<string, LatestRevision>(), new LogPosition(0), recordedAt: 5);

        Assert.Equal([("alpha", 1L), ("alpha", 2L), ("zeta", 1L)], plan.TagRows());
        Assert.Equal([("ECOWAS", 1L), ("Mali", 1L), ("Mali", 2L)], plan.ActorRows());

        // A tombstone's content comes from a stored body: a body with an actor twice still gives one row.
        var doubled = Valid(Events.Dated("doubled", "2023"));
        doubled.Actors.AddRange(["Mali", "Mali"]);
        var stored = new Dictionary<string, LatestRevision>(StringComparer.Ordinal) { ["doubled"] = Stored(doubled, position: 1, revision: 1) };
        var retraction = GroupPlan.Decide([Pending(new NewEvent { EventId = "doubled", Retracted = true })], stored, new LogPosition(1), recordedAt: 5);
        Assert.Equal([("Mali", 2L)], retraction.ActorRows());
    }

    private static PendingAppend Pending(params NewEvent[] events) => new([.. events.Select(Valid)], "test");

    private static NewEvent Expecting(NewEvent e, long revision)
    {
        e.ExpectedRevision = revision;
        return e;
    }

    /// <summary>The event as the service queues it: validated and normalized (a bare retraction as it is).</summary>
    private static NewEvent Valid(NewEvent e)
    {
        if (e.Retracted && e.Occurred is null)
        {
            return e;
        }

        var violations = new List<FieldViolation>();
        var normalized = Validator.Normalize(e, "events[0]", violations);
        Assert.Empty(violations);
        return normalized!;
    }

    private static LatestRevision Stored(NewEvent e, long position, long revision, string? deadline = null)
    {
        var body = RevisionBody.Serialize(RevisionBody.FromNewEvent(e));
        return new LatestRevision(new LogPosition(position), new EventRevision(revision), Retracted: false, body, deadline, RecordedAt: 1, RecordedBy: "earlier");
    }
}
