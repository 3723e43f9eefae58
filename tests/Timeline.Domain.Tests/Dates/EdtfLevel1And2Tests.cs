using Timeline.Domain.Dates;

namespace Timeline.Domain.Tests.Dates;

public sealed class EdtfLevel1And2Tests
{
    [Theory]
    [InlineData("2023-08~", "2023-08~", true, false)]
    [InlineData("1984?", "1984?", false, true)]
    [InlineData("2004-06-11%", "2004-06-11%", true, true)]
    [InlineData("?2001", "2001?", false, true)]
    [InlineData("2004-06~-11", "2004-06~-11", true, false)]
    [InlineData("?2004-06-~11", "2004?-06-~11", true, true)]
    [InlineData("2004-%06-11", "2004-%06-11", true, true)]
    [InlineData("2004?-06-11", "2004?-06-11", false, true)]
    [InlineData("1984?/2004%", "1984?/2004%", true, true)]
    public void Qualification_sets_the_flags_and_has_one_canonical_spelling(string edtf, string canonical, bool approximate, bool uncertain)
    {
        var date = Edtf.Parse(edtf);

        Assert.Equal(canonical, date.Edtf);
        Assert.Equal(approximate, date.Approximate);
        Assert.Equal(uncertain, date.Uncertain);
        Assert.Equal(date, Edtf.Parse(date.Edtf));
    }

    [Theory]
    [InlineData("201X", "2010-01-01", "2019-12-31", DatePrecision.Decade)]
    [InlineData("20XX", "2000-01-01", "2099-12-31", DatePrecision.Range)]
    [InlineData("1985-04-XX", "1985-04-01", "1985-04-30", DatePrecision.Month)]
    [InlineData("1985-XX-XX", "1985-01-01", "1985-12-31", DatePrecision.Year)]
    [InlineData("1984-1X", "1984-10-01", "1984-12-31", DatePrecision.Range)]
    [InlineData("1560-X2", "1560-02-01", "1560-12-31", DatePrecision.Range)]
    [InlineData("156X-12-25", "1560-12-25", "1569-12-25", DatePrecision.Range)]
    [InlineData("15XX-01-3X", "1500-01-30", "1599-01-31", DatePrecision.Range)]
    [InlineData("XXXX-02-29", "0000-02-29", "9996-02-29", DatePrecision.Range)]
    [InlineData("1950S2", "1900-01-01", "1999-12-31", DatePrecision.Range)]
    public void Unspecified_digits_bound_every_valid_completion(string edtf, string earliest, string latest, DatePrecision precision)
    {
        var date = Edtf.Parse(edtf);

        Assert.Equal((CalendarDay.Parse(earliest), CalendarDay.Parse(latest)), (date.Earliest, date.Latest));
        Assert.Equal(precision, date.Precision);
    }

    [Theory]
    [InlineData("2001-21", "2001-03-01", "2001-05-31", DatePrecision.Season, DatePart.None)]
    [InlineData("2001-24", "2001-12-01", "2002-02-28", DatePrecision.Season, DatePart.None)]
    [InlineData("2001-29", "2001-09-01", "2001-11-30", DatePrecision.Season, DatePart.None)]
    [InlineData("2001-30", "2001-12-01", "2002-02-28", DatePrecision.Season, DatePart.None)]
    [InlineData("2001-33", "2001-01-01", "2001-03-31", DatePrecision.Quarter, DatePart.None)]
    [InlineData("2001-36", "2001-10-01", "2001-12-31", DatePrecision.Quarter, DatePart.None)]
    [InlineData("2001-37", "2001-01-01", "2001-04-30", DatePrecision.Year, DatePart.Early)]
    [InlineData("2001-39", "2001-09-01", "2001-12-31", DatePrecision.Year, DatePart.Late)]
    [InlineData("2001-41", "2001-07-01", "2001-12-31", DatePrecision.Range, DatePart.None)]
    [InlineData("20XX-41", "2000-07-01", "2099-12-31", DatePrecision.Range, DatePart.None)]
    public void Sub_year_groupings(string edtf, string earliest, string latest, DatePrecision precision, DatePart part)
    {
        var date = Edtf.Parse(edtf);

        Assert.Equal((CalendarDay.Parse(earliest), CalendarDay.Parse(latest)), (date.Earliest, date.Latest));
        Assert.Equal((precision, part), (date.Precision, date.Part));
    }

