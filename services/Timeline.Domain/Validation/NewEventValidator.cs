using Timeline.Domain.Dates;
using Timeline.V1;

namespace Timeline.Domain.Validation;

/// <summary>
/// Checks a writer's <see cref="NewEvent"/> and returns its normalized form: dates resolved to
/// bounds, tags lower-cased, sorted and deduplicated, country upper-cased. Every problem is
/// reported with the exact field path (<c>events[2].occurred.text</c>), all at once.
/// </summary>
public sealed class NewEventValidator(EventLimits limits)
{
    /// <summary>The <c>ErrorInfo</c> reason of a batch with a date that cannot be resolved (missing, unreadable, out of range).</summary>
    public const string UnresolvableDate = "UNRESOLVABLE_DATE";

    /// <summary>The <c>ErrorInfo</c> reason of a batch refused for anything else.</summary>
    public const string InvalidEvent = "INVALID_EVENT";

    public EventLimits Limits { get; } = limits;

    /// <summary>The reason a batch with these violations is refused: a date problem outranks the rest.</summary>
    public static string ReasonFor(IReadOnlyList<FieldViolation> violations) =>
        violations.Any(v => v.Reason == UnresolvableDate) ? UnresolvableDate : InvalidEvent;

    /// <summary>Validates one event; returns the normalized copy, or null when it has violations.</summary>
    public NewEvent? Normalize(NewEvent input, string path, List<FieldViolation> violations)
    {
        var before = violations.Count;
        var e = input.Clone();

        if (e.EventId.Length > 0)
        {
            CheckId(e.EventId, $"{path}.event_id", Limits.MaxEventIdLength, violations);
        }
        else if (e.Retracted)
        {
            violations.Add(new($"{path}.event_id", "required to retract an event"));
        }

        if (e.HasExpectedRevision && e.ExpectedRevision < 0)
        {
            violations.Add(new($"{path}.expected_revision", "must be 0 (must not exist yet) or a revision number"));
        }

        var tombstoneOnly = e.Retracted && e.Occurred is null && e.Title.Length == 0;
        if (!tombstoneOnly)
        {
            CheckRequiredText(e.Title, $"{path}.title", Limits.MaxTitleLength, violations);
            CheckText(e.Summary, $"{path}.summary", Limits.MaxSummaryLength, violations, allowNewlines: true);
            CheckText(e.Kind, $"{path}.kind", Limits.MaxShortTextLength, violations);
            NormalizeSource(e, path, violations);
            if (e.Occurred is null)
            {
                violations.Add(new($"{path}.occurred", "required: give edtf, or text with a reference date") { Reason = UnresolvableDate });
            }
            else
            {
                var fallback = e.Source?.Published;
                e.Occurred = ResolveDate(e.Occurred, $"{path}.occurred", ReadDirection.Past, fallback, violations);
            }

            NormalizeActors(e, path, violations);
            NormalizeTags(e, path, violations);
            NormalizeLocation(e, path, violations);
            NormalizeDeadline(e, path, violations);
            CheckAttributes(e, path, violations);
        }

        return violations.Count == before ? e : null;
    }

    /// <summary>
    /// Resolves a wire date from EDTF or from text read against a reference date; every violation it
    /// finds carries the reason <see cref="UnresolvableDate"/>.
    /// </summary>
    public Timeline.V1.FuzzyDate? ResolveDate(Timeline.V1.FuzzyDate date, string path, ReadDirection direction, string? fallbackReference, List<FieldViolation> violations)
    {
        var before = violations.Count;
        var resolved = Resolve(date, path, direction, fallbackReference, violations);
        for (var i = before; i < violations.Count; i++)
        {
            violations[i] = violations[i] with { Reason = UnresolvableDate };
        }

        return resolved;
    }

    private Timeline.V1.FuzzyDate? Resolve(Timeline.V1.FuzzyDate date, string path, ReadDirection direction, string? fallbackReference, List<FieldViolation> violations)
    {
        try
        {
            if (date.Text.Length > 0)
            {
                if (!CheckText(date.Text, $"{path}.text", Limits.MaxDateTextLength, violations))
                {
                    return null;
                }

                var referenceText = date.Reference.Length > 0 ? date.Reference : fallbackReference;
                if (string.IsNullOrEmpty(referenceText))
                {
                    violations.Add(new($"{path}.reference", "required with text: the date the text is read against, YYYY-MM-DD (or set source.published)"));
                    return null;
                }

                if (!FuzzyDateProto.TryParseDay(referenceText, out var reference))
                {
                    var field = date.Reference.Length > 0 ? $"{path}.reference" : $"{path}.reference (from source.published)";
                    violations.Add(new(field, $"'{Quote(referenceText)}' is not a date YYYY-MM-DD"));
                    return null;
                }

                return NewsDates.Resolve(date.Text, reference, direction).ToProto();
            }

            if (date.Edtf.Length > 0)
            {
                if (!CheckText(date.Edtf, $"{path}.edtf", Limits.MaxDateTextLength, violations))
                {
                    return null;
                }

                return Edtf.Parse(date.Edtf).ToProto();
            }

            violations.Add(new(path, "required: give edtf, or text with a reference date"));
            return null;
        }
        catch (FuzzyDateException ex)
        {
            var field = date.Text.Length > 0 ? $"{path}.text" : $"{path}.edtf";
            violations.Add(new(field, ex.Hint.Length == 0 ? ex.Message : $"{ex.Message}. {char.ToUpperInvariant(ex.Hint[0])}{ex.Hint[1..]}"));
            return null;
        }
    }

