using System.Security.Cryptography;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Timeline.Domain.Validation;

namespace Timeline.ServiceDefaults;

/// <summary>
/// The one mapping from refusals and failures to a rich <c>google.rpc.Status</c> (AIP-193): the
/// canonical code, a <c>BadRequest</c> naming each refused field and an <c>ErrorInfo</c> with the
/// reason. gRPC callers get it in <c>grpc-status-details-bin</c>; HTTP/JSON callers as the body.
/// </summary>
public static class ProblemStatus
{
    /// <summary>The <c>ErrorInfo.metadata</c> key that carries the id an unexpected failure was logged with.</summary>
    public const string ErrorIdKey = "error_id";

    /// <summary>The <c>ErrorInfo.metadata</c> key that carries how many fields were refused, when there are more than are listed.</summary>
    public const string ViolationsKey = "violations";

    /// <summary>The most field violations one status lists.</summary>
    public const int MaxViolations = 100;

    private const int MaxDescriptionLength = 300;

    public static Google.Rpc.Status From(ProblemException problem, string errorDomain)
    {
        var status = new Google.Rpc.Status
        {
            Code = (int)ToCode(problem.Kind),
            Message = problem.Message,
        };
        var info = new ErrorInfo { Reason = problem.Reason, Domain = errorDomain };
        if (problem.Violations.Count > 0)
        {
            // The details travel in a gRPC trailer, and clients refuse headers past 64 KiB (a
            // batch of a thousand bad events has thousands of violations): the first ones, and the count.
            var badRequest = new BadRequest();
            foreach (var v in problem.Violations.Take(MaxViolations))
            {
                badRequest.FieldViolations.Add(new BadRequest.Types.FieldViolation { Field = v.Field, Description = NewEventValidator.Quote(v.Description, MaxDescriptionLength) });
            }

            status.Details.Add(Any.Pack(badRequest));
            if (problem.Violations.Count > MaxViolations)
            {
                info.Metadata[ViolationsKey] = problem.Violations.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        status.Details.Add(Any.Pack(info));
        return status;
    }

    /// <summary>
    /// The last line of defence: an exception nobody expected is logged (with the exception) under
    /// a fresh error id, and the caller gets INTERNAL with that id, never UNKNOWN or the exception's text.
    /// </summary>
    public static RpcException Unexpected(Exception exception, string method, string errorDomain, ILogger logger)
    {
        var errorId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        ServiceDefaultsLog.Unexpected(logger, exception, method, errorId);
        var status = new Google.Rpc.Status
        {
            Code = (int)Google.Rpc.Code.Internal,
            Message = $"internal error {errorId}: the service failed unexpectedly and logged it under this id; retrying may help",
            Details =
            {
                Any.Pack(new ErrorInfo { Reason = "INTERNAL", Domain = errorDomain, Metadata = { [ErrorIdKey] = errorId } }),
            },
        };
        return status.ToRpcException();
    }

    /// <summary>The HTTP status an HTTP/JSON caller gets for a code (as the JSON transcoding maps them).</summary>
    public static int HttpStatus(Google.Rpc.Code code) => code switch
    {
        Google.Rpc.Code.Ok => 200,
        Google.Rpc.Code.InvalidArgument or Google.Rpc.Code.FailedPrecondition or Google.Rpc.Code.OutOfRange => 400,
        Google.Rpc.Code.Unauthenticated => 401,
        Google.Rpc.Code.PermissionDenied => 403,
        Google.Rpc.Code.NotFound => 404,
        Google.Rpc.Code.Aborted or Google.Rpc.Code.AlreadyExists => 409,
        Google.Rpc.Code.ResourceExhausted => 429,
        Google.Rpc.Code.Cancelled => 408,
        Google.Rpc.Code.Unimplemented => 501,
        Google.Rpc.Code.Unavailable => 503,
        Google.Rpc.Code.DeadlineExceeded => 504,
        _ => 500,
    };

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
