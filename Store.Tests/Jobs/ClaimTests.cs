using System.Collections.Concurrent;
using System.Net;
using Store.Tests.Infrastructure;

namespace Store.Tests.Jobs;

public sealed class ClaimTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Highest_priority_goes_first_then_the_oldest_and_only_the_asked_task_types()
    {
        await using var host = await StoreHost.StartAsync();
        var low = (await host.CreateAsync("a", JobKit.Form("1", [1], ("priority", "0")))).JobId();
        var midOld = (await host.CreateAsync("a", JobKit.Form("2", [2], ("priority", "5")))).JobId();
        var other = (await host.CreateAsync("b", JobKit.Form("3", [3], ("priority", "10")))).JobId();
        var midNew = (await host.CreateAsync("a", JobKit.Form("4", [4], ("priority", "5")))).JobId();
        var high = (await host.CreateAsync("a", JobKit.Form("5", [5], ("priority", "10")))).JobId();

        var order = new List<string>();
        for (var i = 0; i < 4; i++) order.Add((await (await host.Client.ClaimAsync("w", ["a"])).ReadJsonAsync()).JobId());
        Assert.Equal([high, midOld, midNew, low], order);
        Assert.Equal(HttpStatusCode.NoContent, (await host.Client.ClaimAsync("w", ["a"])).StatusCode);
        Assert.Equal(other, (await (await host.Client.ClaimAsync("w", ["a", "b"])).ReadJsonAsync()).JobId());
    }

    [Fact]
    public async Task Many_clients_claiming_at_once_never_get_the_same_job()
    {
        await using var host = await StoreHost.StartAsync();
        const int jobs = 30, workers = 12;
        var ids = new List<string>();
        for (var i = 0; i < jobs; i++) ids.Add((await host.CreateAsync("race", JobKit.Form($"{i}.bin", [(byte)i]))).JobId());

        var claimed = new ConcurrentBag<(string Worker, string Job)>();
        var start = new TaskCompletionSource();
        var tasks = Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
        {
            using var client = host.NewClient();
            await start.Task;
            while (true)
            {
                var response = await client.ClaimAsync($"w{w}", ["race"]);
                if (response.StatusCode == HttpStatusCode.NoContent) return;
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                var job = await response.ReadJsonAsync();
                Assert.Equal($"w{w}", job.Str("worker_id"));
                claimed.Add(($"w{w}", job.JobId()));
            }
        }, Ct)).ToList();
        start.SetResult();
        await Task.WhenAll(tasks);

        Assert.Equal(jobs, claimed.Count);
        Assert.Equal(ids.Order(), claimed.Select(c => c.Job).Order());
        foreach (var (worker, job) in claimed)
            Assert.Equal(worker, (await host.GetJobAsync(job)).Str("worker_id"));
    }

    [Fact]
    public async Task A_waiting_claim_answers_when_a_job_arrives_and_204_when_none_does()
    {
        // The wait is on the service's clock: moved on here instead of waited out.
        var clock = FakeClock.Watched();
        await using var host = await StoreHost.StartAsync(configure: b => b.UseClock(clock));
        var expiring = host.Client.ClaimAsync("w", ["later"], waitSeconds: 1);
        var moved = await clock.AdvanceUntilAsync(expiring, TimeSpan.FromMilliseconds(250));
        Assert.Equal(HttpStatusCode.NoContent, (await expiring).StatusCode);
        Assert.True(moved >= TimeSpan.FromSeconds(1), $"the claim gave up after {moved} of its 1 s");

        // Once its wait's timer exists the claim has looked and found nothing: the job can only reach it by waking it.
        var looked = clock.TimerMadeAsync(TimeSpan.FromSeconds(30));
        var waiting = host.Client.ClaimAsync("w", ["later"], waitSeconds: 30);
        await looked;
        Assert.False(waiting.IsCompleted);
        var id = (await host.CreateAsync("later", JobKit.Form("a", [1]))).JobId();
        var response = await waiting;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(id, (await response.ReadJsonAsync()).JobId());
    }

    [Fact]
    public async Task Stopping_the_service_ends_waiting_claims()
    {
        var clock = FakeClock.Watched();
        var host = await StoreHost.StartAsync(configure: b => b.UseClock(clock));
        try
        {
            var looked = clock.TimerMadeAsync(TimeSpan.FromSeconds(30));
            var waiting = host.Client.ClaimAsync("w", ["never"], waitSeconds: 30);
            await looked;
            await host.App.StopAsync(Ct);
            var response = await waiting;
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }
        finally
        {
            await host.DisposeAsync();
        }
    }
}
