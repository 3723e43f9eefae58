using System.Globalization;
using System.Numerics;

namespace Timeline.Domain.Dates;

/// <summary>
/// A small hand-written reader for EDTF (ISO 8601-2:2019 Annex A): level 0, level 1 and the
/// level-2 features that name one interval of days (qualified components, unspecified digits
/// anywhere, sub-year groupings 21–41, significant digits, ".." on interval ends). Sets are refused.
/// Years must fit <see cref="CalendarDay"/> (−9999–9999, year 0000 is 1 BCE); valid EDTF outside that is refused with a
/// message that says so.
/// </summary>
internal sealed class EdtfParser
{
    internal const string Hint =
        "EDTF forms: 2023, 2023-08, 2023-10-14, 2023-08~ (approximate), 2023? (uncertain), 2023% (both), " +
        "201X or 2023-08-XX (unspecified digits), 2023-21..24 (seasons), 2023-33..36 (quarters), " +
        "2023-08/2023-10 (interval), 2023-08/.. and ../2023 (open), 2023-08/ (unknown end), -0044-03-15 (44 BCE; 0000 is 1 BCE); years -9999 to 9999";

    private readonly string input;

    private EdtfParser(string input) => this.input = input;

    /// <summary>Parses <paramref name="input"/> or throws <see cref="FuzzyDateException"/> quoting it.</summary>
    public static FuzzyDate Parse(string input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var parser = new EdtfParser(input);
        try
        {
            return parser.ParseExpression();
        }
        catch (FuzzyDateException ex) when (!ex.Message.StartsWith($"'{input}'", StringComparison.Ordinal))
        {
            // A rule below the parser (the calendar's ends) quotes no input: quote it here.
            throw parser.OutOfRange(ex.Message);
        }
        catch (ArgumentOutOfRangeException)
        {
            // Last line of defence (CalendarEdgeTests searches for what reaches it): a refusal, never an unknown error.
            throw parser.OutOfRange("it reaches outside the calendar, which runs from -9999-01-01 to 9999-12-31");
        }
    }

    private FuzzyDate ParseExpression()
    {
        if (input.Length == 0)
        {
            throw Invalid("it is empty");
        }

        if (input[0] is '[' or '{')
        {
            var closer = input[0] == '[' ? ']' : '}';
            throw input[^1] == closer
                ? OutOfScope("EDTF sets ('[..]' one of, '{..}' all of) are not supported: a chronology entry needs one interval of days, e.g. 1667/1672")
                : Invalid($"the set opened with '{input[0]}' is not closed with '{closer}'");
        }

        var slash = input.IndexOf('/');
        if (slash < 0)
        {
            return ParseSide(input, 0).ToFuzzyDate(this);
        }

        if (input.IndexOf('/', slash + 1) >= 0)
        {
            throw Invalid("an interval has exactly one '/'");
        }

        return ParseInterval(input[..slash], input[(slash + 1)..], slash + 1);
    }

    private FuzzyDate ParseInterval(string left, string right, int rightOffset)
    {
        var startOpen = left.StartsWith("..", StringComparison.Ordinal);
        var endOpen = right.EndsWith("..", StringComparison.Ordinal);
        var startText = startOpen ? left[2..] : left;
        var endText = endOpen ? right[..^2] : right;

        if (startText.Length == 0 && endText.Length == 0)
        {
            throw Invalid("an interval needs at least one dated end");
        }

        EdtfDate? start = startText.Length == 0 ? null : ParseSide(startText, startOpen ? 2 : 0);
        EdtfDate? end = endText.Length == 0 ? null : ParseSide(endText, rightOffset);
        var startDay = start is null || startOpen ? CalendarDay.MinValue : start.Bounds(this).Earliest;
        var endDay = end is null || endOpen ? CalendarDay.MaxValue : end.Bounds(this).Latest;
        if (start is not null && end is not null && start.Bounds(this).Earliest > end.Bounds(this).Latest)
        {
            throw Invalid("the interval ends before it starts");
        }

        return new FuzzyDate
        {
            Earliest = startDay,
            Latest = endDay,
            Precision = DatePrecision.Range,
            Approximate = (start?.Approximate ?? false) || (end?.Approximate ?? false),
            Uncertain = (start?.Uncertain ?? false) || (end?.Uncertain ?? false),
            Edtf = $"{(startOpen ? ".." : "")}{start?.Canonical() ?? ""}/{end?.Canonical() ?? ""}{(endOpen ? ".." : "")}",
        };
    }

