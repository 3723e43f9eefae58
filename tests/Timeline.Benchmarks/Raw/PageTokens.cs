using System.Reflection;
using Google.Protobuf;
using Timeline.V1;

namespace Timeline.Benchmarks.Raw;

/// <summary>
/// The storage service's page tokens, built by reflection on its internal PageToken and ChronologicalKey, so S5 can
/// ask for page 1,000 without walking 999 pages first. Checked against a token the service issued.
/// </summary>
internal static class PageTokens
{
    private static readonly Type Token = typeof(Timeline.StorageService.StorageOptions).Assembly.GetType("Timeline.StorageService.Storage.PageToken", throwOnError: true)!;

    private static readonly Type SortKey = typeof(Timeline.StorageService.StorageOptions).Assembly.GetType("Timeline.StorageService.Storage.ChronologicalKey", throwOnError: true)!;

    public static string Encode(EventFilter filter, Key key)
    {
        var hash = (ulong)Token.GetMethod("HashQuery", BindingFlags.Public | BindingFlags.Static)!.Invoke(null, [new IMessage?[] { filter, null }])!;
        var sortKey = Activator.CreateInstance(SortKey, (int)key.Earliest, (int)key.Latest, key.Position)!;
        return (string)Token.GetMethod("Encode", BindingFlags.Public | BindingFlags.Static)!.Invoke(null, [sortKey, hash])!;
    }
}
