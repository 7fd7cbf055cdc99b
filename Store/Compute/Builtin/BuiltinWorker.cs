using Store.Compute.Queue;
using Store.Worker;

namespace Store.Compute.Builtin;

/// <summary>
/// The worker the service runs in-process (unless --no-builtin-worker), so jobs work on one machine with nothing
/// else started. It claims and reports through <see cref="JobQueue"/>, the very code the HTTP endpoints call, reads
/// inputs where they lie and hands outputs in from JobsDir/.tmp (same filesystem, so completion is a rename).
/// It heartbeats like any worker and counts in /compute/capabilities; it signs off when the app stops.
/// </summary>
public sealed class BuiltinWorker(JobQueue queue, JobFolders folders, JobOptions options, ILogger<BuiltinWorker> log) : BackgroundService
{
    public const string WorkerId = "builtin";

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Several heartbeats per lease and per TTL, so neither lapses while a long task runs.
        var beat = TimeSpan.FromSeconds(Math.Clamp(Math.Min(options.WorkerTtlSeconds, options.JobLeaseSeconds) / 3.0, 0.2, 10));
        var loopOptions = new WorkerOptions(beat, ClaimWaitSeconds: 30, ScratchDir: folders.TempDir);
        var loop = new WorkerLoop(new LocalWorkerBackend(queue, folders, WorkerId), ComputeTasks.Builtin, loopOptions, log);
        return Task.Run(() => loop.RunAsync(stoppingToken), CancellationToken.None);
    }
}
