using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Store.Tests.Auth;
using Store.Tests.Infrastructure;
using Store.Tests.Jobs;
using Store.Worker;

namespace Store.Tests.Worker;

/// <summary><c>store worker</c> against a store with authentication on: it sends its token, and a refused token stops it.</summary>
[Trait("speed", "slow")]
public sealed class StoreWorkerAuthTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task With_an_inference_token_from_the_flag_or_STORE_TOKEN_it_completes_jobs(bool flag)
    {
        using var key = TestKey.Create();
        await using var host = await AuthHost.StartAsync(key, server: Server.Kestrel);
        var token = key.Token("worker-sub", ["ai_inference_support"]);
        using var client = host.As(token);

        string[] args = ["--server", host.BaseAddress.ToString(), "--tasks", "media_hash", "--id", "authed", "--heartbeat", "0.5"];
        var command = flag
            ? WorkerCommand.Parse([.. args, "--token", token], _ => null)
            : WorkerCommand.Parse(args, name => name == "STORE_TOKEN" ? token : null);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var running = command.RunAsync(NullLogger.Instance, stop.Token);
        try
        {
            var input = Forms.Text("hash me");
            var created = await client.PostAsync("/compute/jobs/media_hash", JobKit.Form("h.txt", input), Ct);
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            var id = (await created.ReadJsonAsync()).JobId();

            JsonElement job = default;
            await JobKit.Eventually(async () =>
                    (job = await (await client.GetAsync($"/compute/jobs/{id}", Ct)).ReadJsonAsync()).Str("status") is "completed" or "failed",
                60, () => $"job never finished: {job}");
            Assert.True(job.Str("status") == "completed", job.ToString());
            Assert.Equal("authed", job.Str("worker_id"));
            Assert.Equal(Convert.ToHexStringLower(SHA512.HashData(input)), job.GetProperty("task_output").GetProperty("files")[0].Str("sha512"));
        }
        finally
        {
            await stop.CancelAsync();
            await running;
        }
    }

    [Fact]
    public async Task A_token_without_ai_inference_support_stops_the_loop_with_the_reason()
    {
        using var key = TestKey.Create();
        await using var host = await AuthHost.StartAsync(key, server: Server.Kestrel);
        var command = WorkerCommand.Parse(
            ["--server", host.BaseAddress.ToString(), "--token", key.Token("reader", ["media_store_read"]), "--id", "weak"], _ => null);

        var refused = await Assert.ThrowsAsync<WorkerRefusedException>(() => command.RunAsync(NullLogger.Instance, Ct));
        Assert.Contains("403", refused.Message);
        Assert.Contains("Not enough permissions", refused.Message);
        Assert.Contains("ai_inference_support", refused.Message);

        // No token at all: 401, the same way out.
        var anonymous = WorkerCommand.Parse(["--server", host.BaseAddress.ToString(), "--id", "anon"], _ => null);
        Assert.Contains("401", (await Assert.ThrowsAsync<WorkerRefusedException>(() => anonymous.RunAsync(NullLogger.Instance, Ct))).Message);
    }

    [Fact]
    public async Task The_store_binary_exits_4_and_says_why_when_its_token_is_refused()
    {
        using var key = TestKey.Create();
        await using var host = await AuthHost.StartAsync(key, server: Server.Kestrel);
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { Path.Combine(AppContext.BaseDirectory, "store.dll"), "worker", "--server", host.BaseAddress.ToString(), "--id", "weak" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["STORE_TOKEN"] = key.Token("reader", ["media_store_read"]);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(Ct);
        var stderr = process.StandardError.ReadToEndAsync(Ct);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(120));
        try { await process.WaitForExitAsync(deadline.Token); }
        catch (OperationCanceledException) { process.Kill(entireProcessTree: true); }

        var output = await stdout + await stderr;
        Assert.True(process.ExitCode == WorkerCommand.RefusedExitCode, $"exit {process.ExitCode}\n{output}");
        Assert.Contains("ai_inference_support", output);
        Assert.Contains("403", output);
    }
}
