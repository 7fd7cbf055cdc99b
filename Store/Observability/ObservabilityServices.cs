using Store.Health.Ready;

namespace Store.Observability;

public static class ObservabilityServices
{
    public static IServiceCollection AddObservability(this IServiceCollection services, ObservabilityOptions options)
    {
        services.AddSingleton(options);
        services.AddHostedService<StartupLines>();
        services.AddSingleton<ReadinessChecks>();
        services.AddStoreMetrics(options);
        return services;
    }
}
