using Google.Protobuf;
using Microsoft.AspNetCore.Http;

namespace Timeline.ServiceDefaults.Security;

/// <summary>A refusal made before the RPC runs (authentication, limits), written for an HTTP/JSON caller as the same <c>google.rpc.Status</c> JSON the transcoded RPCs return.</summary>
internal static class JsonStatus
{
    public static Task WriteAsync(HttpResponse response, int httpStatus, Google.Rpc.Code code, string message, CancellationToken cancellationToken)
    {
        response.StatusCode = httpStatus;
        response.ContentType = "application/json; charset=utf-8";
        var status = new Google.Rpc.Status { Code = (int)code, Message = message };
        return response.WriteAsync(JsonFormatter.Default.Format(status), cancellationToken);
    }
}
