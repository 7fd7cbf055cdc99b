using System.Net;
using System.Net.ServerSentEvents;
using System.Security.Cryptography;
using System.Text.Json;
using Store.Tests.Infrastructure;

namespace Store.Tests.Jobs;

/// <summary>With STORE_TEST_STORAGE=s3 the jobs' own files are in the bucket (scripts/test's third pass).</summary>
[Trait("storage", "both")]
public sealed class JobLifecycleTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_job_lives_from_creation_to_deletion_over_HTTP()
    {
        await using var host = await StoreHost.StartAsync(server: Server.Kestrel);
        var input = Forms.Text("hello job");
        var created = await host.CreateAsync("text_stats", JobKit.Form("notes.txt", input, ("priority", "7"), ("params", """{"mode":"fast"}""")));
        var id = created.JobId();
        Assert.True(Guid.TryParse(id, out _));
        Assert.Equal("pending", created.Str("status"));
        Assert.Equal("text_stats", created.Str("task_type"));
        Assert.Equal(7, created.GetProperty("priority").GetInt32());
        Assert.Equal(0, created.GetProperty("progress").GetInt32());
        Assert.Equal("fast", created.GetProperty("params").GetProperty("mode").GetString());
        Assert.Equal(JsonValueKind.Null, created.GetProperty("task_output").ValueKind);
        Assert.Equal(0, created.GetProperty("output_files").GetArrayLength());
        Assert.Equal(0, created.GetProperty("retry_count").GetInt32());
        Assert.Equal(
            ["completed_at", "created_at", "error_message", "input_files", "job_id", "output_files", "params", "priority", "progress",
             "retry_count", "started_at", "status", "task_output", "task_type", "updated_at", "worker_id"],
            created.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        var file = created.File("input_files", "notes.txt");
        Assert.Equal($"jobs/{id}/input/notes.txt", file.Str("path"));
        Assert.Equal(input.Length, file.GetProperty("size").GetInt64());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(input)), file.Str("hash"));
        Assert.Equal(["filename", "hash", "path", "size"], file.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.True(host.HasJobFiles(file.Str("path")!));

        // Follow the job in real time from the start.
        using var events = await host.Client.GetAsync($"/compute/jobs/{id}/events", HttpCompletionOption.ResponseHeadersRead, Ct);
        Assert.Equal(HttpStatusCode.OK, events.StatusCode);
        Assert.Equal("text/event-stream", events.Content.Headers.ContentType?.MediaType);
        var first = new TaskCompletionSource();
        var seen = ReadEventsAsync(await events.Content.ReadAsStreamAsync(Ct), first);
        await first.Task.WaitAsync(TimeSpan.FromSeconds(60), Ct);

        var claim = await host.Client.ClaimAsync("w1", ["text_stats"]);
        Assert.Equal(HttpStatusCode.OK, claim.StatusCode);
        var held = await claim.ReadJsonAsync();
        Assert.Equal(id, held.JobId());
        Assert.Equal("processing", held.Str("status"));
        Assert.Equal("w1", held.Str("worker_id"));
        Assert.NotEqual(JsonValueKind.Null, held.GetProperty("started_at").ValueKind);

        var download = await host.Client.GetAsync($"/compute/jobs/{id}/files/input/notes.txt", Ct);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal(input, await download.Content.ReadAsByteArrayAsync(Ct));

        var progress = await host.Client.ProgressAsync(id, "w1", 40);
        Assert.Equal(HttpStatusCode.OK, progress.StatusCode);
        Assert.Equal(40, (await progress.ReadJsonAsync()).GetProperty("progress").GetInt32());

        var result = Forms.Text("9 characters");
        var complete = await host.Client.CompleteAsync(id, "w1", """{"characters": 9}""", ("stats.txt", result), ("../../escape.txt", Forms.Text("x")));
        Assert.Equal(HttpStatusCode.OK, complete.StatusCode);
        var done = await complete.ReadJsonAsync();
        Assert.Equal("completed", done.Str("status"));
        Assert.Equal(100, done.GetProperty("progress").GetInt32());
        Assert.Equal(9, done.GetProperty("task_output").GetProperty("characters").GetInt32());
        Assert.NotEqual(JsonValueKind.Null, done.GetProperty("completed_at").ValueKind);
        Assert.Equal($"jobs/{id}/output/stats.txt", done.File("output_files", "stats.txt").Str("path"));
        Assert.Equal($"jobs/{id}/output/escape.txt", done.File("output_files", "escape.txt").Str("path"));

        var output = await host.Client.GetAsync($"/compute/jobs/{id}/files/output/stats.txt", Ct);
        Assert.Equal(HttpStatusCode.OK, output.StatusCode);
        Assert.Equal(result, await output.Content.ReadAsByteArrayAsync(Ct));

        // The stream saw every state and ended by itself with the completion.
        var statuses = await seen.WaitAsync(TimeSpan.FromSeconds(60), Ct);
        Assert.Equal("pending", statuses[0].Status);
        Assert.Contains(statuses, s => s.Status == "processing");
        Assert.Equal(("completed", 100), statuses[^1]);

        Assert.Equal(HttpStatusCode.Conflict, (await host.Client.ProgressAsync(id, "w1", 50)).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await host.Client.DeleteAsync($"/compute/jobs/{id}", Ct)).StatusCode);
        Assert.False(host.HasJobFiles($"jobs/{id}"));
        var gone = await host.Client.GetAsync($"/compute/jobs/{id}", Ct);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Equal("Job not found", (await gone.ReadJsonAsync()).Str("detail"));
        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.DeleteAsync($"/compute/jobs/{id}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.GetAsync($"/compute/jobs/{id}/events", Ct)).StatusCode);
    }

    static async Task<List<(string Status, int Progress)>> ReadEventsAsync(Stream stream, TaskCompletionSource first)
    {
        var seen = new List<(string, int)>();
        await foreach (var item in SseParser.Create(stream).EnumerateAsync(Ct))
        {
            Assert.Equal("job", item.EventType);
            var job = JsonDocument.Parse(item.Data).RootElement;
            seen.Add((job.Str("status")!, job.GetProperty("progress").GetInt32()));
            first.TrySetResult();
        }
        return seen;
    }

    [Fact]
    public async Task Failing_a_job_records_the_message_and_ends_its_event_stream()
    {
        await using var host = await StoreHost.StartAsync(server: Server.Kestrel);
        var id = (await host.CreateAsync("any_task", JobKit.Form("a.bin", [1, 2, 3]))).JobId();
        Assert.Equal(HttpStatusCode.OK, (await host.Client.ClaimAsync("w", ["any_task"])).StatusCode);

        Assert.Equal(HttpStatusCode.Conflict, (await host.Client.FailAsync(id, "intruder", "nope")).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await host.Client.CompleteAsync(id, "intruder", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await host.Client.ProgressAsync(id, "intruder", 5)).StatusCode);

        var failed = await host.Client.FailAsync(id, "w", "model crashed");
        Assert.Equal(HttpStatusCode.OK, failed.StatusCode);
        var job = await failed.ReadJsonAsync();
        Assert.Equal("failed", job.Str("status"));
        Assert.Equal("model crashed", job.Str("error_message"));

        // A finished job's stream sends it once and ends.
        var text = await host.Client.GetStringAsync($"/compute/jobs/{id}/events", Ct);
        Assert.Single(text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("\"failed\"", text);

        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.FailAsync(Guid.NewGuid().ToString(), "w", "x")).StatusCode);
    }

    [Fact]
    public async Task Worker_reports_of_the_wrong_shape_are_422_in_list_form()
    {
        await using var host = await StoreHost.StartAsync();
        var id = (await host.CreateAsync("t", JobKit.Form("a.bin", [1]))).JobId();

        var noTypes = await host.Client.ClaimAsync("w", []);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, noTypes.StatusCode);
        Assert.Equal(JsonValueKind.Array, (await noTypes.ReadJsonAsync()).GetProperty("detail").ValueKind);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await host.Client.ClaimAsync("w", ["t"], 31)).StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await host.Client.ClaimAsync("", ["t"])).StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await host.Client.ProgressAsync(id, "w", 101)).StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await host.Client.HeartbeatAsync("w", ["t"], -1)).StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await host.Client.CompleteAsync(id, "w", "not json")).StatusCode);
    }
}