    private EdtfDate ParseSide(string text, int offset)
    {
        var reader = new Reader(text);
        var date = reader.Peek == 'Y' ? ParseLongYear(reader) : ParseCalendarDate(reader);
        if (!reader.AtEnd)
        {
            throw Invalid($"unexpected '{reader.Peek}' at position {offset + reader.Position + 1}");
        }

        return date;
    }

    private EdtfDate ParseLongYear(Reader reader)
    {
        reader.Next();
        var negative = reader.Eat('-');
        var significand = reader.Digits();
        if (significand.Length == 0 || significand[0] == '0')
        {
            throw Invalid("a Y-prefixed year is written without leading zeros, e.g. Y170000002");
        }

        var exponent = reader.Eat('E') ? reader.Digits() : null;
        if (exponent is "")
        {
            throw Invalid("an exponent needs digits, e.g. Y17E7");
        }

        if (exponent is null && significand.Length <= 4)
        {
            throw Invalid("the Y prefix is for years of more than four digits; write four-digit years plainly");
        }

        var significant = reader.Eat('S') ? reader.Digits() : null;
        if (significant is "")
        {
            throw Invalid("significant digits need a count, e.g. 1950S2");
        }

        if (reader.Peek == '-')
        {
            throw Invalid("a Y-prefixed year has year precision only");
        }

        var value = BigInteger.Parse(significand, CultureInfo.InvariantCulture) *
            BigInteger.Pow(10, exponent is null ? 0 : int.Parse(exponent, CultureInfo.InvariantCulture));
        if (negative)
        {
            value = -value;
        }

        if (value < Periods.MinYear || value > Periods.MaxYear)
        {
            throw OutOfRange($"year {value} is outside -9999 to 9999, the years a calendar day can hold");
        }

        // In range only through an exponent (e.g. Y2E3): read it as the plain year it denotes.
        var year = ((int)value).ToString("D4", CultureInfo.InvariantCulture);
        return ParseCalendarDate(new Reader(significant is null ? year : $"{year}S{significant}"));
    }

    private EdtfDate ParseCalendarDate(Reader reader)
    {
        var yearPrefix = reader.Qualifier();
        var negative = reader.Eat('-');
        var yearDigits = reader.Masked(4);
        if (yearDigits.Length < 4)
        {
            throw Invalid(yearDigits.Length == 0 ? "a date starts with a four-digit year" : "a year has four digits (a bare century or decade is not EDTF; write 19XX or 198X)");
        }

        if (reader.Peek is >= '0' and <= '9' or 'X')
        {
            throw Invalid("a year of more than four digits needs the Y prefix, e.g. Y12345");
        }

        var components = new List<Component> { new(yearDigits, yearPrefix, reader.Qualifier()) };
        int? significant = null;
        if (reader.Eat('S'))
        {
            var digits = reader.Digits();
            significant = digits.Length == 1 ? digits[0] - '0' : 0;
            if (significant is < 1 or > 4 || yearDigits.Contains('X'))
            {
                throw Invalid("significant digits are a count 1–4 after a plain year, e.g. 1950S2");
            }
        }

        while (significant is null && components.Count < 3 && reader.Eat('-'))
        {
            var prefix = reader.Qualifier();
            var digits = reader.Masked(2);
            if (digits.Length != 2)
            {
                throw Invalid(components.Count == 1 ? "a month has two digits (01–12), a season or other grouping 21–41" : "a day has two digits");
            }

            components.Add(new Component(digits, prefix, reader.Qualifier()));
        }

        string? time = null;
        if (reader.Eat('T'))
        {
            time = reader.Rest();
            ValidateTime(time);
            if (components.Count < 3 || components.Any(c => c.Digits.Contains('X') || c.Prefix != Qualification.None || c.Suffix != Qualification.None))
            {
                throw Invalid("a time goes with a complete, unqualified day, e.g. 1985-04-12T23:20:30");
            }
        }

        var date = new EdtfDate(negative, components, significant, time);
        date.Validate(this);
        return date;
    }

