using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Store.Contracts;

namespace Store.Worker;

/// <summary><c>store worker</c>'s side of the protocol: plain HTTP calls, so the worker needs no access to the store's disk or database.</summary>
public sealed class HttpWorkerBackend : IWorkerBackend, IDisposable
{
    readonly HttpClient _http;

    public HttpWorkerBackend(Uri server, string? token, string workerId, HttpMessageHandler? handler = null)
    {
        WorkerId = workerId;
        _http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        _http.BaseAddress = server;
        // A claim may wait 30 s on the server; uploads of outputs may be large.
        _http.Timeout = TimeSpan.FromMinutes(30);
        if (!string.IsNullOrEmpty(token)) _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    public string WorkerId { get; }

    public async Task HeartbeatAsync(IReadOnlyList<string> capabilities, int idleCount, CancellationToken ct)
    {
        using var response = await _http.PostAsJsonAsync($"compute/workers/{Uri.EscapeDataString(WorkerId)}/heartbeat",
            new { capabilities, idle_count = idleCount }, ct);
        await EnsureAsync(response, ct);
    }

    public async Task<Job?> ClaimAsync(IReadOnlyList<string> taskTypes, int waitSeconds, CancellationToken ct)
    {
        using var response = await _http.PostAsJsonAsync("compute/jobs/claim",
            new { worker_id = WorkerId, task_types = taskTypes, wait_seconds = waitSeconds }, ct);
        if (response.StatusCode == HttpStatusCode.NoContent) return null;
        await EnsureAsync(response, ct);
        return await response.Content.ReadFromJsonAsync<Job>(WireJson.Options, ct);
    }

    /// <summary>Downloads every input into the job's scratch folder, under names cleaned again on this side.</summary>
    public async Task<IReadOnlyList<TaskInput>> FetchInputsAsync(Job job, string scratchDir, CancellationToken ct)
    {
        var inputDir = Path.Combine(scratchDir, "input");
        Directory.CreateDirectory(inputDir);
        var taken = new HashSet<string>(StringComparer.Ordinal);
        var inputs = new List<TaskInput>();
        foreach (var file in job.InputFiles)
        {
            var local = Path.Combine(inputDir, FileNames.UniqueName(FileNames.CleanName(file.Filename), taken));
            using var response = await _http.GetAsync(
                $"compute/jobs/{job.JobId}/files/input/{Uri.EscapeDataString(file.Filename)}", HttpCompletionOption.ResponseHeadersRead, ct);
            if (response.StatusCode == HttpStatusCode.NotFound)
                throw new TaskFailedException($"Input file {file.Filename} is not available from the store");
            await EnsureAsync(response, ct);
            await using (var target = File.Create(local))
                await response.Content.CopyToAsync(target, ct);
            inputs.Add(new TaskInput(file.Filename, local));
        }
        return inputs;
    }

    public async Task ProgressAsync(string jobId, int progress, CancellationToken ct)
    {
        using var response = await _http.PutAsJsonAsync($"compute/jobs/{jobId}/progress", new { worker_id = WorkerId, progress }, ct);
        await EnsureReportAsync(response, jobId, ct);
    }

    public async Task CompleteAsync(string jobId, JsonObject taskOutput, IReadOnlyList<string> outputFiles, CancellationToken ct)
    {
        using var form = new MultipartFormDataContent
        {
            { new StringContent(WorkerId), "worker_id" },
            { new StringContent(taskOutput.ToJsonString()), "task_output" },
        };
        var streams = new List<Stream>();
        try
        {
            foreach (var path in outputFiles)
            {
                var stream = File.OpenRead(path);
                streams.Add(stream);
                form.Add(new StreamContent(stream), "output_files", Path.GetFileName(path));
            }
            using var response = await _http.PostAsync($"compute/jobs/{jobId}/complete", form, ct);
            await EnsureReportAsync(response, jobId, ct);
        }
        finally
        {
            foreach (var stream in streams) await stream.DisposeAsync();
        }
    }

    public async Task FailAsync(string jobId, string errorMessage, CancellationToken ct)
    {
        using var response = await _http.PostAsJsonAsync($"compute/jobs/{jobId}/fail", new { worker_id = WorkerId, error_message = errorMessage }, ct);
        await EnsureReportAsync(response, jobId, ct);
    }

    /// <summary>
    /// The protocol has no sign-off: the store stops counting a worker WORKER_TTL_SECONDS after its last call and
    /// deletes its row after 10 times that (WorkerTable.ForgetWorkerAfterTtls in the store).
    /// </summary>
    public Task SignOffAsync(CancellationToken ct) => Task.CompletedTask;

    static async Task EnsureReportAsync(HttpResponseMessage response, string jobId, CancellationToken ct)
    {
        if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Conflict)
            throw new JobLostException($"Job {jobId}: {await response.Content.ReadAsStringAsync(ct)}");
        await EnsureAsync(response, ct);
    }

    static async Task EnsureAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode) return;
        var body = await response.Content.ReadAsStringAsync(ct);
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            throw new WorkerRefusedException(
                $"The store refused this worker: {(int)response.StatusCode} {body}. A worker needs a valid token with the " +
                "ai_inference_support permission (--token, or the STORE_TOKEN environment variable).");
        throw new HttpRequestException($"{(int)response.StatusCode} {response.ReasonPhrase} from {response.RequestMessage?.RequestUri}: {body}",
            null, response.StatusCode);
    }

    public void Dispose() => _http.Dispose();
}
