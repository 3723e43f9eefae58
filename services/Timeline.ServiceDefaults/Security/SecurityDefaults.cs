using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Timeline.ServiceDefaults.HttpJson;

namespace Timeline.ServiceDefaults.Security;

/// <summary>
/// Names of the per-caller rate limiting policies. They apply per token; a service without
/// tokens (loopback only) has one anonymous caller and relies on its global limits instead.
/// </summary>
public static class RateLimits
{
    /// <summary>Token bucket on append requests, per caller.</summary>
    public const string Appends = "appends";

    /// <summary>Concurrent streaming calls, per caller.</summary>
    public const string Streams = "streams";
}

/// <summary>Bearer tokens with scopes, scope policies, per-caller limits, and the loopback guard.</summary>
public static class SecurityDefaults
{
    public static IServiceCollection AddTimelineSecurity(this IServiceCollection services)
    {
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AuthOptions>, AuthOptionsValidation>();
        services.AddHostedService<BindingGuard>();
        services.AddAuthentication(BearerTokenHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, BearerTokenHandler>(BearerTokenHandler.SchemeName, _ => { });
        var keyRing = new MemoryKeyRing();
        services.Configure<KeyManagementOptions>(keys =>
        {
            keys.XmlRepository = keyRing;
            keys.XmlEncryptor = keyRing;
        });
        services.AddAuthorization(options =>
        {
            foreach (var scope in Scopes.All)
            {
                options.AddPolicy(scope, policy => policy.RequireAuthenticatedUser().RequireClaim(Scopes.ClaimType, scope));
            }
        });
        services.AddRateLimiter(options =>
        {
            options.AddPolicy(RateLimits.Appends, context =>
            {
                var auth = context.RequestServices.GetRequiredService<IOptions<AuthOptions>>().Value;
                if (auth.IsOpen)
                {
                    return RateLimitPartition.GetNoLimiter(string.Empty);
                }

                return RateLimitPartition.GetTokenBucketLimiter(CallerName(context), _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = Math.Max(1, auth.AppendsPerSecondPerCaller * 2),
                    TokensPerPeriod = Math.Max(1, auth.AppendsPerSecondPerCaller),
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
            });
            options.AddPolicy(RateLimits.Streams, context =>
            {
                var auth = context.RequestServices.GetRequiredService<IOptions<AuthOptions>>().Value;
                if (auth.IsOpen)
                {
                    return RateLimitPartition.GetNoLimiter(string.Empty);
                }

                return RateLimitPartition.GetConcurrencyLimiter(CallerName(context), _ => new ConcurrencyLimiterOptions
                {
                    PermitLimit = Math.Max(1, auth.MaxStreamsPerCaller),
                    QueueLimit = 0,
                });
            });

            // A refusal is a gRPC RESOURCE_EXHAUSTED (a trailers-only response), not an HTTP 503 that
            // clients would read as UNAVAILABLE and retry at once.
            options.OnRejected = (context, cancellationToken) =>
            {
                var response = context.HttpContext.Response;
                var message = $"per-caller limit reached for '{CallerName(context.HttpContext)}'; retry later";
                if (!IsGrpc(context.HttpContext.Request))
                {
                    return new ValueTask(JsonStatus.WriteAsync(response, StatusCodes.Status429TooManyRequests, Google.Rpc.Code.ResourceExhausted, message, cancellationToken));
                }

                response.StatusCode = StatusCodes.Status200OK;
                response.ContentType = "application/grpc";
                response.Headers["grpc-status"] = "8";
                response.Headers["grpc-message"] = Uri.EscapeDataString(message);
                return ValueTask.CompletedTask;
            };
        });
        return services;
    }

    public static WebApplication UseTimelineSecurity(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        return app;
    }

    /// <summary>True for gRPC calls; false for HTTP/JSON (transcoded) ones.</summary>
    public static bool IsGrpc(HttpRequest request) =>
        request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true;

    /// <summary>The authenticated caller's token name ("anonymous" when the service has no tokens).</summary>
    public static string CallerName(HttpContext context) => context.User.Identity?.Name ?? "unauthenticated";
}
