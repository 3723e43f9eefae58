using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Timeline.Domain.Validation;

namespace Timeline.ServiceDefaults;

/// <summary>
/// Turns every <see cref="ProblemException"/> into a rich <c>google.rpc.Status</c> (AIP-193):
/// the canonical code, a <c>BadRequest</c> naming each refused field and an <c>ErrorInfo</c>
/// reason. The one place where domain refusals become gRPC errors.
/// </summary>
public sealed class ProblemInterceptor(ErrorDomain domain) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (ProblemException problem)
        {
            throw ToRpcException(problem, domain.Name);
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (ProblemException problem)
        {
            throw ToRpcException(problem, domain.Name);
        }
    }

    public static RpcException ToRpcException(ProblemException problem, string errorDomain)
    {
        var status = new Google.Rpc.Status
        {
            Code = (int)ToCode(problem.Kind),
            Message = problem.Message,
        };
        if (problem.Violations.Count > 0)
        {
            var badRequest = new BadRequest();
            foreach (var v in problem.Violations)
            {
                badRequest.FieldViolations.Add(new BadRequest.Types.FieldViolation { Field = v.Field, Description = v.Description });
            }

            status.Details.Add(Any.Pack(badRequest));
        }

        status.Details.Add(Any.Pack(new ErrorInfo { Reason = problem.Reason, Domain = errorDomain }));
        return status.ToRpcException();
    }

    private static Google.Rpc.Code ToCode(ProblemKind kind) => kind switch
    {
        ProblemKind.InvalidArgument => Google.Rpc.Code.InvalidArgument,
        ProblemKind.OutOfRange => Google.Rpc.Code.OutOfRange,
        ProblemKind.NotFound => Google.Rpc.Code.NotFound,
        ProblemKind.FailedPrecondition => Google.Rpc.Code.FailedPrecondition,
        ProblemKind.ResourceExhausted => Google.Rpc.Code.ResourceExhausted,
        ProblemKind.Unavailable => Google.Rpc.Code.Unavailable,
        _ => Google.Rpc.Code.Internal,
    };
}

/// <summary>The <c>ErrorInfo.domain</c> of a service, e.g. <c>timeline.storage</c>.</summary>
public sealed record ErrorDomain(string Name);
