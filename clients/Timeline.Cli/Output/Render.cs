using Spectre.Console;
using Spectre.Console.Rendering;
using Timeline.Storage.V1;
using Timeline.V1;

namespace Timeline.Cli.Output;

/// <summary>How the CLI shows dates, statuses and events to a person.</summary>
internal static class Render
{
    public const string UncertainMarker = "~";

    public const string UncertainLegend =
        "~  order uncertain: this entry's dates overlap a neighbour's, so it may have happened before or after it.";

    public static string State(DeadlineState state) => state switch
    {
        DeadlineState.OnTrack => "ON TRACK",
        DeadlineState.AtRisk => "AT RISK",
        DeadlineState.Met => "MET",
        DeadlineState.MetLate => "MET LATE",
        DeadlineState.Missed => "MISSED",
        DeadlineState.Cancelled => "CANCELLED",
        _ => "NO STATUS",
    };

    public static string StateColor(DeadlineState state) => state switch
    {
        DeadlineState.OnTrack => "deepskyblue1",
        DeadlineState.AtRisk => "yellow",
        DeadlineState.Met => "green",
        DeadlineState.MetLate => "olive",
        DeadlineState.Missed => "red",
        DeadlineState.Cancelled => "grey",
        _ => "default",
    };

    public static Markup StateMarkup(DeadlineState state) =>
        new($"[bold {StateColor(state)}]{Markup.Escape(State(state))}[/]");

    public static string Effect(DeadlineEffectType effect) => effect switch
    {
        DeadlineEffectType.Set => "set",
        DeadlineEffectType.Reaffirmed => "reaffirmed",
        DeadlineEffectType.Risk => "risk",
        DeadlineEffectType.Progress => "progress",
        DeadlineEffectType.Extended => "extended",
        DeadlineEffectType.Met => "met",
        DeadlineEffectType.Cancelled => "cancelled",
        _ => "",
    };

    /// <summary>"late August 2023" when the service rendered it, else the EDTF, else the bounds.</summary>
    public static string Date(FuzzyDate? date)
    {
        if (date is null)
        {
            return "";
        }

        if (date.Display.Length > 0)
        {
            return date.Display;
        }

        if (date.Edtf.Length > 0)
        {
            return date.Edtf;
        }

        return Bounds(date);
    }

    /// <summary>"2023-08-21 .. 2023-08-31", or the one day when both bounds agree.</summary>
    public static string Bounds(FuzzyDate? date) =>
        date is null || date.Earliest.Length == 0 ? ""
        : date.Earliest == date.Latest ? date.Earliest
        : $"{date.Earliest} .. {date.Latest}";

    /// <summary>A domain date's bounds the same way, open ends as "..": "2023-08-21 .. 2023-08-31", ".. .. 2022-12-24".</summary>
    public static string Bounds(Timeline.Domain.Dates.FuzzyDate date) =>
        date.Earliest == date.Latest ? date.Earliest.ToString()
        : $"{(date.Earliest == Timeline.Domain.Dates.CalendarDay.MinValue ? ".." : date.Earliest.ToString())} .. {(date.Latest == Timeline.Domain.Dates.CalendarDay.MaxValue ? ".." : date.Latest.ToString())}";

    /// <summary>The day a due date falls due: its latest day.</summary>
    public static string Due(FuzzyDate? due) => due is null ? "" : due.Latest.Length > 0 ? due.Latest : Date(due);

    public static string DaysRemaining(DeadlineStatus status) => status.State switch
    {
        DeadlineState.Met or DeadlineState.MetLate or DeadlineState.Cancelled => "",
        _ when status.DaysRemaining >= 0 => $"{Counts.Of(status.DaysRemaining, "day")} remaining",
        _ => $"{Counts.Of(-(long)status.DaysRemaining, "day")} overdue",
    };

