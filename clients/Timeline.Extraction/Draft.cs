using Timeline.Domain.Dates;
using Timeline.V1;
using FuzzyDate = Timeline.Domain.Dates.FuzzyDate;

namespace Timeline.Extraction;

/// <summary>How sure a proposal is: the date in the statement's own clause, taken from elsewhere in its sentence, or carried from another sentence.</summary>
public enum Confidence
{
    Low,
    Medium,
    High,
}

/// <summary>What a date found in the text is to its statement.</summary>
public enum DateRole
{
    /// <summary>When something happened: read back from the publication date.</summary>
    Occurred,

    /// <summary>When something is due: read forward from the publication date.</summary>
    Due,
}

/// <summary>A date phrase found in a sentence, its role, the reading that role takes, and why the role.</summary>
public sealed record FoundDate(int Sentence, DateSpan Span, DateRole Role, FuzzyDate Reading, string Why);

/// <summary>A date the reader refused, with its reason (the sentence is still reported).</summary>
public sealed record DateRefusal(int Sentence, string Text, string Reason);

/// <summary>
/// The date a proposed event takes. <see cref="Text"/> is the phrase sent to the storage service with the publication
/// date as its reference (it reads it exactly as here); <see cref="Edtf"/> is sent instead when the text gives no phrase
/// ("under way when written"). <see cref="Written"/> is what the statement's own sentence says ("on the same day").
/// </summary>
public sealed record ProposedDate(FuzzyDate Date, string? Text, string? Edtf, string Written);

/// <summary>The deadline effect a statement proposes, with the words that triggered it.</summary>
public sealed record ProposedEffect(string DeadlineId, DeadlineEffectType Effect, IReadOnlyList<string> Triggers)
{
    /// <summary>The due date the statement gives ("by 31 December"), read forward; null when it gives none.</summary>
    public FuzzyDate? Due { get; init; }

    public string? DueText { get; init; }

    /// <summary>For SET: what is promised and who answers for it.</summary>
    public string? Title { get; init; }

    public string? Responsible { get; init; }
}

/// <summary>One proposed event: one dated statement of the text.</summary>
public sealed record ProposedEvent(string Id, string Title, ProposedDate Occurred, string Quote)
{
    public string? Summary { get; init; }

    /// <summary>The sentences it comes from (1-based).</summary>
    public IReadOnlyList<int> Sentences { get; init; } = [];

    public IReadOnlyList<string> Actors { get; init; } = [];

    public IReadOnlyList<string> Tags { get; init; } = [];

    public string? Place { get; init; }

    public string? Country { get; init; }

    public string Kind { get; init; } = "";

    public ProposedEffect? Deadline { get; init; }

    public Confidence Confidence { get; init; }

    public string Reason { get; init; } = "";
}

/// <summary>A phrase of the text that gives the deadline's due date.</summary>
public sealed record DeadlineMention(int Sentence, string Text, FuzzyDate Due, string Subject);

/// <summary>A deadline the text speaks of: its proposed id, what is due, when, and where the text says so.</summary>
public sealed record ProposedDeadline(string Id, string Title, FuzzyDate Due, string DueText, IReadOnlyList<DeadlineMention> Mentions)
{
    /// <summary>Whether a statement of the text sets it (effect SET); when not, its effects need a SET from elsewhere to show a status.</summary>
    public bool SetInText { get; init; }
}

/// <summary>What <see cref="DraftExtractor"/> proposes for one article.</summary>
public sealed record Draft(Article Article, CalendarDay Published)
{
    public IReadOnlyList<ProposedEvent> Events { get; init; } = [];

    public IReadOnlyList<ProposedDeadline> Deadlines { get; init; } = [];

    public IReadOnlyList<FoundDate> Dates { get; init; } = [];

    public IReadOnlyList<DateRefusal> Refused { get; init; } = [];

    /// <summary>Sentences with no date and nothing to date them by, which propose nothing.</summary>
    public IReadOnlyList<int> Undated { get; init; } = [];

    public IReadOnlyList<string> Notes { get; init; } = [];
}

/// <summary>What extraction needs besides the text.</summary>
public sealed record ExtractOptions(CalendarDay Published)
{
    /// <summary>The id for the text's deadline instead of one made from its words (e.g. one already set in the store); only when the text has one deadline.</summary>
    public string? DeadlineId { get; init; }
}
