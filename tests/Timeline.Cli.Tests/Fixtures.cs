namespace Timeline.Cli.Tests;

/// <summary>The repository's own fixtures (samples/acled-fixture-*.csv: invented rows in ACLED's layouts).</summary>
internal static class Fixtures
{
    public static string Root { get; } = FindRoot();

    public static string Sample(string name) => Path.Combine(Root, "samples", name);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Timeline.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no Timeline.sln above {AppContext.BaseDirectory}");
    }
}
