using Store.Data;

namespace Store.Compute.Queue;

/// <summary>
/// The queue's clock-driven work: returns lapsed leases to the queue a few times per lease, so a job
/// whose worker died moves on even when no other worker calls in, forgets long-silent workers, and runs
/// the retention sweep hourly (JOB_RETENTION_DAYS, 0 = off). Stops with the app. Of several instances on one
/// PostgreSQL database only the one leading the shared sweeps does this (<see cref="Sweeps"/>), and the hourly
/// retention runs once an hour for all of them (the worker calls still return lapsed leases on every instance).
/// </summary>
public sealed class JobMaintenance(JobQueue queue, WorkerTable workers, JobOptions options, Sweeps sweeps, TimeProvider clock,
    ILogger<JobMaintenance> log) : BackgroundService
{
    public const string Retention = "job_retention";
    static readonly TimeSpan RetentionEvery = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var leaseSweep = TimeSpan.FromSeconds(Math.Clamp(options.JobLeaseSeconds / 4.0, 0.25, 5));
        using var timer = new PeriodicTimer(leaseSweep, clock);
        do
        {
            try
            {
                if (!await sweeps.LeadAsync(stoppingToken)) continue;
                await queue.ExpireLeasesAsync(stoppingToken);
                await workers.ForgetSilentAsync(stoppingToken);
                if (options.JobRetentionDays > 0 && await sweeps.DueAsync(Retention, RetentionEvery, stoppingToken))
                {
                    var result = await queue.DeleteFinishedOlderThanAsync(options.JobRetentionDays, stoppingToken);
                    if (result.DeletedCount > 0)
                        log.LogInformation("Retention sweep removed {Count} jobs older than {Days} days ({Bytes} bytes)",
                            result.DeletedCount, options.JobRetentionDays, result.FreedSpace);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { return; }
            catch (Exception e)
            {
                log.LogError(e, "Job maintenance failed; trying again at the next tick");
            }
        } while (await WaitAsync(timer, stoppingToken));
    }

    static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken ct)
    {
        try { return await timer.WaitForNextTickAsync(ct); }
        catch (OperationCanceledException) { return false; }
    }
}
