using System.Net;
using Store.Events;
using Store.Tests.Infrastructure;
using Store.Tests.Jobs;

namespace Store.Tests.Events;

/// <summary>The store works the same without its broker, and publishing picks up again once the broker is back.</summary>
[Trait("speed", "slow")]
public sealed class BrokerDownTests
{
    /// <summary>Every kind of request that publishes something answers as it does without MQTT.</summary>
    static async Task EveryPublishingRequestAnswersAsync(StoreHost host, string worker, string content)
    {
        Assert.Equal(HttpStatusCode.OK, (await host.Client.HeartbeatAsync(worker, ["text_stats"], 1)).StatusCode);
        var item = await host.Client.CreateMediaAsync(content);
        await Expect.StatusAsync(await host.Client.PutFormAsync(item.Id(), Forms.Entity(false, "new file", file: Forms.Text(content + " 2"), fileName: "n.txt")),
            HttpStatusCode.OK);
        var id = (await host.CreateAsync("text_stats", JobKit.Form("notes.txt", Forms.Text(content)))).JobId();
        Assert.Equal(HttpStatusCode.OK, (await host.Client.ClaimAsync(worker, ["text_stats"])).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.ProgressAsync(id, worker, 10)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.CompleteAsync(id, worker, "{}")).StatusCode);
        Assert.Equal("completed", (await host.GetJobAsync(id)).Str("status"));
    }

    [Fact]
    public async Task With_no_broker_at_its_address_the_store_answers_and_publishes_once_one_starts_there()
    {
        await using var broker = Mosquitto.NotStarted();
        await using var host = await JobEventTests.StartStoreAsync(broker);

        await EveryPublishingRequestAnswersAsync(host, "w1", "while nobody listens");

        await broker.StartAgainAsync();
        // What was published meanwhile waited in memory; the worker's presence is retained, so it is there for
        // a subscriber that comes after the store reconnected as well as before.
        await using var subscriber = await MqttSubscriber.ConnectAsync(broker, Topics.JobEvents, "inference/workers/+", "store/+/items");
        var presence = await subscriber.NextOnAsync(Topics.Worker("w1"));
        Assert.Equal("w1", presence.Json.Str("worker_id"));

        var item = await host.Client.CreateMediaAsync("after the broker came");
        var told = await subscriber.NextOnAsync(Topics.Items(host.BaseAddress.Port));
        // Events queued before the subscription may come first if the store had not reconnected yet: skip to this item's.
        while (told.Json.GetProperty("id").GetInt64() != item.Id()) told = await subscriber.NextOnAsync(Topics.Items(host.BaseAddress.Port));
    }

    [Fact]
    public async Task A_broker_that_goes_away_and_comes_back_gets_the_events_and_the_workers_again()
    {
        await using var broker = await Mosquitto.StartAsync();
        await using var host = await JobEventTests.StartStoreAsync(broker);
        await using (var before = await MqttSubscriber.ConnectAsync(broker, "inference/workers/+"))
        {
            Assert.Equal(HttpStatusCode.OK, (await host.Client.HeartbeatAsync("steady", ["text_stats"], 1)).StatusCode);
            await before.NextOnAsync(Topics.Worker("steady"));
        }

        await broker.StopAsync();
        await EveryPublishingRequestAnswersAsync(host, "w2", "while the broker is down");

        // The broker restarts empty (no persistence): the store re-publishes the presence of the live workers.
        await broker.StartAgainAsync();
        await using var after = await MqttSubscriber.ConnectAsync(broker, Topics.JobEvents, "inference/workers/+");
        var present = new HashSet<string>();
        while (!present.SetEquals(["steady", "w2"]))
            present.Add((await after.NextAsync(m => m.Topic.StartsWith("inference/workers/"), "the workers' presence")).Json.Str("worker_id")!);

        var id = (await host.CreateAsync("text_stats", JobKit.Form("notes.txt", Forms.Text("back again")))).JobId();
        var created = await after.NextAsync(m => m.Topic == Topics.JobEvents && m.Json.Str("job_id") == id, "the new job's event");
        Assert.Equal("pending", created.Json.Str("event_type"));
    }
}
