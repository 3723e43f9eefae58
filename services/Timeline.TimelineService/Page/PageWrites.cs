using System.Net;
using Google.Protobuf;
using Google.Rpc;
using Grpc.Core;
using Microsoft.Extensions.Options;
using Timeline.Domain.Dates;
using Timeline.Domain.Validation;
using Timeline.ServiceDefaults;
using Timeline.ServiceDefaults.HttpJson;
using Timeline.ServiceDefaults.Security;
using Timeline.Storage.V1;
using Timeline.V1;

namespace Timeline.TimelineServer.Page;

/// <summary>
/// What the page's form needs (docs/PAGE.md, <i>Adding and correcting</i>): who the caller is and
/// which scopes it has, a fuzzy date read back with the domain's own reader before anything is
/// stored, and one event appended to storage through its Append, with the caller's own token, so
/// storage validates it as it validates every client's and records the caller as its writer.
/// A state-changing request is refused unless it comes from the page's own origin (see
/// <see cref="SameOrigin"/>).
/// </summary>
public static class PageWrites
{
    private static readonly JsonParser Parser = new(JsonParser.Settings.Default);

    /// <summary>
    /// The caller's <c>Authorization</c> header while the page appends on its behalf; the storage
    /// client's call credentials send it instead of <c>Timeline:StorageToken</c> (which only reads).
    /// </summary>
    internal static readonly AsyncLocal<string?> ForwardedAuthorization = new();

    public static WebApplication MapPageWrites(this WebApplication app)
    {
        app.MapGet(PageEndpoints.Path + "me", Me)
            .WithMetadata(PlainHttpEndpoint.Instance)
            .RequireAuthorization(policy => policy.RequireAuthenticatedUser());
        app.MapGet(PageEndpoints.Path + "date", ReadDateAsync)
            .WithMetadata(PlainHttpEndpoint.Instance)
            .RequireAuthorization(Scopes.TimelineRead);
        app.MapPost(PageEndpoints.Path + "events", AppendAsync)
            .WithMetadata(PlainHttpEndpoint.Instance)
            .RequireAuthorization(Scopes.EventsWrite)
            .RequireRateLimiting(RateLimits.Appends);
        return app;
    }

    /// <summary>The caller's name and scopes: the page shows its form only with <c>events:write</c>.</summary>
    private static IResult Me(HttpContext context)
    {
        PageEndpoints.Secure(context.Response);
        var scopes = context.User.FindAll(Scopes.ClaimType).Select(c => c.Value).Distinct().Order(StringComparer.Ordinal).ToArray();
        return Results.Json(new { name = context.User.Identity?.Name ?? "", scopes });
    }

    /// <summary>
    /// <c>GET /page/date?text=late August 2023&amp;reference=2023-10-16</c> (or <c>edtf=2023-08</c>):
    /// the date as storage would store it (bounds, EDTF, display), or a 400 naming the field and why.
    /// Stores nothing.
    /// </summary>
    private static async Task ReadDateAsync(HttpContext context, ErrorDomain domain)
    {
        PageEndpoints.Secure(context.Response);
        var query = context.Request.Query;
        var date = new Timeline.V1.FuzzyDate { Text = query["text"].ToString().Trim(), Reference = query["reference"].ToString().Trim(), Edtf = query["edtf"].ToString().Trim() };
        var violations = new List<Domain.Validation.FieldViolation>();
        var resolved = new NewEventValidator(new EventLimits()).ResolveDate(date, "occurred", ReadDirection.Past, null, violations);
        if (resolved is null)
        {
            var status = ProblemStatus.From(ProblemException.Invalid(violations, NewEventValidator.UnresolvableDate), domain.Name);
            await JsonStatus.WriteAsync(context.Response, StatusCodes.Status400BadRequest, status, context.RequestAborted);
            return;
        }

        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(LiveFeed.Json.Format(resolved), context.RequestAborted);
    }

