using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Timeline.Domain.Dates;

namespace Timeline.Domain.Tests.Dates;

/// <summary>
/// <see cref="Edtf.TryParse"/> answers without a parse (and its exception) for text that cannot open
/// an EDTF expression; it must still say exactly what <see cref="Edtf.Parse"/> says, for every text.
/// </summary>
public sealed class EdtfTryParseTests
{
    private static readonly char[] Alphabet = [.. "0123456789X-/.~?%YSEZT:+ []{}ao"];

    public static Arbitrary<string> EdtfLike() =>
        Gen.Elements(Alphabet).ArrayOf().Select(chars => new string(chars)).ToArbitrary();

    [Theory]
    [InlineData("2023")]
    [InlineData("?2023-08")]
    [InlineData("%-0044")]
    [InlineData("~2004-06-11")]
    [InlineData("-0044-03-15")]
    [InlineData("201X")]
    [InlineData("XXXX-08")]
    [InlineData("2023-21")]
    [InlineData("../2023")]
    [InlineData("..2023/2024")]
    [InlineData("/2006")]
    [InlineData("2023-08/")]
    [InlineData("2023-08/..")]
    [InlineData("Y170000002")]
    [InlineData("Y2E3")]
    [InlineData("2020-05-01T23:30:00-04:00")]
    [InlineData("1950S2")]
    [InlineData("on Saturday (14 October)")]
    [InlineData("14 October")]
    [InlineData("20233")]
    [InlineData("202")]
    [InlineData("[1667,1668]")]
    [InlineData("")]
    [InlineData("..")]
    [InlineData("?Y2020")]
    public void Agrees_with_Parse(string text) => Assert.Equal(Parses(text), Edtf.TryParse(text, out _));

    [Property(Arbitrary = [typeof(EdtfTryParseTests)], MaxTest = 20000)]
    public Property Agrees_with_Parse_on_generated_text(string text) =>
        (Parses(text) == Edtf.TryParse(text, out _)).Label($"'{text}'");

    private static bool Parses(string text)
    {
        try
        {
            _ = Edtf.Parse(text);
            return true;
        }
        catch (FuzzyDateException)
        {
            return false;
        }
    }
}
