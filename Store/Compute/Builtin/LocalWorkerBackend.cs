using System.Text.Json;
using System.Text.Json.Nodes;
using Store.Compute.Queue;
using Store.Contracts;
using Store.Worker;

namespace Store.Compute.Builtin;

/// <summary>The built-in worker's side of the protocol: the same <see cref="JobQueue"/> calls the HTTP endpoints make, without HTTP.</summary>
public sealed class LocalWorkerBackend(JobQueue queue, JobFolders folders, string workerId) : IWorkerBackend
{
    public string WorkerId => workerId;

    public Task HeartbeatAsync(IReadOnlyList<string> capabilities, int idleCount, CancellationToken ct) =>
        queue.HeartbeatAsync(workerId, capabilities, idleCount, ct);

    public Task<Job?> ClaimAsync(IReadOnlyList<string> taskTypes, int waitSeconds, CancellationToken ct) =>
        queue.ClaimAsync(workerId, taskTypes, TimeSpan.FromSeconds(waitSeconds), ct);

    /// <summary>
    /// The files are on this machine already: uploads in the job's folder, external files where they lie; checked
    /// the way the download endpoint checks them, so a link swapped in since creation cannot lead a task elsewhere.
    /// Uploads kept in a bucket (perhaps by another instance) are fetched into the job's scratch folder first.
    /// </summary>
    public async Task<IReadOnlyList<TaskInput>> FetchInputsAsync(Job job, string scratchDir, CancellationToken ct)
    {
        var inputs = new List<TaskInput>();
        foreach (var file in job.InputFiles)
        {
            if (folders.InBucket(job.JobId, file))
            {
                // Listed names are unique within a job and clean of path parts.
                var local = Path.Combine(scratchDir, "input", file.Filename);
                Directory.CreateDirectory(Path.GetDirectoryName(local)!);
                if (!await folders.Bucket!.DownloadAsync(file.Path, local, ct))
                    throw new TaskFailedException($"Input file {file.Filename} is missing from the bucket");
                inputs.Add(new TaskInput(file.Filename, local));
                continue;
            }
            var path = folders.ReadablePath(job.JobId, file)
                       ?? throw new TaskFailedException($"Input file {file.Filename} is missing or no longer in an allowed folder");
            inputs.Add(new TaskInput(file.Filename, path));
        }
        return inputs;
    }

    public async Task ProgressAsync(string jobId, int progress, CancellationToken ct) =>
        Check(await queue.ProgressAsync(jobId, workerId, progress, ct), jobId);

    public async Task CompleteAsync(string jobId, JsonObject taskOutput, IReadOnlyList<string> outputFiles, CancellationToken ct)
    {
        var output = JsonSerializer.SerializeToElement(taskOutput);
        var uploads = outputFiles.Select(f => new OutputUpload(Path.GetFileName(f), f)).ToList();
        Check(await queue.CompleteAsync(jobId, workerId, output, uploads, ct), jobId);
    }

    public async Task FailAsync(string jobId, string errorMessage, CancellationToken ct) =>
        Check(await queue.FailAsync(jobId, workerId, errorMessage, ct), jobId);

    public Task SignOffAsync(CancellationToken ct) => queue.ForgetWorkerAsync(workerId, ct);

    static void Check(ReportOutcome outcome, string jobId)
    {
        if (outcome.Status == ReportStatus.NotFound) throw new JobLostException($"Job {jobId} was deleted");
        if (outcome.Status == ReportStatus.NotHolder) throw new JobLostException($"Job {jobId} is no longer held by this worker");
    }
}
