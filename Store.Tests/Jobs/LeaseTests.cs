using System.Net;
using Store.Tests.Infrastructure;

namespace Store.Tests.Jobs;

/// <summary>
/// A held job whose worker goes silent is retried, then failed. The service's clock is a fake moved on by the
/// test: leases lapse when the test says so, not after real seconds; the polls' deadlines are real time.
/// </summary>
public sealed class LeaseTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_silent_workers_job_goes_back_to_pending_then_fails_when_retries_are_spent()
    {
        var clock = FakeClock.StartingNow();
        await using var host = await StoreHost.StartAsync(s => s with { JobLeaseSeconds = 1, JobMaxRetries = 1 }, b => b.UseClock(clock));
        var id = (await host.CreateAsync("slow", JobKit.Form("a", [1]))).JobId();

        Assert.Equal(HttpStatusCode.OK, (await host.Client.ClaimAsync("dies", ["slow"])).StatusCode);
        clock.Advance(TimeSpan.FromSeconds(1.5));
        var retried = await host.WaitForJobAsync(id, j => j.Str("status") == "pending");
        Assert.Equal(1, retried.GetProperty("retry_count").GetInt32());
        Assert.Null(retried.Str("worker_id"));

        // The lapsed worker comes back: it no longer holds the job.
        Assert.Equal(HttpStatusCode.Conflict, (await host.Client.ProgressAsync(id, "dies", 50)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await host.Client.CompleteAsync(id, "dies", "{}", ("out.txt", [1]))).StatusCode);
        Assert.False(Directory.Exists(Path.Combine(host.Settings.JobsDir, id, "output"))
                     && Directory.EnumerateFiles(Path.Combine(host.Settings.JobsDir, id, "output")).Any());

        var again = await (await host.Client.ClaimAsync("dies-too", ["slow"])).ReadJsonAsync();
        Assert.Equal(id, again.JobId());
        clock.Advance(TimeSpan.FromSeconds(1.5));
        var failed = await host.WaitForJobAsync(id, j => j.Str("status") == "failed");
        Assert.Equal(1, failed.GetProperty("retry_count").GetInt32());
        Assert.Contains("dies-too", failed.Str("error_message"));
        Assert.Equal(HttpStatusCode.NoContent, (await host.Client.ClaimAsync("w", ["slow"])).StatusCode);
    }

    [Fact]
    public async Task Expiry_is_applied_on_claim_without_waiting_for_the_sweep()
    {
        var clock = FakeClock.StartingNow();
        await using var host = await StoreHost.StartAsync(s => s with { JobLeaseSeconds = 1 }, b => b.UseClock(clock));
        var id = (await host.CreateAsync("slow", JobKit.Form("a", [1]))).JobId();
        Assert.Equal(HttpStatusCode.OK, (await host.Client.ClaimAsync("first", ["slow"])).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await host.Client.ClaimAsync("second", ["slow"])).StatusCode);

        // Once the lease lapses the next claim itself returns the job to the queue and takes it.
        clock.Advance(TimeSpan.FromSeconds(1.5));
        string? holder = null;
        await JobKit.Eventually(async () =>
        {
            var response = await host.Client.ClaimAsync("second", ["slow"]);
            if (response.StatusCode == HttpStatusCode.OK) holder = (await response.ReadJsonAsync()).Str("worker_id");
            return holder is not null;
        }, 60, () => "the lapsed job was never claimed again");
        Assert.Equal("second", holder);
        Assert.Equal(1, (await host.GetJobAsync(id)).GetProperty("retry_count").GetInt32());
    }

    [Fact]
    public async Task Heartbeats_and_progress_keep_a_job_leased()
    {
        var clock = FakeClock.StartingNow();
        await using var host = await StoreHost.StartAsync(s => s with { JobLeaseSeconds = 4 }, b => b.UseClock(clock));
        var id = (await host.CreateAsync("long", JobKit.Form("a", [1]))).JobId();
        Assert.Equal(HttpStatusCode.OK, (await host.Client.ClaimAsync("steady", ["long"])).StatusCode);

        // Well past the lease (six seconds of the service's clock), renewed four times a second by heartbeats and
        // progress; each step lets the lease sweep tick.
        for (var i = 0; i < 24; i++)
        {
            var response = i % 2 == 0
                ? await host.Client.HeartbeatAsync("steady", ["long"], 0)
                : await host.Client.ProgressAsync(id, "steady", Math.Min(i, 99));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            await clock.AdvanceInStepsAsync(TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(250));
        }
        var job = await host.GetJobAsync(id);
        Assert.Equal("processing", job.Str("status"));
        Assert.Equal(0, job.GetProperty("retry_count").GetInt32());
        Assert.Equal(HttpStatusCode.OK, (await host.Client.CompleteAsync(id, "steady", null)).StatusCode);
    }
}
