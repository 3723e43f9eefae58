using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Timeline.ServiceDefaults;

/// <summary>What a service reports: its name, and its own meters and activity sources.</summary>
public sealed record TelemetryNames(string ServiceName, IReadOnlyList<string> Meters, IReadOnlyList<string> ActivitySources);

/// <summary>
/// OpenTelemetry traces and metrics: the service's own meters and sources, ASP.NET Core (server
/// side, gRPC and HTTP/JSON alike) and HttpClient (outgoing gRPC). Exported over OTLP when
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is configured; otherwise the SDK is not even registered,
/// so nothing is collected or exported. The meters still work with <c>dotnet-counters</c>.
/// </summary>
public static class TelemetryDefaults
{
    public const string OtlpEndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>OTLP export of <paramref name="names"/> when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (the other <c>OTEL_*</c> settings apply).</summary>
    public static WebApplicationBuilder AddTimelineTelemetry(this WebApplicationBuilder builder, TelemetryNames names)
    {
        if (!string.IsNullOrWhiteSpace(builder.Configuration[OtlpEndpointKey]))
        {
            builder.Services.AddTimelineOpenTelemetry(names).UseOtlpExporter();
        }

        return builder;
    }

    /// <summary>
    /// The service's OpenTelemetry pipeline, for an exporter of the caller's choice (a test adds
    /// the in-memory one). Calling it again only returns the builder.
    /// </summary>
    public static OpenTelemetryBuilder AddTimelineOpenTelemetry(this IServiceCollection services, TelemetryNames names)
    {
        var telemetry = services.AddOpenTelemetry();
        if (services.Any(d => d.ServiceType == typeof(TelemetryNames)))
        {
            return telemetry;
        }

        services.AddSingleton(names);
        return telemetry
            .ConfigureResource(resource => resource.AddService(names.ServiceName))
            .WithTracing(tracing => tracing
                .AddSource([.. names.ActivitySources])
                .AddAspNetCoreInstrumentation(options => options.Filter = context => !IsHealthOrReflection(context.Request.Path))
                .AddHttpClientInstrumentation())
            .WithMetrics(metrics => metrics
                .AddMeter([.. names.Meters])
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation());
    }

    // Probes and tooling would drown the traces that matter.
    private static bool IsHealthOrReflection(Microsoft.AspNetCore.Http.PathString path) =>
        path.StartsWithSegments("/grpc.health.v1.Health", StringComparison.Ordinal)
        || path.StartsWithSegments("/grpc.reflection.v1alpha.ServerReflection", StringComparison.Ordinal)
        || path.StartsWithSegments("/grpc.reflection.v1.ServerReflection", StringComparison.Ordinal);
}
