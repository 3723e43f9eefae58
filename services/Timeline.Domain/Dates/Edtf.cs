namespace Timeline.Domain.Dates;

/// <summary>Extended Date/Time Format (ISO 8601-2): parse, bounds, canonical form.</summary>
public static class Edtf
{
    /// <summary>Parses an EDTF string; throws <see cref="FuzzyDateException"/> when it is not one.</summary>
    public static FuzzyDate Parse(string edtf) => throw new NotImplementedException();
}
