using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Timeline.ServiceDefaults.Logging;

/// <summary>
/// What a request can put in the log (docs/SECURITY.md): console lines are written by
/// <see cref="SafeConsoleFormatter"/>, which escapes every control character, so no request forges
/// a line or talks to the terminal; and ASP.NET Core's request logging ("Request starting ... path
/// and query string", Information) is off by default, so a query string, and a token someone put
/// in one, stays out of the log. It is the lowest-precedence default of
/// <c>Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics</c>: setting that to
/// <c>Information</c> anywhere (file, environment, command line) turns it on, still escaped.
/// </summary>
internal static class LoggingDefaults
{
    public const string RequestLoggingKey = "Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics";

    public static void AddTimelineLogging(this WebApplicationBuilder builder)
    {
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource
        {
            InitialData = [new(RequestLoggingKey, nameof(LogLevel.Warning))],
        });
        builder.Logging.AddConsoleFormatter<SafeConsoleFormatter, ConsoleFormatterOptions>();
        builder.Services.Configure<ConsoleLoggerOptions>(options =>
        {
            if (string.IsNullOrEmpty(options.FormatterName))
            {
                options.FormatterName = SafeConsoleFormatter.Name;
            }
        });
    }
}
