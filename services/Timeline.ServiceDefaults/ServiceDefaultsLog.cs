using Microsoft.Extensions.Logging;

namespace Timeline.ServiceDefaults;

/// <summary>The log messages of what both services share, source-generated.</summary>
internal static partial class ServiceDefaultsLog
{
    [LoggerMessage(1, LogLevel.Error, "Unexpected failure in {Method}; answered INTERNAL with error id {ErrorId}")]
    public static partial void Unexpected(ILogger logger, Exception exception, string method, string errorId);

    [LoggerMessage(2, LogLevel.Information, "Refused a request to {Method} whose message cannot be parsed: {Field}: {Problem}")]
    public static partial void Unparsable(ILogger logger, string method, string field, string problem);

    [LoggerMessage(3, LogLevel.Information, "Refused an HTTP/JSON request to {Path}: {Status} {Message}")]
    public static partial void JsonRefused(ILogger logger, string path, int status, string message);

    [LoggerMessage(4, LogLevel.Warning, "The configuration changed {Settings} while the service runs; tokens, addresses, TLS and connection limits are read once at start, so the service keeps the ones it started with. Restart it to apply the change.")]
    public static partial void SecuritySettingsChanged(ILogger logger, string settings);
}
