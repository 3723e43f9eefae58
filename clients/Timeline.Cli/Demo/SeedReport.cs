namespace Timeline.Cli.Demo;

/// <summary>
/// Where the demo finds the October 2023 report's text: a news report, so it never ships with
/// Timeline. It is read from <c>shared/seeds</c> beside the repository (found by looking up from the
/// current folder and from the CLI's own), or from the folder given with <c>--seeds</c>.
/// </summary>
internal sealed record SeedReport(string? Path, string Expected)
{
    public const string FileName = "mali-minusma-withdrawal-2023-10.txt";

    public static SeedReport Find(string? folder)
    {
        if (folder is not null)
        {
            var given = System.IO.Path.Combine(folder, FileName);
            return new SeedReport(File.Exists(given) ? given : null, given);
        }

        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = System.IO.Path.Combine(dir.FullName, "shared", "seeds", FileName);
                if (File.Exists(candidate))
                {
                    return new SeedReport(candidate, candidate);
                }
            }
        }

        return new SeedReport(null, $"shared/seeds/{FileName} beside the repository (../shared/seeds from it)");
    }
}
