using Store.Contracts;

namespace Store.Worker;

/// <param name="HeartbeatEvery">Keep well under WORKER_TTL_SECONDS and JOB_LEASE_SECONDS: heartbeats keep held jobs leased.</param>
/// <param name="ClaimWaitSeconds">How long one claim waits on the store for a job (0-30).</param>
/// <param name="ScratchDir">Where jobs get their private working folders.</param>
public sealed record WorkerOptions(TimeSpan HeartbeatEvery, int ClaimWaitSeconds, string ScratchDir)
{
    public TimeSpan RetryAfterError { get; init; } = TimeSpan.FromSeconds(2);
}

/// <summary>
/// A worker's life: heartbeat on a timer, claim a job (long-polling), fetch its inputs, run its task, hand in
/// the outputs or the failure, repeat; one job at a time. Used by the built-in worker and by <c>store worker</c>.
/// Stopping abandons a running job: its lease lapses and the store gives it to another worker.
/// </summary>
public sealed class WorkerLoop(IWorkerBackend backend, IReadOnlyDictionary<string, IComputeTask> tasks, WorkerOptions options, ILogger log)
{
    volatile bool _busy;
    WorkerRefusedException? _refused;

    IReadOnlyList<string> TaskNames => tasks.Keys.Order(StringComparer.Ordinal).ToList();

    /// <exception cref="WorkerRefusedException">The store refused the worker's token; the loop stops at once.</exception>
    public async Task RunAsync(CancellationToken ct)
    {
        using var beatsStop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        // A refusal seen by the background heartbeats stops the main loop too.
        using var refusal = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var work = refusal.Token;
        await BeatAsync(ct);
        var beats = HeartbeatsAsync(refusal, beatsStop.Token);
        try
        {
            while (!work.IsCancellationRequested)
            {
                var job = await Attempt(() => backend.ClaimAsync(TaskNames, options.ClaimWaitSeconds, work), "claim", work);
                if (job is null) continue;
                _busy = true;
                await BeatAsync(work);
                await RunJobAsync(job, work);
                _busy = false;
                await BeatAsync(work);
            }
        }
        finally
        {
            await beatsStop.CancelAsync();
            await beats;
            try { await backend.SignOffAsync(CancellationToken.None); }
            catch (Exception e) { log.LogWarning("Worker {Worker} could not sign off: {Error}", backend.WorkerId, e.Message); }
        }
        if (_refused is not null && !ct.IsCancellationRequested) throw _refused;
    }

    async Task RunJobAsync(Job job, CancellationToken ct)
    {
        var scratch = Path.Combine(options.ScratchDir, $"job-{job.JobId}-{Guid.NewGuid():N}");
        var outputDir = Path.Combine(scratch, "output");
        Directory.CreateDirectory(outputDir);
        try
        {
            if (!tasks.TryGetValue(job.TaskType, out var task))
            {
                await backend.FailAsync(job.JobId, $"Worker {backend.WorkerId} cannot run task type {job.TaskType}", ct);
                return;
            }
            string? failure = null;
            System.Text.Json.Nodes.JsonObject? output = null;
            try
            {
                var inputs = await backend.FetchInputsAsync(job, scratch, ct);
                var context = new TaskContext(job, inputs, outputDir, p => backend.ProgressAsync(job.JobId, p, ct));
                output = await task.RunAsync(context, ct);
            }
            catch (TaskFailedException e) { failure = e.Message; }
            catch (Exception e) when (e is not (OperationCanceledException or JobLostException or WorkerRefusedException))
            {
                log.LogWarning(e, "Task {Task} of job {Job} failed", job.TaskType, job.JobId);
                failure = $"{job.TaskType} failed: {e.Message}";
            }

            if (failure is not null) await backend.FailAsync(job.JobId, failure, ct);
            else
            {
                var files = Directory.EnumerateFiles(outputDir).Order(StringComparer.Ordinal).ToList();
                await backend.CompleteAsync(job.JobId, output!, files, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        catch (JobLostException e) { log.LogWarning("Gave up job {Job}: {Reason}", job.JobId, e.Message); }
        catch (Exception e) when (e is not WorkerRefusedException)
        {
            // The store could not be told; the job's lease will lapse and it will be retried.
            log.LogError(e, "Could not report job {Job} to the store", job.JobId);
            await Pause(ct);
        }
        finally
        {
            try { Directory.Delete(scratch, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    async Task HeartbeatsAsync(CancellationTokenSource refusal, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(options.HeartbeatEvery);
        try
        {
            while (await timer.WaitForNextTickAsync(ct)) await BeatAsync(ct);
        }
        catch (OperationCanceledException) { }
        catch (WorkerRefusedException e)
        {
            _refused = e;
            await refusal.CancelAsync();
        }
    }

    Task BeatAsync(CancellationToken ct) =>
        Attempt(async () =>
        {
            await backend.HeartbeatAsync(TaskNames, _busy ? 0 : 1, ct);
            return true;
        }, "heartbeat", ct, pauseOnError: false);

    /// <summary>Runs one call to the store; a failure is logged and answered with a short pause, never thrown.</summary>
    async Task<T?> Attempt<T>(Func<Task<T>> call, string what, CancellationToken ct, bool pauseOnError = true)
    {
        try { return await call(); }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { return default; }
        catch (WorkerRefusedException e)
        {
            _refused ??= e;
            throw;
        }
        catch (Exception e)
        {
            log.LogWarning("Worker {Worker}: {What} failed: {Error}", backend.WorkerId, what, e.Message);
            if (pauseOnError) await Pause(ct);
            return default;
        }
    }

    async Task Pause(CancellationToken ct)
    {
        try { await Task.Delay(options.RetryAfterError, ct); }
        catch (OperationCanceledException) { }
    }
}
