using System.Text;

namespace Timeline.Cli.Export;

/// <summary>
/// Where <c>export --out FILE</c> writes. It never writes through a symbolic link (whatever the
/// link points to stays as it is), never replaces an existing file unless <c>--force</c> says so,
/// and writes a temporary file in the same directory that is renamed into place once complete: a
/// failed export leaves no half-written file, and the file it would have replaced is untouched.
/// A replaced file's permissions carry over to the new one, so a private file stays private.
/// Each refusal is a <see cref="CliException"/> naming <c>--out</c>, the path and what to do.
/// </summary>
internal static class ExportFile
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Refuses a path export must not write to, before any work is done; the full path when it may.</summary>
    public static string Check(string path, bool force)
    {
        var full = Path.GetFullPath(path);
        var info = new FileInfo(full);
        if (info.LinkTarget is { } target)
        {
            throw new CliException(
                $"--out {full} is a symbolic link (to {target}); export does not write through links: give the path of a file itself, or remove the link");
        }

        if (Directory.Exists(full))
        {
            throw new CliException($"--out {full} is a directory; give a file name in it, e.g. --out {Path.Combine(full, "timeline.export")}");
        }

        if (info.Exists && !force)
        {
            throw new CliException($"--out {full} already exists; add --force to replace it, or choose another file name");
        }

        var directory = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(directory))
        {
            throw new CliException($"--out {full}: there is no directory {directory}; create it first, or choose another path");
        }

        return full;
    }

    /// <summary>Writes the file through a temporary file renamed into place; the caller has <see cref="Check"/>ed the path.</summary>
    public static T Write<T>(string path, bool force, Func<TextWriter, T> write)
    {
        var full = Check(path, force);
        var directory = Path.GetDirectoryName(full)!;
        var temporary = Path.Combine(directory, $".{Path.GetFileName(full)}.{Guid.NewGuid().ToString("N")[..8]}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows() && File.Exists(full))
        {
            options.UnixCreateMode = File.GetUnixFileMode(full);
        }

        try
        {
            T written;
            using (var stream = new FileStream(temporary, options))
            {
                using (var writer = new StreamWriter(stream, Utf8, leaveOpen: true))
                {
                    written = write(writer);
                }

                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, full, overwrite: force);
            return written;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            TryDelete(temporary);
            throw Refusal(ex, full, directory, force);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    private static CliException Refusal(Exception ex, string full, string directory, bool force)
    {
        if ((!force && File.Exists(full)) || new FileInfo(full).LinkTarget is not null)
        {
            // Something appeared at the path while the export ran: it stays as it is.
            return new CliException($"--out {full} appeared while exporting and was left as it is; add --force to replace it, or choose another file name", ex);
        }

        return ex is UnauthorizedAccessException
            ? new CliException($"--out {full}: cannot write in {directory} (permission denied); choose a directory you can write to", ex)
            : new CliException($"--out {full}: the export could not be written ({ex.Message}); nothing was written", ex);
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Nothing more to do: the rename never happened, so the target is untouched.
        }
    }
}
