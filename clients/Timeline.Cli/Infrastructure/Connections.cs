using Grpc.Net.Client;
using Timeline.Storage.V1;
using Timeline.V1;

namespace Timeline.Cli.Infrastructure;

/// <summary>gRPC channels to the two services, opened on first use and closed with the command.</summary>
internal sealed class Connections(Uri storageAddress, Uri timelineAddress) : IDisposable
{
    private GrpcChannel? storageChannel;
    private GrpcChannel? timelineChannel;

    public StorageClient Storage =>
        new((storageChannel ??= GrpcChannel.ForAddress(storageAddress)));

    public TimelineClient Timeline =>
        new((timelineChannel ??= GrpcChannel.ForAddress(timelineAddress)));

    public static Connections From(CommonOptions options, System.CommandLine.ParseResult result) =>
        new(options.StorageAddress(result), options.TimelineAddress(result));

    public void Dispose()
    {
        storageChannel?.Dispose();
        timelineChannel?.Dispose();
    }
}
