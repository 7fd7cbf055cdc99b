namespace Store.Compute.Queue;

public static class JobServices
{
    /// <summary>The queue, its signals and folders, and the lease/retention sweep (the built-in worker registers itself: Compute/Builtin).</summary>
    public static IServiceCollection AddJobs(this IServiceCollection services)
    {
        services.AddSingleton<JobFolders>();
        services.AddSingleton<JobSignals>();
        services.AddSingleton<JobQueue>();
        services.AddSingleton<WorkerTable>();
        services.AddHostedService<JobMaintenance>();
        return services;
    }
}
