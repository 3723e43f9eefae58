using System.Runtime.InteropServices;
using Timeline.Cli;

// Ctrl-C (SIGINT) and SIGTERM cancel the running command, which then stops cleanly (services,
// streams) and exits with its own code. Registered here, before anything else runs, and kept for
// the whole process: with System.CommandLine's own handler a SIGTERM that came soon after `serve`
// said "Serving." was now and then not handled at all, and the process died with 143. A command
// that has not stopped 10 s after the signal is ended with the signal's exit code (128 + signal).
using var stop = new CancellationTokenSource();
var forced = new[] { (PosixSignal.SIGINT, 130), (PosixSignal.SIGTERM, 143) }
    .Select(s => PosixSignalRegistration.Create(s.Item1, context =>
    {
        context.Cancel = true;
        stop.Cancel();
        _ = Task.Delay(TimeSpan.FromSeconds(10)).ContinueWith(_ => Environment.Exit(s.Item2), TaskScheduler.Default);
    }))
    .ToList();
try
{
    return await CliApp.RunAsync(CliContext.FromConsole(), args, ct: stop.Token);
}
finally
{
    forced.ForEach(r => r.Dispose());
}
