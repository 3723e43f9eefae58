namespace Timeline.Tests.Shared;

/// <summary>
/// A measured figure from a test (e.g. "kills=20 acknowledged=184 lost=0 duplicated=0"): sent
/// as a diagnostic message and, when <c>TIMELINE_TEST_FIGURES</c> names a file (as in CI),
/// appended to it so the run's figures are printed with its summary.
/// </summary>
internal static class Figures
{
    private static readonly Lock Gate = new();

    public static void Report(string line)
    {
        TestContext.Current.SendDiagnosticMessage(line);
        var path = Environment.GetEnvironmentVariable("TIMELINE_TEST_FIGURES");
        if (string.IsNullOrEmpty(path))
        {
            return;
        }

        lock (Gate)
        {
            File.AppendAllText(path, $"{TestContext.Current.Test?.TestDisplayName}: {line}{Environment.NewLine}");
        }
    }
}
