using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Google.Protobuf;
using Microsoft.Data.Sqlite;
using Timeline.Domain.Events;
using Timeline.Domain.Validation;
using Timeline.StorageService.Storage;
using Timeline.StorageService.Storage.Sqlite;
using Timeline.V1;

namespace Timeline.StorageService.Tests;

/// <summary>One current event: its interval of days, whether it is a tombstone (never listed), its append order.</summary>
public sealed record StoredEvent(int Earliest, int Latest, bool Retracted)
{
    public override string ToString() => $"[{Earliest - SpanArbitraries.Center}+{Latest - Earliest}{(Retracted ? " retracted" : "")}]";
}

/// <summary>An occurred range (either end may be open) and a page size.</summary>
public sealed record RangeQuery(int? From, int? To, int PageSize)
{
    public override string ToString() => $"from {From - SpanArbitraries.Center} to {To - SpanArbitraries.Center}, pages of {PageSize}";
}

/// <summary>
/// Events crowded around one day with widths at and next to every class boundary (and open
/// ends), queries around the same day: a key that is off by one day or one class shows up.
/// </summary>
public static class SpanArbitraries
{
    public static readonly int Center = new DateOnly(2023, 8, 10).DayNumber;

    private static readonly int[] Boundaries = [0, 7, 26, 27, 28, 29, 30, 31, 363, 364, 365, 366, 3660, 36600];

    /// <summary>
    /// Events that end (or start) within three weeks of <see cref="Center"/>, with widths at and
    /// next to each class boundary half of the time: an event as wide as its class allows that
    /// ends on occurred_from (the first its class's key must not skip) turns up every few cases.
    /// </summary>
    public static Arbitrary<StoredEvent> Events()
    {
        var atBoundary = from boundary in Gen.Elements(Boundaries)
                         from offset in Gen.Choose(-1, 1)
                         select Math.Max(0, boundary + offset);
        var width = Gen.Frequency(
            (4, atBoundary),
            (2, Gen.Choose(0, 60)),
            (2, Gen.Choose(0, 40_000)));
        var ending = from end in Gen.Choose(-20, 20)
                     from w in width
                     select (Center + end - w, Center + end);
        var starting = from start in Gen.Choose(-20, 20)
                       from w in width
                       select (Center + start, Center + start + w);
        var openStart = from end in Gen.Choose(-20, 20) select (Timeline.Domain.Dates.CalendarDay.MinValue.DayNumber, Center + end);
        var openEnd = from start in Gen.Choose(-20, 20) select (Center + start, Timeline.Domain.Dates.CalendarDay.MaxValue.DayNumber);
        return (from interval in Gen.Frequency((8, ending), (4, starting), (1, openStart), (1, openEnd))
                from retracted in Gen.Frequency((9, Gen.Constant(false)), (1, Gen.Constant(true)))
                select new StoredEvent(interval.Item1, interval.Item2, retracted))
            .ToArbitrary();
    }

    public static Arbitrary<RangeQuery> Queries() =>
        (from start in Gen.Frequency((4, Gen.Choose(-20, 20).Select(d => (int?)(Center + d))), (1, Gen.Constant((int?)null)))
         from length in Gen.Frequency((3, Gen.Choose(0, 40).Select(d => (int?)d)), (1, Gen.Constant((int?)null)))
         from pageSize in Gen.Choose(1, 7)
         select new RangeQuery(start, length is { } l ? (start ?? Center - 20) + l : null, pageSize))
        .ToArbitrary();
}