    /// <summary>
    /// <c>POST /page/events</c> with one <c>NewEvent</c> as protobuf JSON: storage's AppendEvents
    /// with that one event, under the caller's token. A correction is the same event id with
    /// <c>expected_revision</c> set to the revision the person corrected. The answer is storage's
    /// <c>AppendResult</c>, or its refusal as a <c>google.rpc.Status</c> whose field violations name
    /// the event's own fields (<c>occurred.text</c>, not <c>events[0].occurred.text</c>).
    /// </summary>
    private static async Task AppendAsync(HttpContext context, EventStoreService.EventStoreServiceClient storage, IOptions<AuthOptions> auth, ErrorDomain domain)
    {
        var response = context.Response;
        PageEndpoints.Secure(response);
        if (SameOrigin(context.Request, auth.Value.IsOpen) is { } refusal)
        {
            await JsonStatus.WriteAsync(response, StatusCodes.Status403Forbidden, Code.PermissionDenied, refusal, context.RequestAborted);
            return;
        }

        if (context.Request.ContentType is not { } type || !type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            await JsonStatus.WriteAsync(response, StatusCodes.Status415UnsupportedMediaType, Code.InvalidArgument, "body: send the event as application/json", context.RequestAborted);
            return;
        }

        NewEvent input;
        try
        {
            using var reader = new StreamReader(context.Request.Body);
            input = Parser.Parse<NewEvent>(await reader.ReadToEndAsync(context.RequestAborted));
        }
        catch (Exception e) when (e is InvalidProtocolBufferException or InvalidJsonException or FormatException)
        {
            await JsonStatus.WriteAsync(response, StatusCodes.Status400BadRequest, Code.InvalidArgument, "body: not an event in protobuf JSON: " + e.Message, context.RequestAborted);
            return;
        }

        ForwardedAuthorization.Value = context.Request.Headers.Authorization.ToString();
        try
        {
            var appended = await storage.AppendEventsAsync(new AppendEventsRequest { Events = { input } }, cancellationToken: context.RequestAborted);
            response.ContentType = "application/json; charset=utf-8";
            await response.WriteAsync(LiveFeed.Json.Format(appended.Results[0]), context.RequestAborted);
        }
        catch (RpcException e) when (!context.RequestAborted.IsCancellationRequested)
        {
            var status = e.GetRpcStatus() ?? new Google.Rpc.Status { Code = (int)e.StatusCode, Message = e.Status.Detail };
            await JsonStatus.WriteAsync(response, OwnFields(status), context.RequestAborted);
        }
        finally
        {
            ForwardedAuthorization.Value = null;
        }
    }

    /// <summary>
    /// CSRF: a browser always sends <c>Origin</c> with a POST, and another site cannot forge it, so
    /// a state-changing request must carry this service's own origin. Without tokens (loopback
    /// only) the host must also be a loopback name, so a rebound DNS name cannot pose as the page.
    /// With tokens the bearer token (a header, never a cookie) is a second barrier: another origin
    /// cannot make the browser send it. Returns why the request is refused, or null.
    /// </summary>
    internal static string? SameOrigin(Microsoft.AspNetCore.Http.HttpRequest request, bool open)
    {
        var host = request.Host;
        if (open && !IsLoopback(host.Host))
        {
            return $"Host: '{host}' is not a loopback address; without tokens the service only answers on loopback";
        }

        string? origin = request.Headers.Origin;
        if (string.IsNullOrEmpty(origin))
        {
            return "Origin: required on a request that stores something (the page's own origin)";
        }

        var expected = $"{request.Scheme}://{host}";
        return string.Equals(origin, expected, StringComparison.OrdinalIgnoreCase)
            ? null
            : $"Origin: '{origin}' is not this page's origin ({expected}); a request that stores something must come from the page itself";
    }

    private static bool IsLoopback(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));

    /// <summary>Storage names the fields of a batch (<c>events[0].title</c>); the form has one event.</summary>
    private static Google.Rpc.Status OwnFields(Google.Rpc.Status status)
    {
        const string Prefix = "events[0].";
        var copy = status.Clone();
        copy.Message = copy.Message.Replace(Prefix, "", StringComparison.Ordinal);
        for (var i = 0; i < copy.Details.Count; i++)
        {
            if (copy.Details[i].TryUnpack<BadRequest>(out var bad))
            {
                foreach (var v in bad.FieldViolations)
                {
                    v.Field = v.Field.StartsWith(Prefix, StringComparison.Ordinal) ? v.Field[Prefix.Length..] : v.Field;
                }

                copy.Details[i] = Google.Protobuf.WellKnownTypes.Any.Pack(bad);
            }
        }

        return copy;
    }
}
