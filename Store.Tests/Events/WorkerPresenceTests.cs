using System.Net;
using Store.Events;
using Store.Tests.Infrastructure;
using Store.Tests.Jobs;

namespace Store.Tests.Events;

[Trait("speed", "slow")]
public sealed class WorkerPresenceTests
{
    [Fact]
    public async Task A_heartbeat_leaves_a_retained_presence_and_a_lapse_clears_it()
    {
        await using var broker = await Mosquitto.StartAsync();
        await using var host = await JobEventTests.StartStoreAsync(broker, s => s with { WorkerTtlSeconds = 1 });
        var topic = Topics.Worker("gpu-1");

        await using (var live = await MqttSubscriber.ConnectAsync(broker, topic))
        {
            Assert.Equal(HttpStatusCode.OK, (await host.Client.HeartbeatAsync("gpu-1", ["image_resize", "exif"], 2)).StatusCode);
            var presence = await live.NextOnAsync(topic);
            Assert.Equal(["capabilities", "idle_count", "timestamp", "worker_id"],
                presence.Json.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
            Assert.Equal("gpu-1", presence.Json.Str("worker_id"));
            Assert.Equal(["image_resize", "exif"], presence.Json.GetProperty("capabilities").EnumerateArray().Select(c => c.GetString()));
            Assert.Equal(2, presence.Json.GetProperty("idle_count").GetInt32());

            // Silent past WORKER_TTL_SECONDS (1 s here): the watch publishes an empty retained message.
            var cleared = await live.NextOnAsync(topic);
            Assert.Equal("", cleared.Payload);
        }

        // The broker kept nothing for the topic: a new subscriber gets no retained presence, only what comes next.
        await using var later = await MqttSubscriber.ConnectAsync(broker, topic);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.HeartbeatAsync("gpu-1", ["exif"], 1)).StatusCode);
        var next = await later.NextOnAsync(topic);
        Assert.False(next.Retained);
        Assert.Equal(["exif"], next.Json.GetProperty("capabilities").EnumerateArray().Select(c => c.GetString()));
    }

    [Fact]
    public async Task A_subscriber_that_comes_later_gets_the_live_workers_as_retained_messages()
    {
        await using var broker = await Mosquitto.StartAsync();
        await using var host = await JobEventTests.StartStoreAsync(broker);
        await using (var first = await MqttSubscriber.ConnectAsync(broker, Topics.Worker("cpu-1")))
        {
            Assert.Equal(HttpStatusCode.OK, (await host.Client.HeartbeatAsync("cpu-1", ["exif"], 1)).StatusCode);
            await first.NextOnAsync(Topics.Worker("cpu-1"));
        }

        await using var later = await MqttSubscriber.ConnectAsync(broker, "inference/workers/+");
        var retained = await later.NextOnAsync(Topics.Worker("cpu-1"));
        Assert.True(retained.Retained);
        Assert.Equal(1, retained.Json.GetProperty("idle_count").GetInt32());
    }

    [Fact]
    public async Task The_built_in_worker_is_present_like_any_worker_and_cleared_when_the_store_stops()
    {
        await using var broker = await Mosquitto.StartAsync();
        await using var workers = await MqttSubscriber.ConnectAsync(broker, Topics.Worker("builtin"));
        var host = await JobEventTests.StartStoreAsync(broker, s => s with { BuiltinWorker = true });
        await using (host)
        {
            var presence = (await workers.NextAsync(m => m.Payload != "", "the built-in worker's presence")).Json;
            Assert.Equal("builtin", presence.Str("worker_id"));
            Assert.Contains("media_hash", presence.GetProperty("capabilities").EnumerateArray().Select(c => c.GetString()));
        }
        // It signs off as the store stops, and the publisher outlives it long enough to say so.
        await workers.NextAsync(m => m.Payload == "", "the built-in worker's sign-off");
    }

    [Fact]
    public async Task A_worker_id_with_topic_characters_gets_its_own_topic_level()
    {
        await using var broker = await Mosquitto.StartAsync();
        await using var host = await JobEventTests.StartStoreAsync(broker);
        await using var workers = await MqttSubscriber.ConnectAsync(broker, "inference/workers/+");

        Assert.Equal(HttpStatusCode.OK, (await host.Client.HeartbeatAsync(Uri.EscapeDataString("a+b#c"), ["exif"], 1)).StatusCode);
        var presence = await workers.NextAsync(m => m.Payload != "", "the odd worker's presence");
        Assert.Equal("inference/workers/a%2Bb%23c", presence.Topic);
        Assert.Equal("a+b#c", presence.Json.Str("worker_id"));
    }
}
