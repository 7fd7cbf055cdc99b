using System.Diagnostics;
using System.Net;
using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Dapper;
using Store.Data;
using Store.Events;
using Store.Tests.Auth;
using Store.Tests.Events;
using Store.Tests.Infrastructure;
using Store.Tests.Jobs;

namespace Store.Tests.Instances;

/// <summary>
/// Two real store processes on one PostgreSQL database and one bucket behave as one store (issue 14, point 3):
/// duplicates settle on one entity, a job moves through either, its SSE and MQTT events reach a follower of either
/// once, the read-auth switch holds on both at once, and the shared sweeps run once. PostgreSQL only by nature:
/// scripts/test runs this class in its PostgreSQL pass (and leaves it out of the first).
/// </summary>
[Trait("speed", "slow")]
[Trait("database", "postgres-only")]
public sealed class SeveralInstancesTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_same_content_sent_to_both_at_once_makes_one_entity_and_one_object()
    {
        await using var stores = await TwoStores.StartAsync();
        using var a = stores.ClientA();
        using var b = stores.ClientB();
        var content = Forms.Text("one picture, sent to two processes " + Guid.NewGuid());
        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => (i % 2 == 0 ? a : b).PostAsync(
            "/entities", Forms.Entity(false, $"copy {i}", file: content), Ct)));

        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, $"got {(int)r.StatusCode}"));
        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        var id = Assert.Single((await Task.WhenAll(responses.Select(r => r.ReadJsonAsync()))).Select(e => e.Id()).Distinct());
        Assert.Equal([id], (await b.GetOkAsync("/entities")).Ids());
        Assert.Equal([id], (await a.GetOkAsync("/entities")).Ids());
        Assert.Single(await KeysAsync(stores, "store/"));
        Assert.Single((await a.GetOkAsync($"/entities/{id}/versions")).EnumerateArray());
    }

    [Fact]
    public async Task A_job_created_on_one_wakes_a_worker_waiting_on_the_other_and_is_followed_there_by_sse_and_mqtt_once()
    {
        await using var broker = await Mosquitto.StartAsync();
        await using var events = await MqttSubscriber.ConnectAsync(broker, Topics.JobEvents);
        await using var stores = await TwoStores.StartAsync(Mqtt(broker));
        using var a = stores.ClientA();
        using var b = stores.ClientB();

        // The worker waits on B before the job exists: only a signal from A's commit can wake it within the wait.
        var waited = Stopwatch.StartNew();
        var claim = b.ClaimAsync("w1", ["multi"], waitSeconds: 30);
        await Task.Delay(TimeSpan.FromSeconds(1), Ct);
        var id = (await CreateJobAsync(a, "multi")).JobId();
        var claimed = await claim;
        Assert.Equal(HttpStatusCode.OK, claimed.StatusCode);
        Assert.Equal(id, (await claimed.ReadJsonAsync()).JobId());
        // Not a speed check: a claim that was never woken answers at the end of its 30 s wait.
        Assert.True(waited.Elapsed < TimeSpan.FromSeconds(20), $"the claim on B answered after {waited.Elapsed}");

        // Followed on B while A takes the worker's reports.
        using var stream = await b.GetAsync($"/compute/jobs/{id}/events", HttpCompletionOption.ResponseHeadersRead, Ct);
        Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
        var frames = Frames(await stream.Content.ReadAsStreamAsync(Ct));
        Assert.Equal(("processing", 0), await NextFrameAsync(frames));
        foreach (var progress in new[] { 30, 60 })
        {
            var reported = Stopwatch.StartNew();
            Assert.Equal(HttpStatusCode.OK, (await a.ProgressAsync(id, "w1", progress)).StatusCode);
            Assert.Equal(("processing", progress), await NextFrameAsync(frames));
            // The stream re-reads its job on its own only every 15 s (its keep-alive): sooner means A's change woke it.
            Assert.True(reported.Elapsed < TimeSpan.FromSeconds(10), $"B's stream saw progress {progress} after {reported.Elapsed}");
        }
        Assert.Equal(HttpStatusCode.OK, (await a.CompleteAsync(id, "w1", """{"done": true}""")).StatusCode);
        Assert.Equal(("completed", 100), await NextFrameAsync(frames));

        // Each change was published once, by the instance that committed it; across instances the order is the broker's.
        var seen = new List<(string, int)>();
        while (seen.Count < 5)
        {
            var message = (await events.NextAsync(m => m.Json.Str("job_id") == id, $"event {seen.Count + 1} of job {id}")).Json;
            seen.Add((message.Str("event_type")!, message.GetProperty("progress").GetInt32()));
        }
        Assert.Equal([("completed", 100), ("pending", 0), ("processing", 0), ("processing", 30), ("processing", 60)], seen.Order());
        await NoMoreAsync(events, m => m.Json.Str("job_id") == id);
    }

    [Fact]
    public async Task A_worker_heard_through_either_is_announced_once_and_its_lapse_cleared_once()
    {
        await using var broker = await Mosquitto.StartAsync();
        await using var stores = await TwoStores.StartAsync(new Dictionary<string, string>(Mqtt(broker)) { ["WORKER_TTL_SECONDS"] = "3" });
        await using var presence = await MqttSubscriber.ConnectAsync(broker, "inference/workers/#");
        using var a = stores.ClientA();
        using var b = stores.ClientB();

        // Each heartbeat is announced by the instance that took it; the two may reach the broker in either order (and on
        // a loaded machine the worker may lapse between them, which clears it in between: that is right too).
        Assert.Equal(HttpStatusCode.OK, (await a.HeartbeatAsync("gpu-1", ["multi"], 1)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await b.HeartbeatAsync("gpu-1", ["multi"], 0)).StatusCode);
        var announced = new List<int>();
        while (true)
        {
            var message = await presence.NextOnAsync(Topics.Worker("gpu-1"), seconds: 60);
            if (message.Payload.Length > 0) announced.Add(message.Json.GetProperty("idle_count").GetInt32());
            // Then silence: the instance leading the lapse watch clears it, the other only forgets it.
            else if (announced.Count >= 2) break;
        }
        Assert.Equal([0, 1], announced.Order());
        await NoMoreAsync(presence, m => m.Topic == Topics.Worker("gpu-1"));
    }

    [Fact]
    public async Task Read_auth_switched_on_one_holds_on_the_other_for_the_very_next_request()
    {
        using var key = TestKey.Create();
        await using var stores = await TwoStores.StartAsync(key: key);
        var admin = key.Token(sub: "root", isAdmin: true);
        using var adminA = stores.ClientA(admin);
        using var adminB = stores.ClientB(admin);
        using var anonymousA = stores.ClientA();
        using var anonymousB = stores.ClientB();
        Assert.Equal(HttpStatusCode.OK, (await anonymousB.GetAsync("/entities", Ct)).StatusCode);

        for (var round = 0; round < 5; round++)
        {
            Assert.Equal(HttpStatusCode.OK, (await adminA.PutAsync("/admin/config/read-auth", Json("""{"enabled": true}"""), Ct)).StatusCode);
            await TokenAttackTests.AssertNotAuthenticated(await anonymousB.GetAsync("/entities", Ct));
            Assert.True((await adminB.GetOkAsync("/admin/config")).GetProperty("read_auth_enabled").GetBoolean());

            Assert.Equal(HttpStatusCode.OK, (await adminB.PutAsync("/admin/config/read-auth", Json("""{"enabled": false}"""), Ct)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await anonymousA.GetAsync("/entities", Ct)).StatusCode);
        }
    }

    [Fact]
    public async Task The_hourly_retention_sweep_runs_once_for_both()
    {
        var old = DateTimeOffset.UtcNow.AddDays(-30).ToUnixTimeMilliseconds();
        await using var stores = await TwoStores.StartAsync(new Dictionary<string, string> { ["JOB_RETENTION_DAYS"] = "7" }, beforeStart: async db =>
        {
            foreach (var id in new[] { "old-1", "old-2" })
                await db.ExecuteAsync(
                    """
                    INSERT INTO jobs (job_id, task_type, status, priority, progress, created_at, updated_at, completed_at)
                    VALUES (@id, 'multi', 'completed', 5, 100, @old, @old, @old)
                    """, new { id, old });
        });
        await using var connection = stores.Connect();
        await JobKit.Eventually(async () => await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM jobs") == 0, 60,
            () => "the old jobs were never swept");
        // Both have ticked several times since (a tick is at most 5 s): still the one run, by the one leader.
        await Task.Delay(TimeSpan.FromSeconds(6), Ct);
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>("SELECT runs FROM sweeps WHERE name = 'job_retention'"));
        Assert.Equal(1, stores.CountInOutput("Retention sweep removed 2 jobs"));
        Assert.Equal(1, stores.CountInOutput("This instance now leads the shared sweeps"));
    }

    [Fact]
    public async Task A_listener_that_lost_its_connection_listens_again_and_its_waiters_miss_nothing()
    {
        await using var stores = await TwoStores.StartAsync();
        using var a = stores.ClientA();
        using var b = stores.ClientB();
        await using var connection = stores.Connect();
        await connection.OpenAsync(Ct);
        const string Listeners = "FROM pg_stat_activity WHERE application_name = @name AND datname = current_database()";
        var name = PostgresListener.ApplicationName;
        await JobKit.Eventually(async () => await connection.ExecuteScalarAsync<long>($"SELECT count(*) {Listeners}", new { name }) == 2, 30,
            () => "the two listeners never connected");
        var claim = b.ClaimAsync("w1", ["multi"], waitSeconds: 30);
        var waited = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(1), Ct);

        // Both listeners are cut; the job is created while they are away or just back.
        Assert.Equal(2, await connection.ExecuteScalarAsync<long>($"SELECT count(pg_terminate_backend(pid)) {Listeners}", new { name }));
        var id = (await CreateJobAsync(a, "multi")).JobId();

        var claimed = await claim;
        Assert.Equal(HttpStatusCode.OK, claimed.StatusCode);
        Assert.Equal(id, (await claimed.ReadJsonAsync()).JobId());
        Assert.True(waited.Elapsed < TimeSpan.FromSeconds(20), $"the claim on B answered after {waited.Elapsed}");
        await JobKit.Eventually(() => Task.FromResult(stores.B.StandardOutput.Contains("Listening to the database's change notices again")), 30,
            () => $"B did not listen again: {stores.B.StandardOutput}");
    }

    static Dictionary<string, string> Mqtt(Mosquitto broker) => new()
    {
        ["MQTT_BROKER"] = "127.0.0.1",
        ["MQTT_PORT"] = broker.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    static async Task<JsonElement> CreateJobAsync(HttpClient client, string taskType)
    {
        var response = await client.PostAsync($"/compute/jobs/{taskType}", JobKit.Form("in.txt", Forms.Text("input")), Ct);
        var body = await response.ReadJsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{response.StatusCode}: {body}");
        return body;
    }

    static async Task<List<string>> KeysAsync(TwoStores stores, string prefix)
    {
        using var s3 = new AmazonS3Client(new BasicAWSCredentials(stores.Bucket.AccessKey, stores.Bucket.SecretKey), new AmazonS3Config
        {
            ServiceURL = stores.Bucket.Endpoint!,
            ForcePathStyle = true,
            AuthenticationRegion = stores.Bucket.Region,
        });
        var listed = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = stores.Bucket.Bucket, Prefix = prefix }, Ct);
        return listed.S3Objects?.Select(o => o.Key).ToList() ?? [];
    }

    /// <summary>The job frames of an SSE stream, as (status, progress), handed out as they come.</summary>
    static ChannelReader<(string Status, int Progress)> Frames(Stream stream)
    {
        var frames = Channel.CreateUnbounded<(string, int)>();
        _ = Task.Run(async () =>
        {
            try
            {
                await foreach (var item in SseParser.Create(stream).EnumerateAsync(Ct))
                {
                    var job = JsonDocument.Parse(item.Data).RootElement;
                    frames.Writer.TryWrite((job.Str("status")!, job.GetProperty("progress").GetInt32()));
                }
                frames.Writer.TryComplete();
            }
            catch (Exception e) { frames.Writer.TryComplete(e); }
        }, Ct);
        return frames.Reader;
    }

    static async Task<(string, int)> NextFrameAsync(ChannelReader<(string Status, int Progress)> frames)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(60));
        return await frames.ReadAsync(deadline.Token);
    }

    /// <summary>Nothing more that <paramref name="match"/> accepts arrives for a while: a second copy would come within it.</summary>
    static async Task NoMoreAsync(MqttSubscriber subscriber, Func<Received, bool> match)
    {
        Received? extra = null;
        try { extra = await subscriber.NextAsync(match, "a second copy", seconds: 3); }
        catch (Exception e) when (e.Message.Contains("no MQTT message came", StringComparison.Ordinal)) { }
        Assert.Null(extra);
    }
}
