using Timeline.StorageService.Storage;
using Timeline.V1;

namespace Timeline.Benchmarks.Raw;

/// <summary>
/// The storage service's page tokens, built with its own PageToken (InternalsVisibleTo), so S5 can
/// ask for page 1,000 without walking 999 pages first. Checked against a token the service issued.
/// </summary>
internal static class PageTokens
{
    public static string Encode(EventFilter filter, Key key) =>
        PageToken.Encode(new ChronologicalKey((int)key.Earliest, (int)key.Latest, key.Position), Domain.Validation.PageTokens.Fingerprint(filter, null));
}
