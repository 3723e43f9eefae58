using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Timeline.ServiceDefaults.Startup;

/// <summary>
/// A service's <c>Main</c>: build, start, run until stopped. A start that fails prints one line
/// on stderr saying what to change, and exits non-zero, instead of an unhandled exception's stack
/// trace and SIGABRT: <see cref="ConfigurationExitCode"/> when a setting is wrong (restarting will
/// not help; a supervisor can be told not to, e.g. systemd's <c>RestartPreventExitStatus=78</c>),
/// <see cref="FailureExitCode"/> otherwise (a port in use, a file that cannot be opened). A stop
/// that fails part-way (a file that cannot be closed cleanly) is finished, said in one line, and
/// exits <see cref="FailureExitCode"/>; a clean stop exits 0. Never an unhandled exception.
/// </summary>
public static class ServiceMain
{
    /// <summary>EX_CONFIG (sysexits.h): a configuration error.</summary>
    public const int ConfigurationExitCode = 78;

    public const int FailureExitCode = 1;

    /// <summary>The host logs a failed start with its stack trace; that one line of ours says it instead.</summary>
    private const string HostCategory = "Microsoft.Extensions.Hosting.Internal.Host";

    public static async Task<int> RunAsync(string name, string[] args, Func<string[], Action<WebApplicationBuilder>?, WebApplication> create)
    {
        var started = false;
        WebApplication? app = null;
        try
        {
            // The host's own category only logs failures (warnings and errors); until started, ours says it.
            app = create(args, builder => builder.Logging.AddFilter(HostCategory, level => level >= LogLevel.Warning && (started || level < LogLevel.Error)));

            // Every options check at once (the host would stop at the first service that reads a bad one).
            app.Services.GetService<IStartupValidator>()?.Validate();
            await app.StartAsync();
            started = true;
        }
        catch (Exception e)
        {
            var (message, code) = Describe(e);
            await Console.Error.WriteLineAsync($"{name}: {message}");
            if (app is not null)
            {
                await DisposeQuietlyAsync(app);
            }

            return code;
        }

        try
        {
            await app.WaitForShutdownAsync();
            await app.DisposeAsync();
            return 0;
        }
        catch (Exception e)
        {
            // A stop that failed part-way (the host has logged each failure with its exception):
            // one line, the rest of the shutdown, and an exit code that says it was not clean.
            await Console.Error.WriteLineAsync($"{name}: stopped, but not cleanly: {Flatten(e)}");
            await DisposeQuietlyAsync(app);
            return FailureExitCode;
        }
    }

    /// <summary>One line saying what went wrong and what to change, and the exit code.</summary>
    public static (string Message, int ExitCode) Describe(Exception exception) => exception switch
    {
        AggregateException { InnerExceptions.Count: 1 } one => Describe(one.InnerExceptions[0]),
        AggregateException many => (string.Join("; ", many.InnerExceptions.Select(e => Describe(e).Message)),
            many.InnerExceptions.Max(e => Describe(e).ExitCode)),
        StartupRefusal refusal => (refusal.Message, ConfigurationExitCode),
        OptionsValidationException invalid => ($"invalid configuration: {string.Join("; ", invalid.Failures)}", ConfigurationExitCode),

        // Binding a setting to its type: "Failed to convert configuration value 'abc' at 'X:Y' to type 'System.Int32'."
        InvalidOperationException bind when bind.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal) =>
            ($"invalid configuration: {bind.Message} Fix that setting.", ConfigurationExitCode),
        IOException { InnerException: AddressInUseException or SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse } } inUse =>
            ($"{inUse.Message} Stop what listens there, or choose another address (urls, HttpJsonUrls).", FailureExitCode),
        _ => ($"cannot start: {Flatten(exception)}", FailureExitCode),
    };

    private static string Flatten(Exception exception)
    {
        var messages = new List<string>();
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (!messages.Contains(e.Message, StringComparer.Ordinal))
            {
                messages.Add(e.Message);
            }
        }

        return string.Join(" <- ", messages).ReplaceLineEndings(" ");
    }

    private static async Task DisposeQuietlyAsync(WebApplication app)
    {
        try
        {
            await app.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception)
        {
            // Already failing: the one line has been printed; nothing more to say.
        }
    }
}
