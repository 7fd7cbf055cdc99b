using OpenTelemetry.Metrics;
using Store.Auth;

namespace Store.Observability;

/// <summary>
/// GET /metrics in Prometheus text format, only with METRICS_ENABLED. Public, as Prometheus scrapes
/// without credentials: the numbers name routes and counts, never content, labels or callers.
/// </summary>
public static class MetricsSetup
{
    public static void AddStoreMetrics(this IServiceCollection services, ObservabilityOptions options)
    {
        if (!options.MetricsEnabled) return;
        services.AddSingleton<StateMetrics>();
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(StoreMetrics.MeterName)
            // Each scrape reads the numbers anew: a cached answer would hide what a request just did.
            .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0));
    }

    public static void MapStoreMetrics(this WebApplication app, ObservabilityOptions options)
    {
        if (!options.MetricsEnabled) return;
        app.Services.GetRequiredService<StateMetrics>();
        app.MapPrometheusScrapingEndpoint("/metrics").RequireAccess(Access.Public).ExcludeFromDescription();
    }
}