    [Theory]
    [InlineData("1985-04-12/..", "1985-04-12", "9999-12-31")]
    [InlineData("../1985-04", "-9999-01-01", "1985-04-30")]
    [InlineData("1985/", "1985-01-01", "9999-12-31")]
    [InlineData("/1985-04-12", "-9999-01-01", "1985-04-12")]
    [InlineData("2012-21/2012-22", "2012-03-01", "2012-08-31")]
    public void Open_and_unknown_interval_ends(string edtf, string earliest, string latest)
    {
        var date = Edtf.Parse(edtf);

        Assert.Equal((CalendarDay.Parse(earliest), CalendarDay.Parse(latest)), (date.Earliest, date.Latest));
        Assert.Equal(DatePrecision.Range, date.Precision);
        Assert.Equal(edtf, date.Edtf);
    }

    [Theory]
    [InlineData("1985-04-12T23:20:30+04:30", "1985-04-12")]
    [InlineData("2016-05-02T16:54:59Z", "2016-05-02")]
    public void Date_times_are_their_calendar_day(string edtf, string day)
    {
        var date = Edtf.Parse(edtf);

        Assert.Equal((CalendarDay.Parse(day), CalendarDay.Parse(day)), (date.Earliest, date.Latest));
        Assert.Equal(DatePrecision.Day, date.Precision);
        Assert.Equal(edtf, date.Edtf);
    }

    [Theory]
    [InlineData("Y170000002", "outside -9999 to 9999")]
    [InlineData("Y-17E7", "outside -9999 to 9999")]
    [InlineData("Y10000", "outside -9999 to 9999")]
    [InlineData("Y-10000", "outside -9999 to 9999")]
    [InlineData("9999-24", "after 9999-12-31")]
    [InlineData("[1667,1760-12]", "sets")]
    [InlineData("{1960,1961-12}", "sets")]
    public void Valid_edtf_that_does_not_fit_is_refused_saying_why(string edtf, string reason)
    {
        var error = Assert.Throws<FuzzyDateException>(() => Edtf.Parse(edtf));

        Assert.Contains($"'{edtf}' cannot be stored", error.Message);
        Assert.Contains(reason, error.Message);
    }

    [Theory]
    [InlineData("-0000", "-0000 is not a year")]
    [InlineData("Y9999", "more than four digits")]
    [InlineData("Y00001", "without leading zeros")]
    [InlineData("12345", "needs the Y prefix")]
    [InlineData("2004-20", "neither a month")]
    [InlineData("156X-09-31", "no completion")]
    [InlineData("15XX-2X-25", "matches no month")]
    [InlineData("-01XX", "non-negative year")]
    [InlineData("2016-05-02T24:00:01", "out of range")]
    [InlineData("2016-05-02T16:54:59.042", "hh:mm:ss")]
    [InlineData("2016-05-02T12:00:00-00:00", "zero time shift")]
    [InlineData("2016-05-02T12:00:00+14:01", "at most 14:00")]
    [InlineData("/", "at least one dated end")]
    [InlineData("../..", "at least one dated end")]
    [InlineData("[1999}", "not closed")]
    [InlineData("1849-21-XX", "has no day")]
    public void Invalid_edtf_is_refused_saying_why(string edtf, string reason)
    {
        var error = Assert.Throws<FuzzyDateException>(() => Edtf.Parse(edtf));

        Assert.Contains($"'{edtf}' is not an EDTF date", error.Message);
        Assert.Contains(reason, error.Message);
    }
}
