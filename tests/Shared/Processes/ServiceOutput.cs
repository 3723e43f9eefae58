using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Timeline.Tests.Shared.Processes;

/// <summary>
/// The output of a service started as a separate process: collects stdout and stderr, and
/// resolves the address from Kestrel's "Now listening on: …" line (the port 0 asked for, made real).
/// Shared by the crash test and the benchmarks.
/// </summary>
internal sealed partial class ServiceOutput
{
    private readonly StringBuilder output = new();
    private readonly TaskCompletionSource<Uri> listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ServiceOutput(string name, Process process)
    {
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                listening.TrySetException(new InvalidOperationException($"{name} exited before listening:\n{Text}"));
                return;
            }

            Append(e.Data);
            if (ListeningOn().Match(e.Data) is { Success: true } match)
            {
                listening.TrySetResult(new Uri(match.Groups[1].Value));
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                Append(e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>Everything the process wrote so far.</summary>
    public string Text
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    /// <summary>Starts reading a process started with redirected stdout and stderr.</summary>
    public static ServiceOutput Follow(string name, Process process) => new(name, process);

    /// <summary>The address the service listens on, once it says so.</summary>
    public Task<Uri> ListeningAsync(TimeSpan timeout) => listening.Task.WaitAsync(timeout);

    private void Append(string line)
    {
        lock (output)
        {
            output.AppendLine(line);
        }
    }

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex ListeningOn();
}
