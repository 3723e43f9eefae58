using Timeline.Domain.Dates;
using Timeline.Extraction;
using Timeline.Storage.V1;
using Timeline.V1;
using FuzzyDate = Timeline.V1.FuzzyDate;

namespace Timeline.Cli.Extract;

/// <summary>Where the draft says its events come from.</summary>
internal sealed record DraftSource(string Name, string? Url);

/// <summary>
/// A draft as the events `timeline import` reads (docs/event-format.md): dates as the text wrote
/// them with the publication date as their reference, so the storage service reads them exactly as
/// the draft shows; the sentence as the quote; how sure each proposal is and why, and the words
/// that triggered its deadline effect, as attributes (<c>extract.*</c>).
/// </summary>
internal static class DraftEvents
{
    public const string ConfidenceAttribute = "extract.confidence";
    public const string ReasonAttribute = "extract.reason";
    public const string TriggersAttribute = "extract.triggers";
    public const string WrittenAttribute = "extract.date_written";

    private const int ShortText = 200;

    public static AppendEventsRequest Request(Draft draft, DraftSource source)
    {
        var request = new AppendEventsRequest();
        request.Events.AddRange(draft.Events.Select(e => Event(draft, e, source)));
        return request;
    }

    public static NewEvent Event(Draft draft, ProposedEvent proposed, DraftSource source)
    {
        var published = draft.Published.ToString();
        var e = new NewEvent
        {
            EventId = proposed.Id,
            Title = proposed.Title,
            Occurred = Shown(proposed.Occurred.Date, proposed.Occurred.Text, proposed.Occurred.Edtf, published),
            Summary = proposed.Summary ?? "",
            Kind = proposed.Kind,
            Source = new Source { Name = Cut(source.Name), Url = source.Url ?? "", Published = published, Quote = Cut(proposed.Quote, 2_000) },
        };
        e.Actors.AddRange(proposed.Actors.Select(a => Cut(a)));
        e.Tags.AddRange(proposed.Tags);
        if (proposed.Country is not null || proposed.Place is not null)
        {
            e.Location = new Location { Country = proposed.Country ?? "", Name = Cut(proposed.Place ?? "") };
        }

        if (proposed.Deadline is { } effect)
        {
            var deadline = new DeadlineEffect { DeadlineId = effect.DeadlineId, Effect = effect.Effect, Title = Cut(effect.Title ?? ""), Responsible = Cut(effect.Responsible ?? "") };
            if (effect.DueText is { } due && effect.Due is { } reading)
            {
                deadline.Due = Shown(reading, due, null, published);
            }

            e.Deadline = deadline;
            e.Attributes[TriggersAttribute] = Cut(string.Join("; ", effect.Triggers), 1_000);
        }

        e.Attributes[ConfidenceAttribute] = proposed.Confidence.ToString().ToLowerInvariant();
        e.Attributes[ReasonAttribute] = Cut(proposed.Reason, 1_000);
        if (!string.Equals(proposed.Occurred.Written, proposed.Occurred.Text, StringComparison.Ordinal))
        {
            e.Attributes[WrittenAttribute] = Cut(proposed.Occurred.Written);
        }

        return e;
    }

    /// <summary>
    /// A date as the draft sends it (the phrase and its reference, or EDTF when the text gives no phrase) with what it
    /// was read as beside it: bounds, precision, EDTF and display, the fields the storage service fills in when it
    /// stores the date. The service reads the phrase again and ignores those output fields, so an edited phrase wins
    /// over bounds left stale, and import takes the draft as it is.
    /// </summary>
    internal static FuzzyDate Shown(Domain.Dates.FuzzyDate reading, string? text, string? edtf, string published)
    {
        var shown = reading.ToProto();
        shown.Text = text ?? "";
        shown.Reference = text is null ? "" : published;
        if (text is null && edtf is not null)
        {
            shown.Edtf = edtf;
        }

        return shown;
    }

    private static string Cut(string text, int max = ShortText) => text.Length <= max ? text : text[..(max - 1)] + "…";
}
