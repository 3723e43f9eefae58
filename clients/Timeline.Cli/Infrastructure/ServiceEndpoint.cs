namespace Timeline.Cli.Infrastructure;

/// <summary>
/// One of the two services as the CLI was told to reach it: which service, its address, and where
/// the address came from (a flag, an environment variable or the default), so that every error
/// about it can say what to change.
/// </summary>
internal sealed record ServiceEndpoint(string Role, Uri Address, string Option, string Source)
{
    /// <summary>The gRPC service a storage address must serve.</summary>
    public const string StorageServiceName = "timeline.storage.v1.EventStoreService";

    /// <summary>The gRPC service a timeline address must serve.</summary>
    public const string TimelineServiceName = "timeline.v1.TimelineService";

    /// <summary>The gRPC service this endpoint must serve.</summary>
    public string ServiceName => Role == StorageRole ? StorageServiceName : TimelineServiceName;

    public const string StorageRole = "storage service";

    public const string TimelineRole = "timeline service";

    public static ServiceEndpoint Storage(Uri address) => new(StorageRole, address, "--storage", "--storage");

    public static ServiceEndpoint Timeline(Uri address) => new(TimelineRole, address, "--timeline", "--timeline");

    /// <summary>"http://127.0.0.1:5202 (--timeline)", "... (from TIMELINE_TIMELINE_ADDRESS)" or "... (the default; set --timeline)".</summary>
    public string Named => Source == Option ? $"{Address.OriginalString.TrimEnd('/')} ({Option})"
        : Source.Length > 0 ? $"{Address.OriginalString.TrimEnd('/')} (from {Source})"
        : $"{Address.OriginalString.TrimEnd('/')} (the default; set {Option})";

    /// <summary>"127.0.0.1:5202".</summary>
    public string HostAndPort => Address.IsDefaultPort ? Address.Host : $"{Address.Host}:{Address.Port}";
}
