using Google.Protobuf.Reflection;
using Grpc.Core;

namespace Timeline.IntegrationTests.Reliability.Probes;

/// <summary>What one call came to: its status (OK when a stream sent its first message or ended cleanly) and the rich status, if any.</summary>
internal sealed record RpcOutcome(StatusCode Code, string Detail, Google.Rpc.Status? Rich, byte[]? Response = null)
{
    public IEnumerable<string> ViolatedFields => Rich?.GetDetail<Google.Rpc.BadRequest>()?.FieldViolations.Select(v => v.Field) ?? [];

    public override string ToString() => $"{Code} \"{Detail}\"";
}

/// <summary>
/// Calls any method of a service by its descriptor with request bytes as given, through a real
/// client (<see cref="CallInvoker"/> over the channel's HTTP/2 connection): generated requests,
/// and bytes no generated client would send.
/// </summary>
internal static class RawGrpc
{
    private static readonly Marshaller<byte[]> Bytes = Marshallers.Create(b => b, b => b);

    public static async Task<RpcOutcome> CallAsync(CallInvoker invoker, MethodDescriptor method, byte[] request, TimeSpan timeout)
    {
        var options = new CallOptions(deadline: DateTime.UtcNow.Add(timeout));
        var raw = new Method<byte[], byte[]>(method.IsServerStreaming ? MethodType.ServerStreaming : MethodType.Unary, method.Service.FullName, method.Name, Bytes, Bytes);
        try
        {
            if (method.IsServerStreaming)
            {
                // The first message, or the status: enough to tell an accepted stream from a refused one.
                using var call = invoker.AsyncServerStreamingCall(raw, null, options, request);
                var first = await call.ResponseStream.MoveNext(CancellationToken.None) ? call.ResponseStream.Current : null;
                return new RpcOutcome(StatusCode.OK, "", null, first);
            }

            using var unary = invoker.AsyncUnaryCall(raw, null, options, request);
            return new RpcOutcome(StatusCode.OK, "", null, await unary.ResponseAsync);
        }
        catch (RpcException e)
        {
            return new RpcOutcome(e.StatusCode, e.Status.Detail, e.GetRpcStatus());
        }
    }
}
