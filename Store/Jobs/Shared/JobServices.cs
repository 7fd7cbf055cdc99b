namespace Store.Jobs.Shared;

public static class JobServices
{
    /// <summary>The queue, its signals and folders, and the lease/retention sweep (the built-in worker registers itself: Store/Worker).</summary>
    public static IServiceCollection AddJobs(this IServiceCollection services)
    {
        services.AddSingleton<JobFolders>();
        services.AddSingleton<JobSignals>();
        services.AddSingleton<JobQueue>();
        services.AddSingleton<JobRetention>();
        services.AddHostedService<JobMaintenance>();
        return services;
    }
}
