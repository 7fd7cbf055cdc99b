using Store.Health.Ready;
using Store.Hosting;

namespace Store.Observability;

public static class ObservabilityServices
{
    public static IServiceCollection AddObservability(this IServiceCollection services, StoreSettings settings)
    {
        services.AddHostedService<StartupLines>();
        services.AddSingleton<ReadinessChecks>();
        services.AddStoreMetrics(settings);
        return services;
    }
}
