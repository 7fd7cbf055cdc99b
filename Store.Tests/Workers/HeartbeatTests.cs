using System.Net;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Store.Data;
using Store.Tests.Infrastructure;
using Store.Tests.Jobs;

namespace Store.Tests.Workers;

public sealed class HeartbeatTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Capabilities_count_live_workers_once_and_add_their_idle_counts()
    {
        var clock = FakeClock.StartingNow();
        await using var host = await StoreHost.StartAsync(s => s with { WorkerTtlSeconds = 2 }, b => b.UseClock(clock));
        var empty = await (await host.Client.GetAsync("/compute/capabilities", Ct)).ReadJsonAsync();
        Assert.Equal(0, empty.GetProperty("num_workers").GetInt32());
        Assert.Empty(empty.GetProperty("capabilities").EnumerateObject());

        var beat = await host.Client.HeartbeatAsync("gpu-1", ["image_resize", "exif"], 2);
        Assert.Equal(HttpStatusCode.OK, beat.StatusCode);
        var body = await beat.ReadJsonAsync();
        Assert.Equal("gpu-1", body.Str("worker_id"));
        Assert.Equal(["image_resize", "exif"], body.GetProperty("capabilities").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(2, body.GetProperty("idle_count").GetInt32());
        Assert.Equal(clock.GetUtcNow().AddSeconds(2).ToUnixTimeMilliseconds(), body.GetProperty("expires_at").GetInt64());

        await host.Client.HeartbeatAsync("gpu-1", ["image_resize", "exif"], 3);
        await host.Client.HeartbeatAsync("cpu-1", ["image_resize"], 1);
        var live = await (await host.Client.GetAsync("/compute/capabilities", Ct)).ReadJsonAsync();
        Assert.Equal(2, live.GetProperty("num_workers").GetInt32());
        Assert.Equal(4, live.GetProperty("capabilities").GetProperty("image_resize").GetInt32());
        Assert.Equal(3, live.GetProperty("capabilities").GetProperty("exif").GetInt32());

        // Silent past WORKER_TTL_SECONDS: they no longer count.
        clock.Advance(TimeSpan.FromSeconds(2.5));
        Assert.Equal(0, (await (await host.Client.GetAsync("/compute/capabilities", Ct)).ReadJsonAsync()).GetProperty("num_workers").GetInt32());
    }

    [Fact]
    public async Task A_long_silent_worker_row_is_deleted_by_the_sweep_and_a_heartbeat_brings_it_back()
    {
        // A short lease makes the sweep tick often; the row goes after 10 TTLs of silence (10 s of the fake clock here).
        var clock = FakeClock.StartingNow();
        await using var host = await StoreHost.StartAsync(s => s with { WorkerTtlSeconds = 1, JobLeaseSeconds = 2 }, b => b.UseClock(clock));
        var db = host.App.Services.GetRequiredService<Db>();
        async Task<long> RowsAsync(string workerId)
        {
            await using var connection = await db.OpenAsync(Ct);
            return await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM workers WHERE worker_id = @workerId", new { workerId });
        }

        Assert.Equal(HttpStatusCode.OK, (await host.Client.HeartbeatAsync("store-worker-1234", ["exif"], 1)).StatusCode);
        Assert.Equal(1, await RowsAsync("store-worker-1234"));
        await clock.AdvanceInStepsAsync(TimeSpan.FromSeconds(9), TimeSpan.FromSeconds(0.5));
        Assert.Equal(1, await RowsAsync("store-worker-1234"));
        await clock.AdvanceInStepsAsync(TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(0.5));
        await JobKit.Eventually(async () => await RowsAsync("store-worker-1234") == 0, 60, () => "the silent worker's row was never deleted");

        Assert.Equal(HttpStatusCode.OK, (await host.Client.HeartbeatAsync("store-worker-1234", ["exif"], 1)).StatusCode);
        Assert.Equal(1, await RowsAsync("store-worker-1234"));
    }

    [Fact]
    public async Task A_bad_worker_id_or_body_is_422_in_list_form_saying_where()
    {
        await using var host = await StoreHost.StartAsync();
        var longId = await host.Client.HeartbeatAsync(new string('w', 129), ["exif"], 1);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, longId.StatusCode);
        var item = (await longId.ReadJsonAsync()).GetProperty("detail")[0];
        Assert.Equal(["path", "worker_id"], item.GetProperty("loc").EnumerateArray().Select(l => l.GetString()));
        Assert.Equal("worker_id is at most 128 characters", item.Str("msg"));
        Assert.Equal("string_too_long", item.Str("type"));
        Assert.Equal(HttpStatusCode.OK, (await host.Client.HeartbeatAsync(new string('w', 128), ["exif"], 1)).StatusCode);

        var negative = await host.Client.HeartbeatAsync("w1", ["exif"], -1);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, negative.StatusCode);
        item = (await negative.ReadJsonAsync()).GetProperty("detail")[0];
        Assert.Equal(["body", "idle_count"], item.GetProperty("loc").EnumerateArray().Select(l => l.GetString()));
        Assert.Equal("greater_than_equal", item.Str("type"));
    }
}
