using Store.Hosting;

namespace Store.Worker;

public static class BuiltinWorkerServices
{
    /// <summary>
    /// Registered here rather than with the queue: the worker depends on Jobs/Shared, and Jobs/Shared must not
    /// depend back on the worker.
    /// </summary>
    public static IServiceCollection AddBuiltinWorker(this IServiceCollection services, StoreSettings settings)
    {
        if (settings.BuiltinWorker) services.AddHostedService<BuiltinWorker>();
        return services;
    }
}
