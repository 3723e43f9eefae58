using Timeline.ServiceDefaults.Clients;

namespace Timeline.Cli.Infrastructure;

/// <summary>
/// One of the two services as the CLI was told to reach it: which service, its addresses (one, a
/// comma-separated list balanced round robin, or a dns:/// name; see <see cref="ServiceAddresses"/>),
/// and where they came from (a flag, an environment variable or the default), so that every error
/// about it can say what to change.
/// </summary>
internal sealed record ServiceEndpoint(string Role, ServiceAddresses Addresses, string Option, string Source)
{
    /// <summary>The gRPC service a storage address must serve.</summary>
    public const string StorageServiceName = "timeline.storage.v1.EventStoreService";

    /// <summary>The gRPC service a timeline address must serve.</summary>
    public const string TimelineServiceName = "timeline.v1.TimelineService";

    public const string StorageRole = "storage service";

    public const string TimelineRole = "timeline service";

    /// <summary>The gRPC service this endpoint must serve.</summary>
    public string ServiceName => Role == StorageRole ? StorageServiceName : TimelineServiceName;

    /// <summary>The first (for one address: the) address.</summary>
    public Uri Address => Addresses.Addresses[0];

    public static ServiceEndpoint Storage(Uri address) => new(StorageRole, ServiceAddresses.Parse(address.OriginalString), "--storage", "--storage");

    public static ServiceEndpoint Timeline(Uri address) => new(TimelineRole, ServiceAddresses.Parse(address.OriginalString), "--timeline", "--timeline");

    /// <summary>"http://127.0.0.1:5202 (--timeline)", "... (from TIMELINE_TIMELINE_ADDRESS)" or "... (the default; set --timeline)"; several addresses are listed.</summary>
    public string Named => Source == Option ? $"{Addresses} ({Option})"
        : Source.Length > 0 ? $"{Addresses} (from {Source})"
        : $"{Addresses} (the default; set {Option})";

    /// <summary>"127.0.0.1:5202".</summary>
    public string HostAndPort => Address.IsDefaultPort ? Address.Host : $"{Address.Host}:{Address.Port}";

    /// <summary>Each address on its own, with this endpoint's role and source (to diagnose them one by one).</summary>
    public IEnumerable<ServiceEndpoint> Each() =>
        Addresses.Dns is not null ? [this] : Addresses.Addresses.Select(a => this with { Addresses = ServiceAddresses.Parse(a.OriginalString) });
}
