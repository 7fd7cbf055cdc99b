using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using SixLabors.ImageSharp;
using Store.Tests.Infrastructure;
using Store.Tests.Jobs;
using Store.Tests.Media;
using Store.Worker;

namespace Store.Tests.Worker;

/// <summary><c>store worker</c> talks to a running store over HTTP only: no shared disk or database.</summary>
[Trait("speed", "slow")]
public sealed class StoreWorkerTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_worker_loop_runs_jobs_of_a_remote_store()
    {
        await using var host = await StoreHost.StartAsync(server: Server.Kestrel);
        var command = WorkerCommand.Parse(
            ["--server", host.BaseAddress.ToString(), "--tasks", "image_thumbnail,media_hash", "--id", "remote-1", "--heartbeat", "0.5"], _ => null);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var running = command.RunAsync(NullLogger.Instance, stop.Token);
        try
        {
            JsonElement caps = default;
            await JobKit.Eventually(async () =>
                (caps = (await host.Client.GetFromJsonElement("/compute/capabilities"))).GetProperty("num_workers").GetInt32() == 1,
                60, () => $"worker never counted: {caps}");
            Assert.Equal(1, caps.GetProperty("capabilities").GetProperty("media_hash").GetInt32());
            Assert.False(caps.GetProperty("capabilities").TryGetProperty("exif", out _));

            var photo = TestMedia.Jpeg(913, 600, 300);
            var thumb = (await host.CreateAsync("image_thumbnail", JobKit.Form("my photo #1.jpg", photo, ("params", """{"size": 120}""")))).JobId();
            var hash = (await host.CreateAsync("media_hash", JobKit.Form("my photo #1.jpg", photo))).JobId();

            var thumbJob = await host.WaitFinishedAsync(thumb);
            Assert.True(thumbJob.Str("status") == "completed", thumbJob.ToString());
            Assert.Equal("remote-1", thumbJob.Str("worker_id"));
            var bytes = await host.Client.GetByteArrayAsync($"/compute/jobs/{thumb}/files/output/{Uri.EscapeDataString("my photo #1_thumb.jpg")}", Ct);
            var info = Image.Identify(bytes);
            Assert.Equal((120, 60), (info.Width, info.Height));

            var hashJob = await host.WaitFinishedAsync(hash);
            Assert.Equal(Convert.ToHexStringLower(SHA512.HashData(photo)),
                hashJob.GetProperty("task_output").GetProperty("files")[0].Str("sha512"));
        }
        finally
        {
            await stop.CancelAsync();
            await running;
        }
    }

    [Fact]
    public async Task A_job_the_worker_cannot_run_or_read_fails_with_a_reason()
    {
        await using var host = await StoreHost.StartAsync(server: Server.Kestrel);
        var command = WorkerCommand.Parse(["--server", host.BaseAddress.ToString(), "--tasks", "image_resize", "--id", "remote-2"], _ => null);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var running = command.RunAsync(NullLogger.Instance, stop.Token);
        try
        {
            var id = (await host.CreateAsync("image_resize", JobKit.Form("text.jpg", Forms.Text("not a picture"), ("params", """{"width": 10}""")))).JobId();
            var job = await host.WaitFinishedAsync(id);
            Assert.Equal("failed", job.Str("status"));
            Assert.Contains("text.jpg", job.Str("error_message"));
        }
        finally
        {
            await stop.CancelAsync();
            await running;
        }
    }

    [Fact]
    public async Task A_remote_worker_downloads_external_inputs_by_relative_and_absolute_path()
    {
        var root = Directory.CreateTempSubdirectory("store-root-");
        try
        {
            await using var host = await StoreHost.StartAsync(s => s with { JobExternalRoots = [root.FullName] }, server: Server.Kestrel);
            var inMedia = host.MediaPath("store/2026/11/25/m.txt");
            Directory.CreateDirectory(Path.GetDirectoryName(inMedia)!);
            await System.IO.File.WriteAllTextAsync(inMedia, "from media", Ct);
            var elsewhere = Path.Combine(root.FullName, "e.txt");
            await System.IO.File.WriteAllTextAsync(elsewhere, "from a root", Ct);
            var command = WorkerCommand.Parse(["--server", host.BaseAddress.ToString(), "--tasks", "media_hash", "--id", "remote-3"], _ => null);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            var running = command.RunAsync(NullLogger.Instance, stop.Token);
            try
            {
                var created = await host.CreateAsync("media_hash", JobKit.Form([], ("external_files",
                    JsonSerializer.Serialize(new[] { new { path = inMedia }, new { path = elsewhere } }))));
                Assert.Equal("media/store/2026/11/25/m.txt", created.File("input_files", "m.txt").Str("path"));
                Assert.Equal(elsewhere, created.File("input_files", "e.txt").Str("path"));
                var job = await host.WaitFinishedAsync(created.JobId());
                Assert.True(job.Str("status") == "completed", job.ToString());
                var md5s = job.GetProperty("task_output").GetProperty("files").EnumerateArray().Select(f => f.Str("md5")).ToList();
                Assert.Equal([Convert.ToHexStringLower(MD5.HashData("from media"u8)), Convert.ToHexStringLower(MD5.HashData("from a root"u8))], md5s);
            }
            finally
            {
                await stop.CancelAsync();
                await running;
            }
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task The_store_binary_runs_as_a_worker_and_stops_on_SIGTERM()
    {
        await using var host = await StoreHost.StartAsync(server: Server.Kestrel);
        var dll = Path.Combine(AppContext.BaseDirectory, "store.dll");
        Assert.True(System.IO.File.Exists(dll), dll);
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { dll, "worker", "--server", host.BaseAddress.ToString(), "--tasks", "media_hash", "--id", "process-1", "--heartbeat", "1" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(Ct);
        var stderr = process.StandardError.ReadToEndAsync(Ct);
        try
        {
            var input = Forms.Text("hash me");
            var id = (await host.CreateAsync("media_hash", JobKit.Form("h.txt", input))).JobId();
            var job = await host.WaitFinishedAsync(id, seconds: 120);
            Assert.True(job.Str("status") == "completed", job.ToString());
            Assert.Equal("process-1", job.Str("worker_id"));
            Assert.Equal(Convert.ToHexStringLower(MD5.HashData(input)), job.GetProperty("task_output").GetProperty("files")[0].Str("md5"));
        }
        finally
        {
            if (!process.HasExited)
            {
                // SIGTERM: the worker finishes its loop and exits 0.
                Process.Start("kill", ["-TERM", process.Id.ToString()])!.WaitForExit();
            }
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            deadline.CancelAfter(TimeSpan.FromSeconds(60));
            try { await process.WaitForExitAsync(deadline.Token); }
            catch (OperationCanceledException) { process.Kill(entireProcessTree: true); }
        }
        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}\n{await stdout}\n{await stderr}");
    }

    [Theory]
    [InlineData("--tasks media_hash")]
    [InlineData("--server ftp://x --tasks media_hash")]
    [InlineData("--server http://x --tasks teleport")]
    [InlineData("--server http://x --heartbeat soon")]
    [InlineData("--server http://x --bogus")]
    public void Bad_worker_arguments_are_refused(string args) =>
        Assert.Throws<UsageException>(() => WorkerCommand.Parse(args.Split(' '), _ => null));

    [Fact]
    public void The_token_may_come_from_the_environment()
    {
        var command = WorkerCommand.Parse(["--server", "http://nas:8001"], name => name == "STORE_TOKEN" ? "abc" : null);
        Assert.Equal("abc", command.Token);
        Assert.Equal(new Uri("http://nas:8001/"), command.Server);
        // The five tasks and the CL Python SDK's names for two of them (hash, media_thumbnail).
        Assert.Equal(7, command.Tasks.Count);
        Assert.Contains("hash", command.Tasks);
        Assert.Contains("media_thumbnail", command.Tasks);
    }
}

static class HttpJson
{
    public static async Task<JsonElement> GetFromJsonElement(this HttpClient client, string path) =>
        await (await client.GetAsync(path, TestContext.Current.CancellationToken)).ReadJsonAsync();
}