/// <summary>
/// <see cref="SqliteSql.ListCurrent"/> through <see cref="SqliteListStatement"/>, on an in-memory database
/// migrated like the service's: page by page it returns exactly the events that overlap the range,
/// in chronological order, whatever their widths and wherever a page ends.
/// </summary>
[Properties(Arbitrary = [typeof(SpanArbitraries)], MaxTest = 1000)]
public sealed class SpanClassProperties
{
    [Property]
    public bool Paging_returns_exactly_the_overlapping_events_in_chronological_order(StoredEvent[] events, RangeQuery query)
    {
        using var statement = new SqliteListStatement(Database(events));
        var filter = SqliteFilter.Bind(EventCriteria.Check(
            new EventFilter
            {
                OccurredFrom = query.From is { } f ? FormatDay(f) : "",
                OccurredTo = query.To is { } t ? FormatDay(t) : "",
            },
            new EventLimits()));
        var listed = new List<long>();
        ChronologicalKey? after = null;
        int? announced = null;
        do
        {
            var (page, last, nextEarliest) = statement.ReadAsync(filter, after, query.PageSize, CancellationToken.None).GetAwaiter().GetResult();
            if (page.Count > query.PageSize || listed.Count > events.Length)
            {
                return false;
            }

            // Each page says where the next one starts: the first day of its first event.
            if ((announced is { } start && events[(int)page[0].Position - 1].Earliest != start) || (last is null) != (nextEarliest is null))
            {
                return false;
            }

            announced = nextEarliest;

            listed.AddRange(page.Select(e => e.Position));
            after = last;
        }
        while (after is not null);

        var expected = events
            .Select((e, i) => (Event: e, Position: i + 1L))
            .Where(x => !x.Event.Retracted)
            .Where(x => query.From is not { } from || x.Event.Latest >= from)
            .Where(x => query.To is not { } to || x.Event.Earliest <= to)
            .OrderBy(x => x.Event.Earliest).ThenBy(x => x.Event.Latest).ThenBy(x => x.Position)
            .Select(x => x.Position);
        return expected.SequenceEqual(listed);
    }

    [Fact]
    public void Every_arm_seeks_the_span_index_and_the_arms_are_merged_without_a_sort()
    {
        using var connection = Database([]);
        using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + SqliteSql.ListCurrent;
        using var reader = command.ExecuteReader();
        var plan = new List<string>();
        while (reader.Read())
        {
            plan.Add(reader.GetString(3));
        }

        // Each arm reads the index alone (the table only for the events it does not pass over).
        Assert.Equal(SpanClasses.Count, plan.Count(line => line == "SEARCH i USING COVERING INDEX current_events_span (<expr>=? AND (earliest,latest,position)>(?,?,?) AND earliest<?)"));
        Assert.Equal(SpanClasses.Count, plan.Count(line => line == "SEARCH e USING PRIMARY KEY (event_id=?)"));
        Assert.Equal(2 * SpanClasses.Count, plan.Count(line => line.StartsWith("SEARCH i ", StringComparison.Ordinal) || line.StartsWith("SEARCH e ", StringComparison.Ordinal)));
        Assert.Equal(SpanClasses.Count - 1, plan.Count(line => line == "MERGE (UNION ALL)"));
        Assert.DoesNotContain(plan, line => line.Contains("TEMP B-TREE", StringComparison.Ordinal));
        Assert.Contains("SEARCH r USING INTEGER PRIMARY KEY (rowid=?)", plan);
    }

    private static string FormatDay(int day) => Timeline.Domain.Dates.FuzzyDateProto.FormatDay(Timeline.Domain.Dates.CalendarDay.FromDayNumber(day));

    /// <summary>An in-memory database migrated like the service's, holding <paramref name="events"/> (positions 1, 2, …).</summary>
    private static SqliteConnection Database(StoredEvent[] events)
    {
        var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        foreach (var (_, _, sql) in SqliteSchema.Migrations)
        {
            SqliteStatements.Execute(connection, sql);
        }

        var body = new EventRecord { Title = "something happened" }.ToByteArray();
        for (var i = 0; i < events.Length; i++)
        {
            var e = events[i];
            var values = new Dictionary<string, object?>
            {
                ["EventId"] = $"e{i + 1}",
                ["Revision"] = 1,
                ["RecordedAt"] = i,
                ["RecordedBy"] = "test",
                ["Earliest"] = e.Earliest,
                ["Latest"] = e.Latest,
                ["Kind"] = "",
                ["Country"] = "",
                ["DeadlineId"] = null,
                ["Retracted"] = e.Retracted,
                ["Body"] = body,
            };
            values["Position"] = SqliteStatements.Execute(connection, SqliteSql.InsertRevision, values);
            SqliteStatements.Execute(connection, SqliteSql.UpsertCurrent, values);
        }

        return connection;
    }
}
