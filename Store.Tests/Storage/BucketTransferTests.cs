using System.Net;
using System.Net.Http.Headers;
using Store.Tests.Infrastructure;

namespace Store.Tests.Storage;

/// <summary>
/// What goes over the wire between the store and its bucket (MEDIA_STORE=s3 on the run's s3rver), seen from a TCP
/// relay in between (<see cref="BucketRelay"/>): a range download fetches only its range, and a put that is slow
/// (stalled mid-body by the relay) keeps no other upload from committing.
/// </summary>
[Trait("speed", "slow")]
public sealed class BucketTransferTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Long enough for a loaded machine; reaching it is a failure, never a pass.</summary>
    static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    static async Task<StoreHost> StartBehindAsync(BucketRelay relay)
    {
        var bucket = await (await S3Server.GetAsync()).NewBucketAsync();
        return await StoreHost.StartAsync(s => s with { S3 = bucket with { Endpoint = relay.Endpoint } });
    }

    static byte[] Noise(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    static Task<HttpResponseMessage> UploadAsync(StoreHost host, byte[] bytes, string label) =>
        host.Client.PostAsync("/entities", Forms.Entity(false, label, file: bytes, fileName: "noise.bin"), Ct);

    [Fact]
    public async Task A_range_download_fetches_that_range_from_the_bucket_and_no_more()
    {
        await using var relay = BucketRelay.Start((await S3Server.GetAsync()).Endpoint);
        await using var host = await StartBehindAsync(relay);
        // 4 MiB: one put, and far more than any socket buffer a fetch to the end would fill before it was cut.
        var bytes = Noise(4 * 1024 * 1024, 1403);
        var id = (await Expect.StatusAsync(await UploadAsync(host, bytes, "ranges"), HttpStatusCode.Created)).Id();

        async Task<(HttpResponseMessage Answer, byte[] Body, long Fetched)> GetAsync(Action<HttpRequestHeaders> headers)
        {
            var before = relay.FromBucket;
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/entities/{id}/file");
            headers(request.Headers);
            var answer = await host.Client.SendAsync(request, Ct);
            var body = await answer.Content.ReadAsByteArrayAsync(Ct);
            return (answer, body, relay.FromBucket - before);
        }

        // The object's HEAD and one GET of 100 bytes: their headers and the bytes, a few KiB at most.
        var first = await GetAsync(h => h.Range = new RangeHeaderValue(0, 99));
        Assert.Equal(HttpStatusCode.PartialContent, first.Answer.StatusCode);
        Assert.Equal(bytes[..100], first.Body);
        Assert.InRange(first.Fetched, 100L, 8L * 1024);

        var middle = await GetAsync(h => h.Range = new RangeHeaderValue(2_000_000, 2_000_099));
        Assert.Equal(HttpStatusCode.PartialContent, middle.Answer.StatusCode);
        Assert.Equal(bytes[2_000_000..2_000_100], middle.Body);
        Assert.InRange(middle.Fetched, 100L, 8L * 1024);

        var last = await GetAsync(h => h.Range = new RangeHeaderValue(null, 100));
        Assert.Equal(HttpStatusCode.PartialContent, last.Answer.StatusCode);
        Assert.Equal(bytes[^100..], last.Body);
        Assert.InRange(last.Fetched, 100L, 8L * 1024);

        // A Range under an If-Range that no longer holds is answered whole: past the range it was told of, the
        // stream fetches the rest.
        var stale = await GetAsync(h =>
        {
            h.Range = new RangeHeaderValue(0, 99);
            h.IfRange = new RangeConditionHeaderValue(new EntityTagHeaderValue("\"stale\""));
        });
        Assert.Equal(HttpStatusCode.OK, stale.Answer.StatusCode);
        Assert.Equal(bytes, stale.Body);
        Assert.InRange(stale.Fetched, (long)bytes.Length, bytes.Length + 16L * 1024);
    }

    [Fact]
    public async Task A_slow_put_to_the_bucket_keeps_no_other_upload_waiting()
    {
        await using var relay = BucketRelay.Start((await S3Server.GetAsync()).Endpoint);
        await using var host = await StartBehindAsync(relay);
        var big = Noise(2 * 1024 * 1024, 1404);

        // The slow upload's put stops a quarter of a MiB into its body and stays there.
        relay.StallAfter(256 * 1024);
        var slow = UploadAsync(host, big, "slow");
        await relay.Stalled.WaitAsync(Patience, Ct);

        // Meanwhile another upload is inspected, put, committed and read back.
        var quick = await host.Client.CreateMediaAsync("passes the slow one");
        Assert.Equal("passes the slow one", await (await host.Client.GetAsync($"/entities/{quick.Id()}/file", Ct)).Content.ReadAsStringAsync(Ct));
        Assert.False(slow.IsCompleted);

        relay.Release();
        var created = await Expect.StatusAsync(await slow.WaitAsync(Patience, Ct), HttpStatusCode.Created);
        Assert.Equal(big, await host.ReadStoredAsync(created.Str("file_path")!));
        Assert.Equal(2, (await host.Client.GetOkAsync("/entities")).GetProperty("pagination").GetProperty("total_items").GetInt32());
    }

    [Fact]
    public async Task The_same_content_twice_during_a_slow_put_makes_one_entity_and_one_object()
    {
        await using var relay = BucketRelay.Start((await S3Server.GetAsync()).Endpoint);
        await using var host = await StartBehindAsync(relay);
        var big = Noise(2 * 1024 * 1024, 1405);

        relay.StallAfter(256 * 1024);
        var first = UploadAsync(host, big, "first");
        await relay.Stalled.WaitAsync(Patience, Ct);
        var second = UploadAsync(host, big, "second");
        // Other content passes both; the second waits for the first's hold on the content, never for the lock.
        await host.Client.CreateMediaAsync("other content");
        Assert.False(first.IsCompleted);
        Assert.False(second.IsCompleted);

        relay.Release();
        var answers = await Task.WhenAll(first.WaitAsync(Patience, Ct), second.WaitAsync(Patience, Ct));
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Created], answers.Select(a => a.StatusCode).Order());
        var bodies = await Task.WhenAll(answers.Select(a => a.ReadJsonAsync()));
        Assert.Equal(bodies[0].Id(), bodies[1].Id());
        var path = bodies[0].Str("file_path")!;
        Assert.Equal(2, host.StoredFiles().Count);
        Assert.Contains(path, host.StoredFiles());
        Assert.Equal(big, await host.ReadStoredAsync(path));
        Assert.Empty(host.TempFiles());
    }
}
