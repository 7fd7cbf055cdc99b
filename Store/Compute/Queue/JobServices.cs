using Store.Data;

namespace Store.Compute.Queue;

public static class JobServices
{
    /// <summary>The queue, its signals and folders, and the lease/retention sweep (the built-in worker registers itself: Compute/Builtin).</summary>
    public static IServiceCollection AddJobs(this IServiceCollection services)
    {
        services.AddSingleton<JobFolders>();
        services.AddSingleton<JobHolds>();
        services.AddSingleton<JobSignals>();
        // On PostgreSQL the jobs table's trigger tells every instance of a change any of them committed (sql/postgres/0006).
        services.AddSingleton(sp => new DbNotice("store_jobs", sp.GetRequiredService<JobSignals>().Changed));
        services.AddSingleton<JobQueue>();
        services.AddSingleton<WorkerTable>();
        services.AddHostedService<JobMaintenance>();
        return services;
    }
}
