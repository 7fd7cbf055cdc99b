using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Store.Tests.Infrastructure;

namespace Store.Tests.Jobs;

/// <summary>What the job tests share: forms, worker calls and polling (StoreHost runs with auth off; TestMedia makes images).</summary>
public static class JobKit
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static MultipartFormDataContent Form(IEnumerable<(string Name, byte[] Bytes)> files, params (string Name, string Value)[] fields)
    {
        var form = new MultipartFormDataContent();
        foreach (var (name, bytes) in files) form.Add(Forms.File(bytes), "upload_files", name);
        foreach (var (name, value) in fields) form.Add(new StringContent(value), name);
        return form;
    }

    public static MultipartFormDataContent Form(string name, byte[] bytes, params (string Name, string Value)[] fields) =>
        Form([(name, bytes)], fields);

    public static async Task<JsonElement> CreateAsync(this StoreHost host, string taskType, MultipartFormDataContent form)
    {
        var response = await host.Client.PostAsync($"/compute/jobs/{taskType}", form, Ct);
        var body = await response.ReadJsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{response.StatusCode}: {body}");
        return body;
    }

    public static Task<HttpResponseMessage> ClaimAsync(this HttpClient client, string workerId, string[] taskTypes, int waitSeconds = 0) =>
        client.PostAsJsonAsync("/compute/jobs/claim", new { worker_id = workerId, task_types = taskTypes, wait_seconds = waitSeconds }, Ct);

    public static Task<HttpResponseMessage> ProgressAsync(this HttpClient client, string jobId, string workerId, int progress) =>
        client.PutAsJsonAsync($"/compute/jobs/{jobId}/progress", new { worker_id = workerId, progress }, Ct);

    public static Task<HttpResponseMessage> FailAsync(this HttpClient client, string jobId, string workerId, string message) =>
        client.PostAsJsonAsync($"/compute/jobs/{jobId}/fail", new { worker_id = workerId, error_message = message }, Ct);

    public static Task<HttpResponseMessage> HeartbeatAsync(this HttpClient client, string workerId, string[] capabilities, int idle) =>
        client.PostAsJsonAsync($"/compute/workers/{workerId}/heartbeat", new { capabilities, idle_count = idle }, Ct);

    public static Task<HttpResponseMessage> CompleteAsync(this HttpClient client, string jobId, string workerId, string? taskOutput,
        params (string Name, byte[] Bytes)[] files)
    {
        var form = new MultipartFormDataContent { { new StringContent(workerId), "worker_id" } };
        if (taskOutput is not null) form.Add(new StringContent(taskOutput), "task_output");
        foreach (var (name, bytes) in files) form.Add(Forms.File(bytes), "output_files", name);
        return client.PostAsync($"/compute/jobs/{jobId}/complete", form, Ct);
    }

    public static async Task<JsonElement> GetJobAsync(this StoreHost host, string jobId)
    {
        var response = await host.Client.GetAsync($"/compute/jobs/{jobId}", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.ReadJsonAsync();
    }

    /// <summary>Polls the job until <paramref name="done"/> holds; fails after a generous deadline (never a timing assertion).</summary>
    public static async Task<JsonElement> WaitForJobAsync(this StoreHost host, string jobId, Func<JsonElement, bool> done, int seconds = 60)
    {
        JsonElement job = default;
        await Eventually(async () => done(job = await host.GetJobAsync(jobId)), seconds, () => $"job never reached the state; last: {job}");
        return job;
    }

    public static Task<JsonElement> WaitFinishedAsync(this StoreHost host, string jobId, int seconds = 60) =>
        host.WaitForJobAsync(jobId, j => j.Str("status") is "completed" or "failed", seconds);

    public static async Task Eventually(Func<Task<bool>> condition, int seconds, Func<string> because)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail(because());
            await Task.Delay(100, Ct);
        }
    }

    public static string JobId(this JsonElement job) => job.GetProperty("job_id").GetString()!;

    public static JsonElement File(this JsonElement job, string list, string filename) =>
        job.GetProperty(list).EnumerateArray().Single(f => f.Str("filename") == filename);
}
