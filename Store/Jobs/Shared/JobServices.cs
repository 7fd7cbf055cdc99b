using Store.Hosting;
using Store.Worker;

namespace Store.Jobs.Shared;

public static class JobServices
{
    /// <summary>The queue, its signals and folders, the lease/retention sweep, and the built-in worker unless turned off.</summary>
    public static IServiceCollection AddJobs(this IServiceCollection services, StoreSettings settings)
    {
        services.AddSingleton<JobFolders>();
        services.AddSingleton<JobSignals>();
        services.AddSingleton<JobQueue>();
        services.AddSingleton<JobRetention>();
        services.AddHostedService<JobMaintenance>();
        if (settings.BuiltinWorker) services.AddHostedService<BuiltinWorker>();
        return services;
    }
}
