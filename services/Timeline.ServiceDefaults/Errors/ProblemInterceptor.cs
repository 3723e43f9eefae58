using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;
using Timeline.Domain.Validation;

namespace Timeline.ServiceDefaults;

/// <summary>
/// Around every RPC of both services (gRPC and HTTP/JSON alike): refuses out-of-range Timestamp
/// fields before the method runs (<see cref="TimestampFields"/>), turns every
/// <see cref="ProblemException"/> into a rich <c>google.rpc.Status</c> (<see cref="ProblemStatus"/>),
/// and turns anything else that escapes a method into INTERNAL with a logged error id (never
/// UNKNOWN). The one place where refusals and failures become gRPC errors.
/// </summary>
public sealed class ProblemInterceptor(ErrorDomain domain, ILogger<ProblemInterceptor> logger) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            Check(request);
            return await continuation(request, context);
        }
        catch (Exception e) when (!PassesThrough(e, context))
        {
            throw Translate(e, context);
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            Check(request);
            await continuation(request, responseStream, context);
        }
        catch (Exception e) when (!PassesThrough(e, context))
        {
            throw Translate(e, context);
        }
    }

    public static RpcException ToRpcException(ProblemException problem, string errorDomain) =>
        ProblemStatus.From(problem, errorDomain).ToRpcException();

    private static void Check<TRequest>(TRequest request)
    {
        if (request is IMessage message)
        {
            TimestampFields.Require(message);
        }
    }

    /// <summary>
    /// True for what already is the answer: a status the method chose (or one from a downstream
    /// call), except UNKNOWN; and cancellation, when the caller went away or its deadline passed
    /// (gRPC answers that itself).
    /// </summary>
    private static bool PassesThrough(Exception e, ServerCallContext context) => e switch
    {
        RpcException rpc => rpc.StatusCode != StatusCode.Unknown,
        OperationCanceledException or IOException => context.CancellationToken.IsCancellationRequested,
        _ => false,
    };

    private RpcException Translate(Exception e, ServerCallContext context) => e is ProblemException problem
        ? ToRpcException(problem, domain.Name)
        : ProblemStatus.Unexpected(e, context.Method, domain.Name, logger);
}
