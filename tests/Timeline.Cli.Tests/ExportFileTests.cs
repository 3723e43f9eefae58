using Timeline.Cli.Export;

namespace Timeline.Cli.Tests;

/// <summary>
/// An export that fails half-way through writing its file (a full disk, a format that throws)
/// leaves no half-written file: the file it would have replaced is as it was, and no temporary
/// file stays behind.
/// </summary>
public sealed class ExportFileTests : IDisposable
{
    private readonly string folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "timeline-tests", Guid.NewGuid().ToString("N"))).FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void A_failure_while_writing_leaves_the_replaced_file_as_it_was_and_no_temporary_file()
    {
        var path = Path.Combine(folder, "timeline.csv");
        File.WriteAllText(path, "the earlier export\n");

        var refusal = Assert.Throws<CliException>(() => ExportFile.Write(path, force: true, HalfThenFail));

        Assert.Equal($"--out {path}: the export could not be written (No space left on device); nothing was written", refusal.Message);
        Assert.Equal("the earlier export\n", File.ReadAllText(path));
        Assert.Equal(["timeline.csv"], Directory.EnumerateFileSystemEntries(folder).Select(Path.GetFileName));
    }

    [Fact]
    public void A_failure_while_writing_a_new_file_leaves_no_file_at_all()
    {
        var path = Path.Combine(folder, "timeline.csv");

        Assert.Throws<CliException>(() => ExportFile.Write(path, force: false, HalfThenFail));

        Assert.Empty(Directory.EnumerateFileSystemEntries(folder));
    }

    [Fact]
    public void A_complete_export_is_in_place_and_nothing_else()
    {
        var path = Path.Combine(folder, "timeline.csv");

        var written = ExportFile.Write(path, force: false, writer =>
        {
            writer.Write(new string('x', 100_000));
            return 100_000;
        });

        Assert.Equal(100_000, written);
        Assert.Equal(new string('x', 100_000), File.ReadAllText(path));
        Assert.Equal(["timeline.csv"], Directory.EnumerateFileSystemEntries(folder).Select(Path.GetFileName));
    }

    /// <summary>Writes more than a buffer's worth, so part of it reaches the disk, then fails as a full disk does.</summary>
    private static int HalfThenFail(TextWriter writer)
    {
        writer.Write(new string('x', 100_000));
        writer.Flush();
        throw new IOException("No space left on device");
    }
}
