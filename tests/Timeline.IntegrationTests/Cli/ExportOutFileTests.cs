using Timeline.Cli.Export;

namespace Timeline.IntegrationTests.Cli;

/// <summary>
/// `timeline export --out FILE` against both real services: it never writes through a symbolic
/// link, replaces an existing file only with --force, and refuses a directory and a directory it
/// cannot write in; each refusal is one line on stderr naming --out, the path and what to do,
/// exit 1, and nothing is written anywhere.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ExportOutFileTests : IAsyncLifetime
{
    private CliHost host = null!;

    /// <summary>Where the tests point --out; it holds nothing but what a test puts there.</summary>
    private string folder = null!;

    /// <summary>A folder beside it, standing for a file elsewhere on the machine.</summary>
    private string elsewhere = null!;

    public async ValueTask InitializeAsync()
    {
        host = await CliHost.StartAsync();
        await host.RunAsync("import", Path.Combine(RepoPaths.Samples, "mali-minusma-2023-10.json"));
        folder = Directory.CreateDirectory(Path.Combine(host.Folder, "out")).FullName;
        elsewhere = Directory.CreateDirectory(Path.Combine(host.Folder, "elsewhere")).FullName;
    }

    public async ValueTask DisposeAsync() => await host.DisposeAsync();

    [Fact]
    public async Task A_symbolic_link_to_a_file_elsewhere_is_refused_with_or_without_force_and_the_file_is_kept()
    {
        var target = Path.Combine(elsewhere, "precious.txt");
        await File.WriteAllTextAsync(target, "precious\n", TestContext.Current.CancellationToken);
        var link = Path.Combine(folder, "timeline.json");
        File.CreateSymbolicLink(link, target);

        var plain = await host.RunAsync("export", "--format", "json", "--out", link);
        var forced = await host.RunAsync("export", "--format", "json", "--out", link, "--force");

        AssertRefused(plain, link, $"is a symbolic link (to {target}); export does not write through links: give the path of a file itself, or remove the link");
        AssertRefused(forced, link, "is a symbolic link");
        Assert.Equal("precious\n", await File.ReadAllTextAsync(target, TestContext.Current.CancellationToken));
        Assert.Equal(target, new FileInfo(link).LinkTarget);
        Assert.Equal(["timeline.json"], Names(folder));
        Assert.Equal(["precious.txt"], Names(elsewhere));
    }

    [Fact]
    public async Task A_symbolic_link_to_a_missing_file_is_refused_and_creates_nothing()
    {
        var target = Path.Combine(elsewhere, "not-yet.csv");
        var link = Path.Combine(folder, "timeline.csv");
        File.CreateSymbolicLink(link, target);

        var plain = await host.RunAsync("export", "--format", "csv", "--out", link);
        var forced = await host.RunAsync("export", "--format", "csv", "--out", link, "--force");

        AssertRefused(plain, link, "is a symbolic link");
        AssertRefused(forced, link, "is a symbolic link");
        Assert.Empty(Names(elsewhere));
        Assert.Equal(["timeline.csv"], Names(folder));
        Assert.Equal(target, new FileInfo(link).LinkTarget);
    }

    [Fact]
    public async Task An_existing_file_is_kept_without_force_and_replaced_with_force_keeping_its_permissions()
    {
        var path = Path.Combine(folder, "timeline.json");
        await File.WriteAllTextAsync(path, "an earlier export\n", TestContext.Current.CancellationToken);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var refused = await host.RunAsync("export", "--format", "json", "--out", path);

        AssertRefused(refused, path, "already exists; add --force to replace it, or choose another file name");
        Assert.Equal("an earlier export\n", await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken));

        var replaced = await host.RunAsync("export", "--format", "json", "--out", path, "--force");
        var printed = await host.RunAsync("export", "--format", "json");

        Assert.True(replaced.ExitCode == 0, replaced.Stderr);
        Assert.StartsWith($"Wrote ", replaced.Stdout, StringComparison.Ordinal);
        Assert.Contains($" to {path} (json)", replaced.Stdout, StringComparison.Ordinal);
        var (written, _) = JsonExport.Read(await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken));
        var (expected, _) = JsonExport.Read(printed.Stdout);
        Assert.NotEmpty(expected.Entries);
        Assert.Equal(expected.Entries.Select(e => e.Event.EventId), written.Entries.Select(e => e.Event.EventId));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(["timeline.json"], Names(folder));
    }

    [Fact]
    public async Task A_directory_is_refused_with_or_without_force_and_stays_empty()
    {
        var plain = await host.RunAsync("export", "--format", "csv", "--out", folder);
        var forced = await host.RunAsync("export", "--format", "csv", "--out", folder, "--force");

        AssertRefused(plain, folder, $"is a directory; give a file name in it, e.g. --out {Path.Combine(folder, "timeline.export")}");
        AssertRefused(forced, folder, "is a directory");
        Assert.True(Directory.Exists(folder));
        Assert.Empty(Names(folder));
    }

    [Fact]
    public async Task A_directory_that_does_not_exist_is_named()
    {
        var path = Path.Combine(folder, "no-such-folder", "timeline.csv");

        var result = await host.RunAsync("export", "--format", "csv", "--out", path);

        AssertRefused(result, path, $"there is no directory {Path.Combine(folder, "no-such-folder")}; create it first, or choose another path");
        Assert.Empty(Names(folder));
    }

    [Fact]
    public async Task A_directory_the_user_cannot_write_in_is_refused_and_left_as_it_was()
    {
        var locked = Directory.CreateDirectory(Path.Combine(host.Folder, "locked")).FullName;
        var path = Path.Combine(locked, "timeline.csv");
        (int ExitCode, string Stdout, string Stderr) result;
        if (Environment.UserName == "root")
        {
            // Root writes in any directory: the export runs as nobody, for whom root's 0755 folder is read-only.
            File.SetUnixFileMode(locked, (UnixFileMode)0b111_101_101);
            result = await CliProcess.RunAsync(
                ["export", "--format", "csv", "--out", path, "--storage", host.Services.StorageAddress.ToString(), "--timeline", host.Services.TimelineAddress.ToString()],
                CliHost.Timeout,
                TestContext.Current.CancellationToken,
                new Dictionary<string, string> { ["HOME"] = Path.GetTempPath(), ["DOTNET_CLI_HOME"] = Path.GetTempPath() },
                userName: "nobody");
        }
        else
        {
            File.SetUnixFileMode(locked, UnixFileMode.UserRead | UnixFileMode.UserExecute);
            result = await host.RunAsync("export", "--format", "csv", "--out", path);
            File.SetUnixFileMode(locked, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        AssertRefused(result, path, $"cannot write in {locked} (permission denied); choose a directory you can write to");
        Assert.Empty(Names(locked));
    }

    private static void AssertRefused((int ExitCode, string Stdout, string Stderr) result, string path, string reason)
    {
        Assert.True(result.ExitCode == 1, $"exit {result.ExitCode}: {result.Stdout}{result.Stderr}");
        Assert.Equal("", result.Stdout);
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith($"error: --out {path}", line, StringComparison.Ordinal);
        Assert.Contains(reason, line, StringComparison.Ordinal);
    }

    private static List<string> Names(string directory) =>
        [.. Directory.EnumerateFileSystemEntries(directory).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)];
}
