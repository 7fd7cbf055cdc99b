using System.Net;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Store.Data;
using Store.Tests.Infrastructure;
using Store.Tests.Jobs;

namespace Store.Tests.Admin;

/// <remarks>The refused cleanups share one service.</remarks>
public sealed class JobsAdminTests(SharedStore shared) : IClassFixture<SharedStore>
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Storage_size_counts_bytes_under_jobs_and_the_jobs()
    {
        await using var host = await StoreHost.StartAsync();
        await host.CreateAsync("t", JobKit.Form("a.bin", new byte[1000]));
        await host.CreateAsync("t", JobKit.Form("b.bin", new byte[500]));
        var size = await (await host.Client.GetAsync("/admin/compute/jobs/storage/size", Ct)).ReadJsonAsync();
        Assert.Equal(1500, size.GetProperty("total_size").GetInt64());
        Assert.Equal(2, size.GetProperty("job_count").GetInt64());
    }

    [Fact]
    public async Task Cleanup_removes_old_finished_jobs_with_their_folders_only()
    {
        await using var host = await StoreHost.StartAsync();
        var oldDone = await Finished(host, "completed", new byte[300]);
        var oldFailed = await Finished(host, "failed", new byte[200]);
        var oldPending = (await host.CreateAsync("nobody_runs", JobKit.Form("p.bin", new byte[50]))).JobId();
        var newDone = await Finished(host, "completed", new byte[70]);
        await Age(host, [oldDone, oldFailed, oldPending], days: 10);

        var response = await host.Client.DeleteAsync("/admin/compute/jobs/cleanup?days=7", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.Equal(2, body.GetProperty("deleted_count").GetInt32());
        Assert.Equal(300 + "out".Length + 200, body.GetProperty("freed_space").GetInt64());
        Assert.False(Directory.Exists(Path.Combine(host.Settings.JobsDir, oldDone)));
        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.GetAsync($"/compute/jobs/{oldFailed}", Ct)).StatusCode);
        Assert.Equal("pending", (await host.GetJobAsync(oldPending)).Str("status"));
        Assert.Equal("completed", (await host.GetJobAsync(newDone)).Str("status"));

        var again = await (await host.Client.DeleteAsync("/admin/compute/jobs/cleanup", Ct)).ReadJsonAsync();
        Assert.Equal(0, again.GetProperty("deleted_count").GetInt32());
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-3")]
    [InlineData("abc")]
    public async Task Cleanup_days_out_of_range_is_422_in_list_form(string days)
    {
        var host = shared.Host;
        var response = await host.Client.DeleteAsync($"/admin/compute/jobs/cleanup?days={days}", Ct);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var detail = (await response.ReadJsonAsync()).GetProperty("detail");
        Assert.Equal(JsonValueKind.Array, detail.ValueKind);
        Assert.Equal(["query", "days"], detail[0].GetProperty("loc").EnumerateArray().Select(l => l.GetString()));
        if (days != "abc")
        {
            Assert.Equal("Input should be greater than or equal to 1", detail[0].Str("msg"));
            Assert.Equal("greater_than_equal", detail[0].Str("type"));
        }
    }

    [Fact]
    public async Task The_retention_sweep_runs_by_itself_at_start()
    {
        string dir;
        string old;
        {
            await using var first = await StoreHost.StartAsync(s => s with { JobRetentionDays = 0 });
            old = await Finished(first, "completed", new byte[10]);
            await Age(first, [old], days: 30);
            dir = first.Settings.ServerDir;
            await first.App.StopAsync(Ct);
            // Reuse the data folder in a second service with retention on.
            await using var second = await StoreHost.StartAsync(s => s with
            {
                ServerDir = dir, DatabasePath = first.Settings.DatabasePath, PostgresConnection = first.Settings.PostgresConnection,
                MediaDir = first.Settings.MediaDir, JobRetentionDays = 7,
            });
            await JobKit.Eventually(async () =>
                (await second.Client.GetAsync($"/compute/jobs/{old}", Ct)).StatusCode == HttpStatusCode.NotFound,
                60, () => "the retention sweep never removed the old job");
            Assert.False(Directory.Exists(Path.Combine(second.Settings.JobsDir, old)));
        }
    }

    [Fact]
    public async Task The_retention_sweep_comes_back_hourly_for_jobs_that_have_aged_since()
    {
        var clock = FakeClock.ForDays();
        await using var host = await StoreHost.StartAsync(s => s with { JobRetentionDays = 7 }, b => b.UseClock(clock));
        var aging = await Finished(host, "completed", new byte[10]);
        clock.Advance(TimeSpan.FromDays(6));
        var young = await Finished(host, "failed", new byte[10]);

        // Eight days on, the sweep of that hour finds the first job past seven days, and the second not.
        await clock.AdvanceInStepsAsync(TimeSpan.FromDays(2), TimeSpan.FromMinutes(30));
        await JobKit.Eventually(async () =>
            (await host.Client.GetAsync($"/compute/jobs/{aging}", Ct)).StatusCode == HttpStatusCode.NotFound,
            60, () => "the hourly sweep never removed the aged job");
        Assert.False(Directory.Exists(Path.Combine(host.Settings.JobsDir, aging)));
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync($"/compute/jobs/{young}", Ct)).StatusCode);
    }

    static async Task<string> Finished(StoreHost host, string status, byte[] input)
    {
        var id = (await host.CreateAsync("t", JobKit.Form("in.bin", input))).JobId();
        var worker = $"w-{id}";
        Assert.Equal(id, (await (await host.Client.ClaimAsync(worker, ["t"])).ReadJsonAsync()).JobId());
        var response = status == "completed"
            ? await host.Client.CompleteAsync(id, worker, "{}", ("o.txt", "out"u8.ToArray()))
            : await host.Client.FailAsync(id, worker, "broken");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return id;
    }

    /// <summary>Moves jobs' creation back in time; the service has no clock to wind for this. Through the service's own
    /// connections, so on either engine.</summary>
    static async Task Age(StoreHost host, string[] ids, int days)
    {
        await using var connection = await host.App.Services.GetRequiredService<Db>().OpenAsync(Ct);
        foreach (var id in ids)
            Assert.Equal(1, await connection.ExecuteAsync("UPDATE jobs SET created_at = created_at - @ms WHERE job_id = @id",
                new { ms = days * 86_400_000L, id }));
    }
}
