namespace Timeline.Domain.Dates;

/// <summary>The English words news uses for calendar things.</summary>
internal static class NewsVocabulary
{
    public static readonly string[] MonthNames =
        ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

    public static readonly string[] WeekdayNames = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

    private static readonly Dictionary<string, int> Months = BuildMonths();

    private static readonly Dictionary<string, DayOfWeek> Weekdays = BuildWeekdays();

    private static readonly Dictionary<string, int> NumberWords = new()
    {
        ["a"] = 1,
        ["an"] = 1,
        ["one"] = 1,
        ["two"] = 2,
        ["three"] = 3,
        ["four"] = 4,
        ["five"] = 5,
        ["six"] = 6,
        ["seven"] = 7,
        ["eight"] = 8,
        ["nine"] = 9,
        ["ten"] = 10,
        ["eleven"] = 11,
        ["twelve"] = 12,
    };

    private static readonly Dictionary<string, int> OrdinalWords = new()
    {
        ["first"] = 1,
        ["second"] = 2,
        ["third"] = 3,
        ["fourth"] = 4,
        ["last"] = -1,
        ["final"] = -1,
    };

    /// <summary>Month number for "october", "oct", "sept".</summary>
    public static int? Month(Token token) =>
        token.Kind == TokenKind.Word && Months.TryGetValue(token.Text, out var m) ? m : null;

    public static DayOfWeek? Weekday(Token token) =>
        token.Kind == TokenKind.Word && Weekdays.TryGetValue(token.Text, out var d) ? d : null;

    /// <summary>"two" → 2, "a" → 1, "3" → 3.</summary>
    public static int? Count(Token token) => token.Kind switch
    {
        TokenKind.Number => token.Value,
        TokenKind.Word when NumberWords.TryGetValue(token.Text, out var n) => n,
        _ => null,
    };

    /// <summary>"third" → 3, "3rd" → 3; "last" → -1 (the last one of the set).</summary>
    public static int? Ordinal(Token token) => token.Kind switch
    {
        TokenKind.Ordinal => token.Value,
        TokenKind.Word when OrdinalWords.TryGetValue(token.Text, out var n) => n,
        _ => null,
    };

    /// <summary>EDTF season code 21–24 for "spring", "summer", "autumn"/"fall", "winter".</summary>
    public static int? Season(Token token) => token.Kind != TokenKind.Word ? null : token.Text switch
    {
        "spring" => 21,
        "summer" => 22,
        "autumn" or "fall" => 23,
        "winter" => 24,
        _ => null,
    };

    /// <summary>EDTF season code 21–24 for the season word to display.</summary>
    public static string SeasonName(int code) => ((code - 21) % 4) switch
    {
        0 => "spring",
        1 => "summer",
        2 => "autumn",
        _ => "winter",
    };

    /// <summary>"early"/"beginning"/"start", "mid"/"middle", "late"/"end".</summary>
    public static DatePart? Part(Token token) => token.Kind != TokenKind.Word ? null : token.Text switch
    {
        "early" or "beginning" or "start" => DatePart.Early,
        "mid" or "middle" => DatePart.Mid,
        "late" or "end" => DatePart.Late,
        _ => null,
    };

    private static Dictionary<string, int> BuildMonths()
    {
        var months = new Dictionary<string, int> { ["sept"] = 9 };
        for (var i = 0; i < 12; i++)
        {
            months[MonthNames[i].ToLowerInvariant()] = i + 1;
            months[MonthNames[i][..3].ToLowerInvariant()] = i + 1;
        }

        return months;
    }

    private static Dictionary<string, DayOfWeek> BuildWeekdays()
    {
        var days = new Dictionary<string, DayOfWeek> { ["tues"] = DayOfWeek.Tuesday, ["thur"] = DayOfWeek.Thursday, ["thurs"] = DayOfWeek.Thursday };
        for (var i = 0; i < 7; i++)
        {
            days[WeekdayNames[i].ToLowerInvariant()] = (DayOfWeek)i;
            days[WeekdayNames[i][..3].ToLowerInvariant()] = (DayOfWeek)i;
        }

        return days;
    }
}
