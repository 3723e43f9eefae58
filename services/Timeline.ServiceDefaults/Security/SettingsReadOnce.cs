using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace Timeline.ServiceDefaults.Security;

/// <summary>
/// Security settings are read once, at start, and hold for the life of the process: the token set
/// (<see cref="BearerTokenHandler"/> reads <c>IOptions</c>, not the monitor), the addresses and TLS
/// (<c>urls</c>, <c>HttpJsonUrls</c>, <c>Kestrel:*</c>: Kestrel's own reload of its endpoints is
/// turned off) and the connection limits. A configuration file edited under a running service may
/// change other settings (log levels), but never these; when it tries, this says so in one warning
/// naming the settings, so an operator knows a restart is needed (and the loopback guard and the
/// token checks then run again on the new values).
/// </summary>
internal sealed class SettingsReadOnce(IConfiguration configuration, ILogger<SettingsReadOnce> logger) : IHostedService, IDisposable
{
    /// <summary>The settings (and sections) read once.</summary>
    public static readonly string[] Keys = [AuthOptions.Section, "Kestrel", "urls", "http_ports", "https_ports", TimelineEndpoints.HttpJsonUrlsKey];

    private Dictionary<string, string?> started = [];
    private IDisposable? watch;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        started = Snapshot();
        watch = ChangeToken.OnChange(configuration.GetReloadToken, Compare);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        watch?.Dispose();
        watch = null;
    }

    private void Compare()
    {
        var now = Snapshot();
        var changed = started.Keys.Union(now.Keys, StringComparer.OrdinalIgnoreCase)
            .Where(k => !string.Equals(started.GetValueOrDefault(k), now.GetValueOrDefault(k), StringComparison.Ordinal))
            .Order(StringComparer.OrdinalIgnoreCase)
            .ToList();
        if (changed.Count > 0)
        {
            ServiceDefaultsLog.SecuritySettingsChanged(logger, string.Join(", ", changed.Take(20)) + (changed.Count > 20 ? $" (and {changed.Count - 20} more)" : ""));
        }
    }

    private Dictionary<string, string?> Snapshot()
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var key in Keys)
        {
            foreach (var (path, value) in configuration.GetSection(key).AsEnumerable(makePathsRelative: false))
            {
                values[path] = value;
            }
        }

        return values;
    }
}
