using System.Net;
using Store.Events;
using Store.Hosting;
using Store.Tests.Infrastructure;
using Store.Tests.Jobs;

namespace Store.Tests.Events;

[Trait("speed", "slow")]
public sealed class JobEventTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    internal static Task<StoreHost> StartStoreAsync(Mosquitto broker, Func<StoreSettings, StoreSettings>? tweak = null) =>
        StoreHost.StartAsync(s => (tweak ?? (x => x))(s with { MqttBroker = "127.0.0.1", MqttPort = broker.Port }), server: Server.Kestrel);

    /// <summary>The events of one job, in the order they came, as (event_type, progress), until one ends it.</summary>
    static async Task<List<(string Type, int Progress)>> LifeAsync(MqttSubscriber events, string jobId, int count)
    {
        var seen = new List<(string, int)>();
        long last = 0;
        while (seen.Count < count)
        {
            var message = (await events.NextAsync(m => m.Json.Str("job_id") == jobId, $"event {seen.Count + 1} of job {jobId}")).Json;
            Assert.Equal(["event_type", "job_id", "progress", "timestamp"], message.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
            var timestamp = message.GetProperty("timestamp").GetInt64();
            Assert.True(timestamp >= last && timestamp > DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeMilliseconds(), $"timestamp {timestamp} after {last}");
            last = timestamp;
            seen.Add((message.Str("event_type")!, message.GetProperty("progress").GetInt32()));
        }
        return seen;
    }

    [Fact]
    public async Task A_subscriber_sees_every_event_of_a_completed_job_in_order()
    {
        await using var broker = await Mosquitto.StartAsync();
        await using var events = await MqttSubscriber.ConnectAsync(broker, Topics.JobEvents);
        await using var host = await StartStoreAsync(broker);

        var id = (await host.CreateAsync("text_stats", JobKit.Form("notes.txt", Forms.Text("hello")))).JobId();
        Assert.Equal(HttpStatusCode.OK, (await host.Client.ClaimAsync("w1", ["text_stats"])).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.ProgressAsync(id, "w1", 50)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.CompleteAsync(id, "w1", """{"words": 1}""", ("out.txt", Forms.Text("1")))).StatusCode);

        Assert.Equal([("pending", 0), ("processing", 0), ("processing", 50), ("completed", 100)], await LifeAsync(events, id, 4));
    }

    [Fact]
    public async Task A_lapsed_lease_goes_back_to_pending_and_a_failed_job_ends_with_failed()
    {
        await using var broker = await Mosquitto.StartAsync();
        await using var events = await MqttSubscriber.ConnectAsync(broker, Topics.JobEvents);
        await using var host = await StartStoreAsync(broker, s => s with { JobLeaseSeconds = 1 });

        var id = (await host.CreateAsync("text_stats", JobKit.Form("notes.txt", Forms.Text("retry me")))).JobId();
        Assert.Equal(HttpStatusCode.OK, (await host.Client.ClaimAsync("gone", ["text_stats"])).StatusCode);
        // "gone" never reports again: the sweep returns the job to the queue once its lease lapses.
        await host.WaitForJobAsync(id, j => j.Str("status") == "pending");
        Assert.Equal(HttpStatusCode.OK, (await host.Client.ClaimAsync("w2", ["text_stats"])).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.FailAsync(id, "w2", "out of memory")).StatusCode);

        Assert.Equal([("pending", 0), ("processing", 0), ("pending", 0), ("processing", 0), ("failed", 0)], await LifeAsync(events, id, 5));
    }

    [Fact]
    public async Task Changes_in_quick_succession_are_each_published_none_merged()
    {
        await using var broker = await Mosquitto.StartAsync();
        await using var events = await MqttSubscriber.ConnectAsync(broker, Topics.JobEvents);
        await using var host = await StartStoreAsync(broker);

        var id = (await host.CreateAsync("text_stats", JobKit.Form("notes.txt", Forms.Text("fast")))).JobId();
        Assert.Equal(HttpStatusCode.OK, (await host.Client.ClaimAsync("w1", ["text_stats"])).StatusCode);
        var reports = Enumerable.Range(1, 20).ToList();
        foreach (var progress in reports) Assert.Equal(HttpStatusCode.OK, (await host.Client.ProgressAsync(id, "w1", progress)).StatusCode);

        var life = await LifeAsync(events, id, 2 + reports.Count);
        Assert.Equal([("pending", 0), ("processing", 0), .. reports.Select(p => ("processing", p))], life);
    }

    [Fact]
    public async Task The_built_in_worker_runs_a_job_and_every_step_is_published()
    {
        await using var broker = await Mosquitto.StartAsync();
        await using var events = await MqttSubscriber.ConnectAsync(broker, Topics.JobEvents);
        await using var host = await StartStoreAsync(broker, s => s with { BuiltinWorker = true });

        var id = (await host.CreateAsync("media_hash", JobKit.Form("notes.txt", Forms.Text("hash me")))).JobId();
        var finished = await host.WaitFinishedAsync(id);
        Assert.Equal("completed", finished.Str("status"));

        // media_hash reports no progress of its own.
        Assert.Equal([("pending", 0), ("processing", 0), ("completed", 100)], await LifeAsync(events, id, 3));
    }
}
