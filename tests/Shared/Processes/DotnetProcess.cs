using System.Diagnostics;
using System.Globalization;

namespace Timeline.Tests.Shared.Processes;

/// <summary>
/// A built service (or any .NET dll) run as an OS process of its own with <c>dotnet</c>, its output
/// followed (<see cref="ServiceOutput"/>): the one way the crash tests, the scale tests and the
/// benchmarks start, stop and kill a service. <see cref="KillAsync"/> is SIGKILL (no shutdown code
/// runs, like a power cut); <see cref="StopAsync"/> is SIGTERM, so the service runs its shutdown.
/// </summary>
internal sealed class DotnetProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly ServiceOutput output;

    private DotnetProcess(string name, Process process)
    {
        Name = name;
        this.process = process;
        output = ServiceOutput.Follow(name, process);
    }

    /// <summary>The folder holding Timeline.sln, found by walking up from the running assembly's folder.</summary>
    public static string RepoRoot { get; } = FindRoot();

    /// <summary>The configuration the running assembly was built in (its folder is <c>bin/&lt;Configuration&gt;/net10.0/</c>).</summary>
    public static string Configuration { get; } = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;

    public string Name { get; }

    public int Pid => process.Id;

    public bool HasExited => process.HasExited;

    /// <summary>The exit code, once the process has exited (a signal's death is 128 + its number, e.g. 134 for SIGABRT).</summary>
    public int ExitCode => process.ExitCode;

    /// <summary>What the process wrote so far (for a failure message).</summary>
    public string Output => output.Text;

    /// <summary>A service project's dll as built in <paramref name="configuration"/> (the running assembly's by default).</summary>
    public static string ServiceDll(string project, string? configuration = null)
    {
        var dll = Path.Combine(RepoRoot, "services", project, "bin", configuration ?? Configuration, "net10.0", project + ".dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"Build the solution first: {project} is not built ({configuration ?? Configuration})", dll);
    }

    /// <summary>
    /// Starts <paramref name="dll"/> with <paramref name="args"/>, listening on <paramref name="urls"/>
    /// (port 0: Kestrel picks one, <see cref="ListeningAsync"/> says which), logging at
    /// <paramref name="logLevel"/> but for the "Now listening on" line, in <paramref name="workingDirectory"/>
    /// when given (its content root: where it reads appsettings.json).
    /// </summary>
    public static DotnetProcess Start(
        string name, string dll, IEnumerable<string> args, string urls = "http://127.0.0.1:0", string logLevel = "Warning",
        IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = workingDirectory ?? "" };
        info.ArgumentList.Add(dll);
        foreach (var arg in args.Concat(["--urls", urls, "--Logging:LogLevel:Default", logLevel, "--Logging:LogLevel:Microsoft.Hosting.Lifetime", "Information"]))
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["DOTNET_gcServer"] = "0";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        return new DotnetProcess(name, Process.Start(info) ?? throw new InvalidOperationException($"{name} did not start"));
    }

    /// <summary>The address the service listens on, once it says so; fails if it exits first.</summary>
    public Task<Uri> ListeningAsync(TimeSpan timeout) => output.ListeningAsync(timeout);

    /// <summary>Peak resident set (VmHWM) in bytes, or null when /proc is not there.</summary>
    public long? PeakRssBytes()
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{process.Id}/status"))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (IOException)
        {
        }

        return null;
    }

    /// <summary>SIGKILL, like a power cut for the process.</summary>
    public async Task KillAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    /// <summary>Waits until the process exits by itself and returns its exit code; fails after <paramref name="timeout"/>.</summary>
    public async Task<int> ExitedAsync(TimeSpan timeout)
    {
        await process.WaitForExitAsync().WaitAsync(timeout);
        return process.ExitCode;
    }

    /// <summary>Sends a signal (STOP, CONT, TERM, ...) with <c>kill</c>.</summary>
    public async Task SignalAsync(string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", process.Id.ToString(CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
    }

    /// <summary>SIGTERM, so the service runs its shutdown (the storage service checkpoints its WAL); SIGKILL after <paramref name="grace"/>.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (process.HasExited)
        {
            return;
        }

        await SignalAsync("TERM");

        try
        {
            await process.WaitForExitAsync().WaitAsync(grace);
        }
        catch (TimeoutException)
        {
            await KillAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        process.Dispose();
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Timeline.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no Timeline.sln above {AppContext.BaseDirectory}");
    }
}
