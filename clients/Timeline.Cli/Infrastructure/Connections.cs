using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;

namespace Timeline.Cli.Infrastructure;

/// <summary>
/// gRPC channels to the two services, opened on first use and closed with the command. Every call
/// has a deadline (<see cref="CallGuard"/>: the --timeout for a unary call, the same for a stream's
/// first answer), a failure to reach a service becomes a message naming the address and what was
/// expected there (<see cref="ConnectionProblem"/>), and with a token every call to either service
/// carries <c>authorization: Bearer TOKEN</c>. Each service may have several addresses: calls are
/// balanced round robin and a call answered UNAVAILABLE is tried again, on another address when
/// there are several (<see cref="Timeline.ServiceDefaults.Clients.ServiceAddresses"/>).
/// </summary>
internal sealed class Connections(ServiceEndpoint storage, ServiceEndpoint timeline, string? token = null, TimeSpan? timeout = null, TimeProvider? clock = null) : IDisposable
{
    private readonly TimeSpan callTimeout = timeout ?? CommonOptions.DefaultTimeout;
    private readonly TimeProvider time = clock ?? TimeProvider.System;
    private GrpcChannel? storageChannel;
    private GrpcChannel? timelineChannel;

    public Connections(Uri storageAddress, Uri timelineAddress, string? token = null)
        : this(ServiceEndpoint.Storage(storageAddress), ServiceEndpoint.Timeline(timelineAddress), token)
    {
    }

    public ServiceEndpoint StorageEndpoint => storage;

    public ServiceEndpoint TimelineEndpoint => timeline;

    public TimeSpan Timeout => callTimeout;

    public StorageClient Storage =>
        new(Invoker(storageChannel ??= storage.Addresses.CreateChannel(), storage));

    public TimelineClient Timeline =>
        new(Invoker(timelineChannel ??= timeline.Addresses.CreateChannel(), timeline));

    public static Connections From(CommonOptions options, System.CommandLine.ParseResult result) =>
        new(options.StorageEndpoint(result), options.TimelineEndpoint(result), options.BearerToken(result), options.CallTimeout(result));

    /// <summary>The header value sent with every call, or null without a token.</summary>
    public static string? Authorization(string? token) => string.IsNullOrWhiteSpace(token) ? null : $"Bearer {token.Trim()}";

    public void Dispose()
    {
        storageChannel?.Dispose();
        timelineChannel?.Dispose();
    }

    private CallInvoker Invoker(GrpcChannel channel, ServiceEndpoint endpoint)
    {
        var guarded = channel.Intercept(new CallGuard(endpoint, callTimeout, time));

        // An interceptor rather than CallCredentials: those are only sent over TLS, and the
        // services' loopback endpoints are cleartext HTTP/2.
        return Authorization(token) is { } header
            ? guarded.Intercept(metadata =>
            {
                metadata.Add("authorization", header);
                return metadata;
            })
            : guarded;
    }
}
