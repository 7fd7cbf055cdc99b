using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Store.Tests.Infrastructure;
using Store.Tests.Media;

// Not "...Entities.File": that namespace would hide System.IO.File in every test under Store.Tests.Entities.
namespace Store.Tests.Entities.FileDelivery;

/// <summary>GET /entities/{id}/file streams the stored bytes with HTTP caching and ranges.</summary>
[Trait("storage", "both")]
public sealed class EntityFileTests(MediaHostFixture fixture) : IClassFixture<MediaHostFixture>
{
    StoreHost Host => fixture.Host;

    async Task<(long Id, byte[] Bytes)> Upload(byte[] bytes, string label)
    {
        var response = await Host.Client.PostAsync("/entities", Forms.Entity(false, label, file: bytes), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return ((await response.ReadJsonAsync()).GetProperty("id").GetInt64(), bytes);
    }

    static HttpRequestMessage Get(long id, Action<HttpRequestHeaders>? headers = null, HttpMethod? method = null)
    {
        var request = new HttpRequestMessage(method ?? HttpMethod.Get, $"/entities/{id}/file");
        headers?.Invoke(request.Headers);
        return request;
    }

    [Fact]
    public async Task Streams_the_file_with_its_type_name_and_tag()
    {
        var ct = TestContext.Current.CancellationToken;
        var (id, bytes) = await Upload(TestMedia.Jpeg(700), "Beach");
        var response = await Host.Client.SendAsync(Get(id), ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/jpeg", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(bytes, await response.Content.ReadAsByteArrayAsync(ct));
        Assert.Equal("inline", response.Content.Headers.ContentDisposition!.DispositionType);
        Assert.Equal("Beach.jpg", response.Content.Headers.ContentDisposition.FileNameStar);
        Assert.NotNull(response.Headers.ETag);
        Assert.Contains("bytes", response.Headers.AcceptRanges);

        var download = await Host.Client.GetAsync($"/entities/{id}/file?download=true", ct);
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition!.DispositionType);
    }

    [Fact]
    public async Task If_none_match_answers_304()
    {
        var ct = TestContext.Current.CancellationToken;
        var (id, _) = await Upload(TestMedia.Png(701), "p");
        var tag = (await Host.Client.SendAsync(Get(id), ct)).Headers.ETag!;

        var again = await Host.Client.SendAsync(Get(id, h => h.IfNoneMatch.Add(tag)), ct);
        Assert.Equal(HttpStatusCode.NotModified, again.StatusCode);
        Assert.Empty(await again.Content.ReadAsByteArrayAsync(ct));

        var other = await Host.Client.SendAsync(Get(id, h => h.IfNoneMatch.Add(new EntityTagHeaderValue("\"other\""))), ct);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task Ranges_answer_206_and_416()
    {
        var ct = TestContext.Current.CancellationToken;
        var (id, bytes) = await Upload(await TestMedia.VideoAsync(702, "mp4"), "clip");

        var part = await Host.Client.SendAsync(Get(id, h => h.Range = new RangeHeaderValue(10, 109)), ct);
        Assert.Equal(HttpStatusCode.PartialContent, part.StatusCode);
        Assert.Equal($"bytes 10-109/{bytes.Length}", part.Content.Headers.ContentRange!.ToString());
        Assert.Equal(bytes[10..110], await part.Content.ReadAsByteArrayAsync(ct));
        Assert.Equal("video/mp4", part.Content.Headers.ContentType!.MediaType);

        var tail = await Host.Client.SendAsync(Get(id, h => h.Range = new RangeHeaderValue(null, 16)), ct);
        Assert.Equal(bytes[^16..], await tail.Content.ReadAsByteArrayAsync(ct));

        var outside = await Host.Client.SendAsync(Get(id, h => h.Range = new RangeHeaderValue(bytes.Length + 10, null)), ct);
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, outside.StatusCode);
        Assert.Equal($"bytes */{bytes.Length}", outside.Content.Headers.ContentRange!.ToString());
    }

    [Fact]
    public async Task Head_gives_the_headers_without_the_body()
    {
        var ct = TestContext.Current.CancellationToken;
        var (id, bytes) = await Upload(Forms.Text("head me\n"), "notes");
        var head = await Host.Client.SendAsync(Get(id, method: HttpMethod.Head), ct);
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(bytes.Length, head.Content.Headers.ContentLength);
        Assert.Equal("text/plain", head.Content.Headers.ContentType!.MediaType);
        Assert.Equal("notes.txt", head.Content.Headers.ContentDisposition!.FileNameStar);
    }

    [Fact]
    public async Task Unknown_entities_and_collections_are_404()
    {
        var ct = TestContext.Current.CancellationToken;
        var missing = await Host.Client.GetAsync("/entities/999999/file", ct);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("Entity not found", (await missing.ReadJsonAsync()).GetProperty("detail").GetString());

        var folder = await (await Host.Client.PostAsync("/entities", Forms.Entity(true, "folder"), ct)).ReadJsonAsync();
        var none = await Host.Client.GetAsync($"/entities/{folder.GetProperty("id").GetInt64()}/file", ct);
        Assert.Equal(HttpStatusCode.NotFound, none.StatusCode);
        Assert.Equal("Entity has no file", (await none.ReadJsonAsync()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_soft_deleted_item_is_still_served_and_a_replaced_file_gets_a_new_tag()
    {
        var ct = TestContext.Current.CancellationToken;
        var (id, _) = await Upload(TestMedia.Png(703), "p");
        var before = (await Host.Client.SendAsync(Get(id), ct)).Headers.ETag!;

        var patch = await Host.Client.PatchAsync($"/entities/{id}", JsonContent.Create(new { is_deleted = true }), ct);
        Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Host.Client.SendAsync(Get(id), ct)).StatusCode);

        var replacement = TestMedia.Png(704);
        var put = await Host.Client.PutAsync($"/entities/{id}", Forms.Entity(false, "p", file: replacement), ct);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var after = await Host.Client.SendAsync(Get(id, h => h.IfNoneMatch.Add(before)), ct);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.NotEqual(before, after.Headers.ETag);
        Assert.Equal(replacement, await after.Content.ReadAsByteArrayAsync(ct));
    }
}
