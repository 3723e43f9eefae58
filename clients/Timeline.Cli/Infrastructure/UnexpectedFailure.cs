namespace Timeline.Cli.Infrastructure;

/// <summary>
/// A failure no command foresaw, told in two or three lines: what failed, its deepest cause, and
/// how to see more. The exception with its stack trace is printed only when asked for
/// (<c>--verbose</c> or <c>TIMELINE_VERBOSE=1</c>): a person never meets a stack trace by accident.
/// </summary>
internal static class UnexpectedFailure
{
    public const string VerboseVariable = "TIMELINE_VERBOSE";

    public static int Write(TextWriter error, Exception ex, bool verbose)
    {
        var what = FirstLine(ex.Message);
        error.WriteLine($"error: {what}");
        var cause = ex;
        while (cause.InnerException is not null)
        {
            cause = cause.InnerException;
        }

        var because = FirstLine(cause.Message);
        if (!ReferenceEquals(cause, ex) && !what.Contains(because, StringComparison.Ordinal))
        {
            error.WriteLine($"  cause: {because}");
        }

        if (verbose)
        {
            error.WriteLine();
            error.WriteLine(ex.ToString());
        }
        else
        {
            error.WriteLine($"  (run again with --verbose, or {VerboseVariable}=1, to see the details)");
        }

        return CommandRunner.Failed;
    }

    public static bool VerboseFromEnvironment(Func<string, string?> environment) =>
        environment(VerboseVariable) is { Length: > 0 } value && value is not ("0" or "false" or "False" or "no");

    private static string FirstLine(string message)
    {
        var line = message.Split('\n', 2)[0].Trim();
        return line.Length > 0 ? line : "an unexpected failure";
    }
}
