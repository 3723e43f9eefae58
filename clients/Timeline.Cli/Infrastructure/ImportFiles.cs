namespace Timeline.Cli.Infrastructure;

/// <summary>What `import` is given must be a file that exists: a directory or a missing path is refused by name.</summary>
internal static class ImportFiles
{
    public static void RequireFile(string path)
    {
        if (Directory.Exists(path))
        {
            throw new CliException($"{path} is a directory; import takes one file (JSON, NDJSON or an ACLED CSV), e.g. timeline import {Path.Combine(path, "events.json")}");
        }

        if (!File.Exists(path))
        {
            throw new CliException($"{path}: no such file");
        }
    }
}
