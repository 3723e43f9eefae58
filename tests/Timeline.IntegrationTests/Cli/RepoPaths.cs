using Timeline.Tests.Shared.Processes;

namespace Timeline.IntegrationTests.Cli;

/// <summary>Where the repository and the built CLI are, seen from the test's output folder.</summary>
internal static class RepoPaths
{
    /// <summary>The folder holding Timeline.sln, found by walking up from the test's output folder.</summary>
    public static string Root => DotnetProcess.RepoRoot;

    public static string Samples => Path.Combine(Root, "samples");

    /// <summary>The CLI as built next to this test (the project reference copies it with its runtimeconfig).</summary>
    public static string CliDll => Path.Combine(AppContext.BaseDirectory, "timeline.dll");
}
