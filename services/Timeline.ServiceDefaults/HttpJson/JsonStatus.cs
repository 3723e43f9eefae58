using Google.Protobuf;
using Google.Protobuf.Reflection;
using Microsoft.AspNetCore.Http;
using BadRequest = Google.Rpc.BadRequest;
using Code = Google.Rpc.Code;
using ErrorInfo = Google.Rpc.ErrorInfo;

namespace Timeline.ServiceDefaults.HttpJson;

/// <summary>
/// A refusal made before the RPC runs (authentication, limits, a body that is not the request's
/// JSON, no such route), written for an HTTP/JSON caller as the same <c>google.rpc.Status</c> JSON
/// the transcoded RPCs return.
/// </summary>
public static class JsonStatus
{
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithTypeRegistry(TypeRegistry.FromMessages(BadRequest.Descriptor, ErrorInfo.Descriptor)));

    public static Task WriteAsync(HttpResponse response, int httpStatus, Code code, string message, CancellationToken cancellationToken) =>
        WriteAsync(response, httpStatus, new Google.Rpc.Status { Code = (int)code, Message = message }, cancellationToken);

    /// <summary>A status with the HTTP status its code maps to (<see cref="ProblemStatus.HttpStatus"/>).</summary>
    public static Task WriteAsync(HttpResponse response, Google.Rpc.Status status, CancellationToken cancellationToken) =>
        WriteAsync(response, ProblemStatus.HttpStatus((Code)status.Code), status, cancellationToken);

    /// <summary>A downstream call's failure (storage's), passed on to an HTTP/JSON caller with its code and message.</summary>
    public static Task WriteAsync(HttpResponse response, Grpc.Core.RpcException failure, CancellationToken cancellationToken)
    {
        var code = (Code)(int)failure.StatusCode;
        return WriteAsync(response, ProblemStatus.HttpStatus(code), code, failure.Status.Detail, cancellationToken);
    }

    public static Task WriteAsync(HttpResponse response, int httpStatus, Google.Rpc.Status status, CancellationToken cancellationToken)
    {
        response.StatusCode = httpStatus;
        response.ContentType = "application/json; charset=utf-8";
        return response.WriteAsync(Formatter.Format(status), cancellationToken);
    }
}
