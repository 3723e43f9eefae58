using System.Buffers;
using Google.Api;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Grpc.JsonTranscoding;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Template;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Timeline.Domain.Validation;
using Timeline.ServiceDefaults.Security;

namespace Timeline.ServiceDefaults.HttpJson;

/// <summary>
/// In front of the HTTP/JSON transcoding, so that an HTTP/JSON caller is answered as a gRPC caller
/// would be: the message-size limit (<c>Grpc:MaxReceiveMessageBytes</c>) applies to the body
/// (413 with RESOURCE_EXHAUSTED); a body that is not the request's JSON, a field of the wrong type,
/// an unknown field or an unreadable query parameter is a 400 whose <c>BadRequest</c> names each
/// (<see cref="JsonRequestCheck"/>); and a path or method with no route gets a JSON status too
/// (404, 405) instead of an empty body. gRPC calls, and routes marked <see cref="PlainHttpEndpoint"/>, pass straight through.
/// </summary>
internal sealed class HttpJsonGuard(RequestDelegate next, IOptions<GrpcServiceOptions> grpc, EndpointDataSource endpoints, ErrorDomain domain, ILogger<HttpJsonGuard> logger)
{
    private readonly Lazy<IReadOnlyList<(TemplateMatcher Matcher, IReadOnlyList<string> Methods)>> routes = new(() => Routes(endpoints));

    public async Task InvokeAsync(HttpContext context)
    {
        // A transcoded route is HTTP/JSON whatever the request claims to be; anything else that is gRPC is gRPC's.
        var endpoint = context.GetEndpoint();
        if (endpoint?.Metadata.GetMetadata<PlainHttpEndpoint>() is not null)
        {
            await next(context);
            return;
        }

        if (endpoint?.Metadata.GetMetadata<GrpcJsonTranscodingMetadata>() is not { } transcoded)
        {
            await (SecurityDefaults.IsGrpc(context.Request) ? next(context) : NoRouteAsync(context));
            return;
        }

        if (await CheckAsync(context, transcoded.MethodDescriptor, transcoded.HttpRule) is { } refusal)
        {
            ServiceDefaultsLog.JsonRefused(logger, context.Request.Path, refusal.HttpStatus, refusal.Status.Message);
            await JsonStatus.WriteAsync(context.Response, refusal.HttpStatus, refusal.Status, context.RequestAborted);
            return;
        }

        await next(context);
    }

    private async Task<(int HttpStatus, Google.Rpc.Status Status)?> CheckAsync(HttpContext context, MethodDescriptor method, HttpRule rule)
    {
        var request = context.Request;
        var violations = new List<FieldViolation>();
        var bodyDescriptor = rule.Body switch
        {
            "" => null,
            "*" => method.InputType,
            var name => method.InputType.FindFieldByName(name)?.MessageType,
        };
        var limit = grpc.Value.MaxReceiveMessageSize ?? int.MaxValue;
        if (request.ContentLength > limit)
        {
            return TooLarge(request.ContentLength.Value, limit);
        }

        if (bodyDescriptor is not null)
        {
            if (!IsJson(request.ContentType))
            {
                return (StatusCodes.Status415UnsupportedMediaType, Refusal([new(Wire.WireDiagnosis.WholeRequest, $"send the body as application/json, not '{request.ContentType}'")]));
            }

            var body = await ReadAsync(context, limit);
            if (body is null)
            {
                return TooLarge(null, limit);
            }

            request.Body = new MemoryStream(body.Value.Array!, body.Value.Offset, body.Value.Count, writable: false);
            JsonRequestCheck.Body(body.Value, bodyDescriptor, rule.Body == "*" ? "" : rule.Body, violations);
        }

        var routeFields = request.RouteValues.Keys.Where(name => method.InputType.FindFieldByName(name) is not null).ToHashSet(StringComparer.Ordinal);
        foreach (var name in routeFields)
        {
            JsonRequestCheck.Parameter(method.InputType, name, [request.RouteValues[name]?.ToString()], violations);
        }

        foreach (var (name, values) in request.Query)
        {
            if (rule.Body == "*")
            {
                violations.Add(new(name, "this route takes every field in the JSON body, none as a query parameter"));
            }
            else if (routeFields.Contains(name.Split('.')[0]))
            {
                violations.Add(new(name, "is given in the path"));
            }
            else
            {
                JsonRequestCheck.Parameter(method.InputType, name, values, violations);
            }
        }

        return violations.Count == 0 ? null : (StatusCodes.Status400BadRequest, Refusal(violations));
    }

    /// <summary>The body, read whole into memory up to the limit; null when it is longer.</summary>
    private static async Task<ArraySegment<byte>?> ReadAsync(HttpContext context, int limit)
    {
        // Our own count, not Kestrel's (its default would cut a larger configured limit at 30 MB).
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = null;
        }

        var buffer = new ArrayBufferWriter<byte>((int)Math.Min(context.Request.ContentLength ?? 4096, limit) + 1);
        while (true)
        {
            var memory = buffer.GetMemory(16 * 1024);
            var read = await context.Request.Body.ReadAsync(memory, context.RequestAborted);
            if (read == 0)
            {
                break;
            }

            buffer.Advance(read);
            if (buffer.WrittenCount > limit)
            {
                return null;
            }
        }

        return new ArraySegment<byte>(buffer.WrittenMemory.ToArray());
    }

    private (int, Google.Rpc.Status) TooLarge(long? length, int limit) =>
        (StatusCodes.Status413PayloadTooLarge, new Google.Rpc.Status
        {
            Code = (int)Code.ResourceExhausted,
            Message = $"the request body is {(length is { } l ? $"{l} bytes" : "longer than that")}; at most {limit} bytes are accepted (Grpc:MaxReceiveMessageBytes)",
            Details = { Any.Pack(new ErrorInfo { Reason = "MESSAGE_TOO_LARGE", Domain = domain.Name }) },
        });

    private Google.Rpc.Status Refusal(IReadOnlyList<FieldViolation> violations) =>
        ProblemStatus.From(ProblemException.Invalid(violations, Wire.GuardedMarshaller.Reason), domain.Name);

    /// <summary>404, or 405 with <c>Allow</c> when the path has routes for other methods.</summary>
    private async Task NoRouteAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        var allowed = routes.Value.Where(r => r.Matcher.TryMatch(path, [])).SelectMany(r => r.Methods).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (allowed.Count > 0)
        {
            context.Response.Headers.Allow = string.Join(", ", allowed);
            await JsonStatus.WriteAsync(context.Response, StatusCodes.Status405MethodNotAllowed, Code.Unimplemented,
                $"{context.Request.Method} is not allowed on {path}; use {string.Join(" or ", allowed)}", context.RequestAborted);
            return;
        }

        await JsonStatus.WriteAsync(context.Response, StatusCodes.Status404NotFound, Code.NotFound,
            $"no HTTP/JSON route {context.Request.Method} {path} (README, HTTP/JSON, lists them; gRPC methods need HTTP/2 and application/grpc)", context.RequestAborted);
    }

    private static List<(TemplateMatcher, IReadOnlyList<string>)> Routes(EndpointDataSource endpoints) =>
        [.. endpoints.Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<GrpcJsonTranscodingMetadata>() is not null)
            .Select(e => (new TemplateMatcher(new RouteTemplate(e.RoutePattern), []), e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? []))];

    private static bool IsJson(string? contentType) =>
        Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var media)
        && (media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) || media.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase));
}
