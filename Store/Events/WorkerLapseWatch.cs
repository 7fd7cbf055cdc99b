using Store.Compute.Queue;
using Store.Data;

namespace Store.Events;

/// <summary>
/// A worker lapses by saying nothing, so something must look: a few times per WORKER_TTL_SECONDS this clears the
/// retained presence of every worker that stopped counting. At start it announces the workers the table still
/// counts and clears the others, whose presence a previous run may have left at the broker. Of several instances on
/// one PostgreSQL database only the one leading the shared sweeps (<see cref="Sweeps"/>) clears and announces, so a
/// subscriber hears each lapse once; every instance still notes the live workers and forgets the lapsed ones.
/// </summary>
public sealed class WorkerLapseWatch(WorkerTable table, QueueToMqtt presence, Sweeps sweeps, EventOptions options, TimeProvider clock,
    ILogger<WorkerLapseWatch> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var every = TimeSpan.FromSeconds(Math.Clamp(options.WorkerTtlSeconds / 4.0, 0.25, 5));
        using var timer = new PeriodicTimer(every, clock);
        var started = false;
        do
        {
            try
            {
                var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
                var workers = await table.AllAsync(stoppingToken);
                var live = workers.Where(w => w.At > now - options.WorkerTtlSeconds * 1000L).ToList();
                var leads = await sweeps.LeadAsync(stoppingToken);
                // An instance that starts while another leads announces nothing: the broker has it all already.
                if (!started && leads)
                {
                    foreach (var worker in live) presence.WorkerHeard(worker);
                    foreach (var worker in workers.Except(live)) presence.ClearUnheard(worker.WorkerId);
                }
                started = true;
                foreach (var worker in live) presence.Track(worker);
                presence.Lapse(live.Select(w => w.WorkerId).ToHashSet(StringComparer.Ordinal),
                    workers.Select(w => w.WorkerId).ToHashSet(StringComparer.Ordinal), now, publish: leads);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { return; }
            catch (Exception e)
            {
                log.LogError(e, "Checking for lapsed workers failed; trying again at the next tick");
            }
        } while (await WaitAsync(timer, stoppingToken));
    }

    static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken ct)
    {
        try { return await timer.WaitForNextTickAsync(ct); }
        catch (OperationCanceledException) { return false; }
    }
}
