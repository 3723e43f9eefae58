namespace Timeline.Domain.Validation;

/// <summary>
/// Every input limit, explicit and configurable (section <c>Storage:Limits</c>). A request over
/// any of them is refused whole, naming the field.
/// </summary>
public sealed record EventLimits
{
    public int MaxBatchSize { get; init; } = 1_000;

    public int MaxEventIdLength { get; init; } = 128;

    public int MaxTitleLength { get; init; } = 500;

    public int MaxSummaryLength { get; init; } = 10_000;

    public int MaxShortTextLength { get; init; } = 200;

    public int MaxQuoteLength { get; init; } = 2_000;

    public int MaxUrlLength { get; init; } = 2_048;

    public int MaxDateTextLength { get; init; } = 200;

    public int MaxTags { get; init; } = 50;

    public int MaxActors { get; init; } = 100;

    public int MaxAttributes { get; init; } = 50;

    public int MaxAttributeValueLength { get; init; } = 1_000;

    public int DefaultPageSize { get; init; } = 100;

    public int MaxPageSize { get; init; } = 1_000;

    public int MaxFilterValues { get; init; } = 100;

    /// <summary>The page sizes these limits allow, as the one AIP-158 rule applies them.</summary>
    public PageSizePolicy PageSizes => new(DefaultPageSize, MaxPageSize);

    /// <summary>What makes these limits unusable (a limit below 1), each naming the setting under <paramref name="section"/>.</summary>
    public IEnumerable<string> Problems(string section)
    {
        (string Name, int Value)[] limits =
        [
            (nameof(MaxBatchSize), MaxBatchSize), (nameof(MaxEventIdLength), MaxEventIdLength), (nameof(MaxTitleLength), MaxTitleLength),
            (nameof(MaxSummaryLength), MaxSummaryLength), (nameof(MaxShortTextLength), MaxShortTextLength), (nameof(MaxQuoteLength), MaxQuoteLength),
            (nameof(MaxUrlLength), MaxUrlLength), (nameof(MaxDateTextLength), MaxDateTextLength), (nameof(MaxTags), MaxTags),
            (nameof(MaxActors), MaxActors), (nameof(MaxAttributes), MaxAttributes), (nameof(MaxAttributeValueLength), MaxAttributeValueLength),
            (nameof(DefaultPageSize), DefaultPageSize), (nameof(MaxPageSize), MaxPageSize), (nameof(MaxFilterValues), MaxFilterValues),
        ];
        foreach (var (name, value) in limits.Where(l => l.Value < 1))
        {
            yield return $"{section}:{name} must be at least 1 (got {value})";
        }
    }
}
