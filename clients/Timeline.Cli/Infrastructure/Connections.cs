using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Timeline.Storage.V1;
using Timeline.V1;

namespace Timeline.Cli.Infrastructure;

/// <summary>
/// gRPC channels to the two services, opened on first use and closed with the command. With a
/// token, every call to either service carries <c>authorization: Bearer TOKEN</c>.
/// </summary>
internal sealed class Connections(Uri storageAddress, Uri timelineAddress, string? token = null) : IDisposable
{
    private GrpcChannel? storageChannel;
    private GrpcChannel? timelineChannel;

    public StorageClient Storage =>
        new(Invoker(storageChannel ??= GrpcChannel.ForAddress(storageAddress)));

    public TimelineClient Timeline =>
        new(Invoker(timelineChannel ??= GrpcChannel.ForAddress(timelineAddress)));

    public static Connections From(CommonOptions options, System.CommandLine.ParseResult result) =>
        new(options.StorageAddress(result), options.TimelineAddress(result), options.BearerToken(result));

    /// <summary>The header value sent with every call, or null without a token.</summary>
    public static string? Authorization(string? token) => string.IsNullOrWhiteSpace(token) ? null : $"Bearer {token.Trim()}";

    public void Dispose()
    {
        storageChannel?.Dispose();
        timelineChannel?.Dispose();
    }

    private CallInvoker Invoker(GrpcChannel channel)
    {
        // An interceptor rather than CallCredentials: those are only sent over TLS, and the
        // services' loopback endpoints are cleartext HTTP/2.
        return Authorization(token) is { } header
            ? channel.Intercept(metadata =>
            {
                metadata.Add("authorization", header);
                return metadata;
            })
            : channel.CreateCallInvoker();
    }
}
