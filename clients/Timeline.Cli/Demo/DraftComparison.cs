using Timeline.Domain.Dates;
using Timeline.Extraction;
using Timeline.V1;
using FuzzyDate = Timeline.Domain.Dates.FuzzyDate;

namespace Timeline.Cli.Demo;

/// <summary>One hand-written event and the proposal that says the same thing (matched by the sample's verbatim quote), with what differs and why.</summary>
internal sealed record DraftMatch(NewEvent Sample, ProposedEvent? Proposal, IReadOnlyList<string> Differences);

/// <summary>Compares a draft with the hand-written events of the same report.</summary>
internal static class DraftComparison
{
    public static List<DraftMatch> Compare(IReadOnlyList<NewEvent> sample, Draft draft)
    {
        var matches = new List<DraftMatch>();
        foreach (var e in sample)
        {
            var quote = e.Source?.Quote ?? "";
            var proposal = quote.Length == 0 ? null : draft.Events.FirstOrDefault(p => p.Quote.Contains(quote, StringComparison.Ordinal) || (p.Summary?.Contains(quote, StringComparison.Ordinal) ?? false));
            matches.Add(new DraftMatch(e, proposal, proposal is null ? [Missing(e)] : Differences(e, proposal)));
        }

        return matches;
    }

    private static string Missing(NewEvent e) => e.Deadline?.Effect == DeadlineEffectType.Set
        ? $"not in the report: the {e.Source?.Name} of {e.Source?.Published} set the deadline, which the report never mentions; the draft proposes no SET"
        : "no proposal quotes this sentence";

    private static List<string> Differences(NewEvent e, ProposedEvent proposal)
    {
        var differences = new List<string>();
        var sampleDate = Read(e.Occurred);
        var draftDate = proposal.Occurred.Date;
        if (sampleDate is not null && (sampleDate.Earliest, sampleDate.Latest) != (draftDate.Earliest, draftDate.Latest))
        {
            differences.Add($"days: sample {Output.Render.Bounds(sampleDate)} (\"{e.Occurred.Text}{e.Occurred.Edtf}\"), draft {Output.Render.Bounds(draftDate)} (\"{proposal.Occurred.Written}\")");
        }
        else if (e.Occurred.Text.Length > 0 && !string.Equals(proposal.Occurred.Text, e.Occurred.Text, StringComparison.OrdinalIgnoreCase))
        {
            differences.Add($"same days, written differently: sample \"{e.Occurred.Text}\", draft \"{proposal.Occurred.Text ?? proposal.Occurred.Edtf}\" ({proposal.Reason})");
        }
        else if (proposal.Confidence != Confidence.High)
        {
            differences.Add($"same days; the draft is {proposal.Confidence.ToString().ToLowerInvariant()} on them: {proposal.Reason}");
        }

        var sampleEffect = e.Deadline?.Effect ?? DeadlineEffectType.Unspecified;
        var draftEffect = proposal.Deadline?.Effect ?? DeadlineEffectType.Unspecified;
        if (sampleEffect != draftEffect)
        {
            differences.Add($"deadline effect: sample {Word(sampleEffect)}, draft {Word(draftEffect)}");
        }

        return differences;
    }

    private static FuzzyDate? Read(Timeline.V1.FuzzyDate date)
    {
        try
        {
            return date.Edtf.Length > 0 ? Edtf.Parse(date.Edtf) : NewsDates.Resolve(date.Text, CalendarDay.Parse(date.Reference), ReadDirection.Past);
        }
        catch (FuzzyDateException)
        {
            return null;
        }
    }


    private static string Word(DeadlineEffectType effect) => effect == DeadlineEffectType.Unspecified ? "none" : Output.Render.Effect(effect).ToUpperInvariant();
}
