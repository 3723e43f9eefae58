using System.Collections.Frozen;
using Grpc.Core;
using Microsoft.AspNetCore.Http.Features;
using Timeline.ServiceDefaults;
using Timeline.ServiceDefaults.HttpJson;
using Timeline.ServiceDefaults.Security;
using Timeline.Storage.V1;
using Timeline.TimelineServer.Deadlines;
using Timeline.V1;

namespace Timeline.TimelineServer.Page;

/// <summary>
/// The page a person watches a situation on (docs/PAGE.md): its three files, embedded in this
/// assembly, served on the HTTP/JSON port with a Content-Security-Policy that allows nothing but
/// this origin's own script, style and requests; the live feed (<see cref="LiveFeed"/>); and an
/// event's revisions. The files hold no data: everything the page shows comes from the
/// timeline:read routes, so with tokens configured nothing is shown without one.
/// </summary>
public static class PageEndpoints
{
    /// <summary>Where the page is, relative to the HTTP/JSON address.</summary>
    public const string Path = "/page/";

    /// <summary>
    /// Nothing but this origin: no inline script or style element, no other host, no plugins, no
    /// framing. Styles set through the DOM (a bar's position) are not inline markup and are allowed.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static readonly FrozenDictionary<string, (string Resource, string ContentType)> Files = new Dictionary<string, (string, string)>
    {
        [""] = ("page.index.html", "text/html; charset=utf-8"),
        ["index.html"] = ("page.index.html", "text/html; charset=utf-8"),
        ["app.js"] = ("page.app.js", "text/javascript; charset=utf-8"),
        ["app.css"] = ("page.app.css", "text/css; charset=utf-8"),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, byte[]> Contents = Files.Values.Select(f => f.Resource).Distinct()
        .ToFrozenDictionary(name => name, Read, StringComparer.Ordinal);

    public static WebApplication MapTimelinePage(this WebApplication app)
    {
        app.MapGet("/", (HttpContext context) => Results.Redirect(Path)).WithMetadata(PlainHttpEndpoint.Instance);
        app.MapGet(Path + "{file?}", ServeAsync).WithMetadata(PlainHttpEndpoint.Instance);
        app.MapGet(Path + "live", (HttpContext context, LiveFeed feed) => feed.StreamAsync(context))
            .WithMetadata(PlainHttpEndpoint.Instance)
            .RequireAuthorization(Scopes.TimelineRead)
            .RequireRateLimiting(RateLimits.Streams);
        app.MapGet(Path + "history/{eventId}", HistoryAsync)
            .WithMetadata(PlainHttpEndpoint.Instance)
            .RequireAuthorization(Scopes.TimelineRead);
        app.MapGet(Path + "deadline-history/{deadlineId}", DeadlineHistoryAsync)
            .WithMetadata(PlainHttpEndpoint.Instance)
            .RequireAuthorization(Scopes.TimelineRead);
        var overview = new PageOverview();
        app.MapGet(Path + "overview", (HttpContext context, EventStoreService.EventStoreServiceClient storage) => overview.ServeAsync(context, storage))
            .WithMetadata(PlainHttpEndpoint.Instance)
            .RequireAuthorization(Scopes.TimelineRead);
        app.MapPageWrites();
        return app;
    }

    /// <summary>
    /// How one deadline's status moved, up to today: ReplayDeadlines over the longest window it
    /// takes (the last 100 years), as <c>{"changes":[DeadlineStatus...]}</c>.
    /// </summary>
    private static async Task DeadlineHistoryAsync(HttpContext context, string deadlineId, DeadlineProjection projection, DeadlineWatch watch, ErrorDomain domain)
    {
        Secure(context.Response);
        try
        {
            var today = watch.Today();
            var from = today.AddYears(-ReplayWindow.MaxYears);
            var window = ReplayWindow.Of(new ReplayDeadlinesRequest
            {
                DeadlineIds = { deadlineId },
                From = Domain.Dates.FuzzyDateProto.FormatDay(from < Domain.Dates.CalendarDay.MinValue ? Domain.Dates.CalendarDay.MinValue : from),
                To = Domain.Dates.FuzzyDateProto.FormatDay(today),
            });
            await projection.WaitUntilCaughtUpAsync(context.RequestAborted);
            var changes = window.Changes(projection.Current, today, projection.RiskWindowDays)
                .Select(c => LiveFeed.Json.Format(Grpc.DeadlineMapping.ToProto(c.Status, c.Deadline)));
            context.Response.ContentType = "application/json; charset=utf-8";
            await context.Response.WriteAsync("{\"changes\":[" + string.Join(",", changes) + "]}", context.RequestAborted);
        }
        catch (Domain.Validation.ProblemException problem)
        {
            await JsonStatus.WriteAsync(context.Response, ProblemStatus.From(problem, domain.Name), context.RequestAborted);
        }
    }

    private static async Task ServeAsync(HttpContext context, string? file)
    {
        var response = context.Response;
        Secure(response);
        if (!Files.TryGetValue(file ?? "", out var entry))
        {
            await JsonStatus.WriteAsync(response, StatusCodes.Status404NotFound, Google.Rpc.Code.NotFound, $"the page has no file '{file}'", context.RequestAborted);
            return;
        }

        response.ContentType = entry.ContentType;
        response.Headers.CacheControl = "no-cache";
        await response.Body.WriteAsync(Contents[entry.Resource], context.RequestAborted);
    }

    /// <summary>Every revision of one event, oldest first (storage's GetEventHistory), as protobuf JSON.</summary>
    private static async Task HistoryAsync(HttpContext context, string eventId, EventStoreService.EventStoreServiceClient storage)
    {
        Secure(context.Response);
        try
        {
            var history = await storage.GetEventHistoryAsync(new GetEventHistoryRequest { EventId = eventId }, cancellationToken: context.RequestAborted);
            context.Response.ContentType = "application/json; charset=utf-8";
            await context.Response.WriteAsync(LiveFeed.Json.Format(history), context.RequestAborted);
        }
        catch (RpcException e) when (!context.RequestAborted.IsCancellationRequested)
        {
            await JsonStatus.WriteAsync(context.Response, e, context.RequestAborted);
        }
    }

    /// <summary>The headers every answer of the page carries.</summary>
    internal static void Secure(HttpResponse response)
    {
        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers["Referrer-Policy"] = "no-referrer";
        response.Headers.XFrameOptions = "DENY";
    }

    /// <summary>
    /// One of the page's files as text (<c>index.html</c>, <c>app.js</c>, <c>app.css</c>): the HTML
    /// export (<c>timeline export --format html</c>) is this page with its data embedded.
    /// </summary>
    public static string Asset(string file) =>
        Files.TryGetValue(file, out var entry)
            ? System.Text.Encoding.UTF8.GetString(Contents[entry.Resource])
            : throw new ArgumentException($"the page has no file '{file}'", nameof(file));

    private static byte[] Read(string resource)
    {
        using var stream = typeof(PageEndpoints).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"the page's file {resource} is not embedded in {typeof(PageEndpoints).Assembly.GetName().Name}");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>Turns off response buffering, so each event of a stream reaches the browser when it is written.</summary>
    internal static void Unbuffered(HttpContext context) => context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
}