    private void ValidateTime(string time)
    {
        // hh:mm:ss then Z, ±hh or ±hh:mm; no fractions, no 24:00 (ISO 8601-2 A.4.3).
        if (time.Length < 8 || time[2] != ':' || time[5] != ':' ||
            !TwoDigits(time, 0, out var hour) || !TwoDigits(time, 3, out var minute) || !TwoDigits(time, 6, out var second))
        {
            throw Invalid("a time is hh:mm:ss");
        }

        if (hour > 23 || minute > 59 || second > 60)
        {
            throw Invalid("the time is out of range (hours 00–23, minutes 00–59, seconds 00–60)");
        }

        var zone = time[8..];
        if (zone.StartsWith('.') || zone.StartsWith(','))
        {
            throw Invalid("fractional seconds are not EDTF; a time is hh:mm:ss");
        }

        if (zone is "" or "Z")
        {
            return;
        }

        if (zone[0] is not ('+' or '-') || !(zone.Length is 3 or 6) || !TwoDigits(zone, 1, out var shiftHours) ||
            (zone.Length == 6 && (zone[3] != ':' || !TwoDigits(zone, 4, out _))))
        {
            throw Invalid("a time shift is Z, ±hh or ±hh:mm");
        }

        var shiftMinutes = zone.Length == 6 ? int.Parse(zone.AsSpan(4, 2), CultureInfo.InvariantCulture) : 0;
        if (shiftMinutes > 59 || (shiftHours * 60) + shiftMinutes > 14 * 60)
        {
            throw Invalid("a time shift is at most 14:00");
        }

        // The UTC day of a time depends on its shift (docs/DATES.md), so a shift no time zone uses is refused, not trusted:
        // zones run from -12:00 to +14:00, in whole quarter hours (+05:45 Nepal, +12:45 Chatham).
        if (zone[0] == '-' && (shiftHours * 60) + shiftMinutes > 12 * 60)
        {
            throw Invalid("no time zone is more than 12:00 behind UTC (zones run from -12:00 to +14:00)");
        }

        if (shiftMinutes % 15 != 0)
        {
            throw Invalid($"no time zone is {zone} from UTC: zones are whole quarter hours (e.g. +05:30, +05:45)");
        }

        if (zone[0] == '-' && shiftHours == 0 && shiftMinutes == 0)
        {
            throw Invalid("a zero time shift is written +00:00 or Z, not -00");
        }
    }

    private static bool TwoDigits(string text, int at, out int value)
    {
        value = 0;
        if (at + 2 > text.Length || !char.IsAsciiDigit(text[at]) || !char.IsAsciiDigit(text[at + 1]))
        {
            return false;
        }

        value = ((text[at] - '0') * 10) + (text[at + 1] - '0');
        return true;
    }

    internal FuzzyDateException Invalid(string reason) => new($"'{input}' is not an EDTF date: {reason}", Hint);

    internal FuzzyDateException OutOfRange(string reason) => new($"'{input}' cannot be stored: {reason}", Hint);

    internal FuzzyDateException OutOfScope(string reason) => new($"'{input}' cannot be stored: {reason}", Hint);

    /// <summary>Reads characters left to right; the grammar is small enough that this beats a regex.</summary>
    private sealed class Reader(string text)
    {
        public int Position { get; private set; }

        public bool AtEnd => Position >= text.Length;

        public char? Peek => AtEnd ? null : text[Position];

        public void Next() => Position++;

        public bool Eat(char c)
        {
            if (Peek != c)
            {
                return false;
            }

            Position++;
            return true;
        }

        public Qualification Qualifier() => Peek switch
        {
            '?' => Take(Qualification.Uncertain),
            '~' => Take(Qualification.Approximate),
            '%' => Take(Qualification.Uncertain | Qualification.Approximate),
            _ => Qualification.None,
        };

        /// <summary>Up to <paramref name="count"/> digits or X (unspecified).</summary>
        public string Masked(int count)
        {
            var start = Position;
            while (Position - start < count && Peek is (>= '0' and <= '9') or 'X')
            {
                Position++;
            }

            return text[start..Position];
        }

        public string Digits()
        {
            var start = Position;
            while (Peek is >= '0' and <= '9')
            {
                Position++;
            }

            return text[start..Position];
        }

        public string Rest()
        {
            var rest = text[Position..];
            Position = text.Length;
            return rest;
        }

        private Qualification Take(Qualification q)
        {
            Position++;
            return q;
        }
    }
}

/// <summary>EDTF qualification of a component: <c>?</c> uncertain, <c>~</c> approximate, <c>%</c> both.</summary>
[Flags]
internal enum Qualification
{
    None = 0,
    Uncertain = 1,
    Approximate = 2,
}

/// <summary>One year, month (or sub-year code) or day as written: digits with X, and qualifiers on either side.</summary>
internal sealed record Component(string Digits, Qualification Prefix, Qualification Suffix);