    /// <summary>The first reason, as a person reads it: "UN warns ... (risk, 14 Oct 2023)".</summary>
    public static string Reason(DeadlineReason reason)
    {
        var detail = string.Join(", ", new[] { Effect(reason.Effect), Date(reason.Occurred) }.Where(s => s.Length > 0));
        var text = detail.Length > 0 ? $"{reason.Title} ({detail})" : reason.Title;
        return reason.Explanation.Length > 0 ? $"{text}: {reason.Explanation}" : text;
    }

    /// <summary>One line for a status: "AT RISK  due 2023-12-31, 76 days remaining".</summary>
    public static string StatusLine(DeadlineStatus status)
    {
        var parts = new List<string> { State(status.State) };
        if (status.Due is not null)
        {
            parts.Add($"due {Due(status.Due)}");
        }

        var days = DaysRemaining(status);
        if (days.Length > 0)
        {
            parts.Add(days);
        }

        return string.Join(", ", parts);
    }

    public static Table TimelineTable(IReadOnlyList<TimelineEntry> entries)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn(new TableColumn("").Centered())
            .AddColumn("When")
            .AddColumn("What happened")
            .AddColumn("Deadline")
            .AddColumn("Tags");
        foreach (var entry in entries)
        {
            var e = entry.Event;
            var deadline = e.Deadline is { } d ? $"{Effect(d.Effect)} {d.DeadlineId}" : "";
            table.AddRow(
                new Text(entry.OrderUncertain ? UncertainMarker : ""),
                new Text(entry.DisplayDate.Length > 0 ? entry.DisplayDate : Date(e.Occurred)),
                new Text(e.Title),
                new Text(deadline),
                new Text(string.Join(", ", e.Tags)));
        }

        return table;
    }

    public static Table DeadlinesTable(IEnumerable<DeadlineStatus> statuses, bool showAsOf)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn(showAsOf ? "As of" : "Since")
            .AddColumn("Deadline")
            .AddColumn("Status")
            .AddColumn("Due")
            .AddColumn("Days left", c => c.RightAligned())
            .AddColumn("Why");
        foreach (var s in statuses)
        {
            table.AddRow(
                new Text(showAsOf ? s.AsOf : s.Since),
                new Text(s.Title.Length > 0 ? $"{s.Title}\n({s.DeadlineId})" : s.DeadlineId),
                StateMarkup(s.State),
                new Text(Due(s.Due)),
                new Text(s.State is DeadlineState.Met or DeadlineState.MetLate or DeadlineState.Cancelled ? "" : s.DaysRemaining.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new Text(s.Reasons.Count > 0 ? Reason(s.Reasons[0]) : ""));
        }

        return table;
    }

    public static Table HistoryTable(IEnumerable<EventRecord> revisions)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("Rev", c => c.RightAligned())
            .AddColumn("Position", c => c.RightAligned())
            .AddColumn("Recorded at (UTC)")
            .AddColumn("Recorded by")
            .AddColumn("When")
            .AddColumn("Title")
            .AddColumn("Deadline");
        foreach (var r in revisions)
        {
            var title = r.Retracted ? $"{r.Title} (retracted)" : r.Title;
            table.AddRow(
                new Text(r.Revision.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new Text(r.Position.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new Text(r.RecordedAt?.ToDateTimeOffset().ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture) ?? ""),
                new Text(r.RecordedBy),
                new Text($"{Date(r.Occurred)}\n{Bounds(r.Occurred)}"),
                new Text(title),
                new Text(r.Deadline is { } d ? $"{Effect(d.Effect)} {d.DeadlineId}" : ""));
        }

        return table;
    }

    /// <summary>Import outcome counts: new events, identical re-imports, corrections.</summary>
    public static (int Stored, int Unchanged, int Revised) Count(IEnumerable<AppendResult> results)
    {
        int stored = 0, unchanged = 0, revised = 0;
        foreach (var r in results)
        {
            if (r.NoOp)
            {
                unchanged++;
            }
            else if (r.Revision > 1)
            {
                revised++;
            }
            else
            {
                stored++;
            }
        }

        return (stored, unchanged, revised);
    }

    public static IRenderable Legend() => new Text(UncertainLegend);
}