    private void NormalizeSource(NewEvent e, string path, List<FieldViolation> violations)
    {
        if (e.Source is not { } source)
        {
            return;
        }

        CheckText(source.Name, $"{path}.source.name", Limits.MaxShortTextLength, violations);
        CheckText(source.Quote, $"{path}.source.quote", Limits.MaxQuoteLength, violations, allowNewlines: true);
        if (source.Url.Length > 0 && StoredText.Problem(source.Url) is { } problem)
        {
            violations.Add(new($"{path}.source.url", problem));
        }
        else if (source.Url.Length > 0 &&
            (source.Url.Length > Limits.MaxUrlLength ||
             !Uri.TryCreate(source.Url, UriKind.Absolute, out var uri) ||
             (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)))
        {
            violations.Add(new($"{path}.source.url", $"must be an absolute http(s) URL of at most {Limits.MaxUrlLength} characters"));
        }

        if (source.Published.Length > 0 && !FuzzyDateProto.TryParseDay(source.Published, out _))
        {
            violations.Add(new($"{path}.source.published", $"'{Quote(source.Published)}' is not a date YYYY-MM-DD"));
        }
    }

    private void NormalizeActors(NewEvent e, string path, List<FieldViolation> violations)
    {
        if (e.Actors.Count > Limits.MaxActors)
        {
            violations.Add(new($"{path}.actors", $"at most {Limits.MaxActors} actors, got {e.Actors.Count}"));
            return;
        }

        var actors = new List<string>();
        for (var i = 0; i < e.Actors.Count; i++)
        {
            var actor = Normalized.Actor(e.Actors[i]);
            if (CheckRequiredText(actor, $"{path}.actors[{i}]", Limits.MaxShortTextLength, violations) && !actors.Contains(actor, StringComparer.Ordinal))
            {
                actors.Add(actor);
            }
        }

        e.Actors.Clear();
        e.Actors.AddRange(actors);
    }

    private void NormalizeTags(NewEvent e, string path, List<FieldViolation> violations)
    {
        if (e.Tags.Count > Limits.MaxTags)
        {
            violations.Add(new($"{path}.tags", $"at most {Limits.MaxTags} tags, got {e.Tags.Count}"));
            return;
        }

        var tags = new SortedSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < e.Tags.Count; i++)
        {
            var tag = Normalized.Tag(e.Tags[i]);
            if (IsTag(tag))
            {
                tags.Add(tag);
            }
            else
            {
                violations.Add(new($"{path}.tags[{i}]", $"'{Quote(e.Tags[i])}' is not a tag: 1-64 of a-z, 0-9, '-', '_', '.', ':', starting with a letter or digit"));
            }
        }

