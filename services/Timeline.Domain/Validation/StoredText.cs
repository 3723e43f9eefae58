namespace Timeline.Domain.Validation;

/// <summary>
/// Text a request may carry in any field: what both databases hold as it is (PostgreSQL refuses a
/// NUL; neither holds half of a surrogate pair) and what every output shows as it says (no
/// bidirectional override or isolate, U+202A-U+202E and U+2066-U+2069, which would make a title
/// display as something other than its characters). The one home of the rule: event fields
/// (<see cref="NewEventValidator"/>), filter values (<see cref="Events.EventCriteria"/>) and the
/// ids of reads all refuse the same characters, naming the field, so none of it reaches a
/// database, and a database's refusal of the text is never taken for an outage.
/// </summary>
public static class StoredText
{
    /// <summary>Why <paramref name="value"/> cannot be taken, or null when it can.</summary>
    /// <param name="allowNewlines">Multi-line fields (a summary, a quote) may hold line feeds, carriage returns and tabs.</param>
    public static string? Problem(string value, bool allowNewlines = false)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '\0')
            {
                return "contains a NUL character (U+0000), which text cannot hold";
            }

            if (char.IsControl(c) && !(allowNewlines && c is '\n' or '\t' or '\r'))
            {
                return $"contains a control character (U+{(int)c:X4})";
            }

            if (c is (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069'))
            {
                return $"contains a bidirectional override or isolate (U+{(int)c:X4}), which would show the text as other than it is";
            }

            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return $"contains half of a surrogate pair (U+{(int)c:X4}), which is not text";
            }
        }

        return null;
    }
}
