namespace Timeline.Domain.Validation;

/// <summary>The canonical kinds of refusal; each maps to one gRPC status code.</summary>
public enum ProblemKind
{
    InvalidArgument,
    OutOfRange,
    NotFound,
    FailedPrecondition,
    ResourceExhausted,
    Unavailable,
}

/// <summary>One field that was refused and why, e.g. <c>events[2].occurred.text</c>.</summary>
public sealed record FieldViolation(string Field, string Description)
{
    /// <summary>The <c>ErrorInfo</c> reason this violation calls for, when the check that found it names one.</summary>
    public string? Reason { get; init; }
}

/// <summary>
/// A request the domain refuses. Thrown anywhere below a gRPC method and turned into a
/// <c>google.rpc.Status</c> (with <c>BadRequest</c> and <c>ErrorInfo</c>) in one interceptor.
/// </summary>
public sealed class ProblemException(ProblemKind kind, string reason, string message, IReadOnlyList<FieldViolation>? violations = null)
    : Exception(message)
{
    public ProblemKind Kind { get; } = kind;

    /// <summary>An UPPER_SNAKE_CASE reason for <c>ErrorInfo</c>, e.g. <c>UNRESOLVABLE_DATE</c>.</summary>
    public string Reason { get; } = reason;

    public IReadOnlyList<FieldViolation> Violations { get; } = violations ?? [];

    public static ProblemException Invalid(string field, string description, string reason = "INVALID_ARGUMENT") =>
        new(ProblemKind.InvalidArgument, reason, $"{field}: {description}", [new FieldViolation(field, description)]);

    public static ProblemException Invalid(IReadOnlyList<FieldViolation> violations, string reason = "INVALID_ARGUMENT") =>
        new(ProblemKind.InvalidArgument, reason, Summarize(violations), violations);

    private static string Summarize(IReadOnlyList<FieldViolation> violations) =>
        violations.Count switch
        {
            0 => "invalid request",
            1 => $"{violations[0].Field}: {violations[0].Description}",
            _ => $"{violations[0].Field}: {violations[0].Description} (and {violations.Count - 1} more)",
        };
}