        e.Tags.Clear();
        e.Tags.AddRange(tags);
    }

    private void NormalizeLocation(NewEvent e, string path, List<FieldViolation> violations)
    {
        if (e.Location is not { } location)
        {
            return;
        }

        CheckText(location.Name, $"{path}.location.name", Limits.MaxShortTextLength, violations);
        CheckText(location.Admin1, $"{path}.location.admin1", Limits.MaxShortTextLength, violations);
        CheckText(location.Admin2, $"{path}.location.admin2", Limits.MaxShortTextLength, violations);
        if (location.Country.Length > 0)
        {
            var country = Normalized.Country(location.Country);
            if (CountryCodes.IsValid(country))
            {
                location.Country = country;
            }
            else
            {
                violations.Add(new($"{path}.location.country", $"'{Quote(location.Country)}' is not an ISO 3166-1 alpha-3 country code (e.g. MLI)"));
            }
        }

        if (location.HasLatitude != location.HasLongitude)
        {
            violations.Add(new($"{path}.location.{(location.HasLatitude ? "longitude" : "latitude")}", "latitude and longitude are given together"));
        }

        if (location.HasLatitude && !(location.Latitude is >= -90 and <= 90))
        {
            violations.Add(new($"{path}.location.latitude", $"must be between -90 and 90, got {location.Latitude}"));
        }

        if (location.HasLongitude && !(location.Longitude is >= -180 and <= 180))
        {
            violations.Add(new($"{path}.location.longitude", $"must be between -180 and 180, got {location.Longitude}"));
        }
    }

    private void NormalizeDeadline(NewEvent e, string path, List<FieldViolation> violations)
    {
        if (e.Deadline is not { } deadline)
        {
            return;
        }

        var p = $"{path}.deadline";
        if (deadline.DeadlineId.Length == 0)
        {
            violations.Add(new($"{p}.deadline_id", "required"));
        }
        else
        {
            CheckId(deadline.DeadlineId, $"{p}.deadline_id", Limits.MaxEventIdLength, violations);
        }

        if (deadline.Effect == DeadlineEffectType.Unspecified || !Enum.IsDefined(deadline.Effect))
        {
            violations.Add(new($"{p}.effect", "required: one of SET, REAFFIRMED, RISK, PROGRESS, EXTENDED, MET, CANCELLED"));
        }

        CheckText(deadline.Title, $"{p}.title", Limits.MaxTitleLength, violations);
        CheckText(deadline.Responsible, $"{p}.responsible", Limits.MaxShortTextLength, violations);
        var needsDue = deadline.Effect is DeadlineEffectType.Set or DeadlineEffectType.Extended;
        if (deadline.Effect == DeadlineEffectType.Set && deadline.Title.Length == 0)
        {
            violations.Add(new($"{p}.title", "required when the effect is SET"));
        }

        if (deadline.Due is null)
        {
            if (needsDue)
            {
                // A missing due date is a missing field (INVALID_EVENT), not a date that cannot be read.
                violations.Add(new($"{p}.due", $"required when the effect is {(deadline.Effect == DeadlineEffectType.Set ? "SET" : "EXTENDED")}"));
            }

            return;
        }

        var fallback = e.Occurred?.Reference is { Length: > 0 } r ? r : e.Source?.Published;
        deadline.Due = ResolveDate(deadline.Due, $"{p}.due", ReadDirection.Future, fallback, violations);
    }

    private void CheckAttributes(NewEvent e, string path, List<FieldViolation> violations)
    {
        if (e.Attributes.Count > Limits.MaxAttributes)
        {
            violations.Add(new($"{path}.attributes", $"at most {Limits.MaxAttributes} attributes, got {e.Attributes.Count}"));
            return;
        }

        foreach (var (key, value) in e.Attributes)
        {
            if (!IsTag(key))
            {
                violations.Add(new($"{path}.attributes", $"key '{Quote(key)}' must be 1-64 of a-z, 0-9, '-', '_', '.', ':'"));
            }

            CheckText(value, $"{path}.attributes[{key}]", Limits.MaxAttributeValueLength, violations, allowNewlines: true);
        }

        // Sorted keys make equal content serialize to equal bytes, so a re-append is recognized.
        var sorted = e.Attributes.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToList();
        e.Attributes.Clear();
        foreach (var (key, value) in sorted)
        {
            e.Attributes[key] = value;
        }
    }

    private static void CheckId(string id, string field, int maxLength, List<FieldViolation> violations)
    {
        if (id.Length > maxLength || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':'))
        {
            violations.Add(new(field, $"'{Quote(id)}' must be 1-{maxLength} of letters, digits, '-', '_', '.', ':'"));
        }
    }

    private static bool CheckRequiredText(string value, string field, int maxLength, List<FieldViolation> violations)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            violations.Add(new(field, "required"));
            return false;
        }

        return CheckText(value, field, maxLength, violations);
    }

    private static bool CheckText(string value, string field, int maxLength, List<FieldViolation> violations, bool allowNewlines = false)
    {
        if (value.Length > maxLength)
        {
            violations.Add(new(field, $"at most {maxLength} characters, got {value.Length}"));
            return false;
        }

        if (StoredText.Problem(value, allowNewlines) is { } problem)
        {
            violations.Add(new(field, problem));
            return false;
        }

        return true;
    }

    private static bool IsTag(string tag) =>
        tag.Length is > 0 and <= 64 &&
        char.IsAsciiLetterOrDigit(tag[0]) &&
        tag.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '_' or '.' or ':');

    /// <summary>Quotes user text in a message, shortened so an error never echoes a huge input.</summary>
    public static string Quote(string text) => Quote(text, 80);

    /// <summary>
    /// Shortens <paramref name="text"/> to at most <paramref name="maxLength"/> characters, marking
    /// the cut, with every control, line-separator and bidirectional-override character written as
    /// <c>\uXXXX</c>: an error message never carries a caller's terminal escapes, line breaks or
    /// reordering marks into a log line or a terminal.
    /// </summary>
    public static string Quote(string text, int maxLength)
    {
        var escaped = text.Any(MustEscape)
            ? string.Concat(text.Select(c => MustEscape(c) ? $"\\u{(int)c:X4}" : c.ToString()))
            : text;
        return escaped.Length <= maxLength ? escaped : string.Concat(escaped.AsSpan(0, maxLength - 3), "...");
    }

    private static bool MustEscape(char c) =>
        char.IsControl(c) || c is '\u2028' or '\u2029' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069');
}
