using Store.Compute.Queue;

namespace Store.Compute.Builtin;

public static class BuiltinWorkerServices
{
    /// <summary>
    /// Registered here rather than with the queue: the built-in worker depends on Compute/Queue, and the queue must not
    /// depend back on the worker.
    /// </summary>
    public static IServiceCollection AddBuiltinWorker(this IServiceCollection services, JobOptions options)
    {
        if (options.BuiltinWorker) services.AddHostedService<BuiltinWorker>();
        return services;
    }
}
