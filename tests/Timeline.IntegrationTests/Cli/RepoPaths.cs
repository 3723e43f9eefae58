namespace Timeline.IntegrationTests.Cli;

/// <summary>Where the repository and the built CLI are, seen from the test's output folder.</summary>
internal static class RepoPaths
{
    /// <summary>The folder holding Timeline.sln, found by walking up from the test's output folder.</summary>
    public static string Root { get; } = FindRoot();

    public static string Samples => Path.Combine(Root, "samples");

    /// <summary>The CLI as built next to this test (the project reference copies it with its runtimeconfig).</summary>
    public static string CliDll => Path.Combine(AppContext.BaseDirectory, "timeline.dll");

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
