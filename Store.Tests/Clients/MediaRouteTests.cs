using System.Net;
using System.Net.Http.Headers;
using Store.Tests.Infrastructure;
using Store.Tests.Media;

namespace Store.Tests.Clients;

/// <summary>GET /entities/{id}/media serves the stored file exactly as /file does; a collection is a 400 there.</summary>
public sealed class MediaRouteTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Media_serves_the_file_with_its_type_range_etag_and_head()
    {
        await using var host = await StoreHost.StartAsync();
        var bytes = TestMedia.Png(7, 200, 100);
        var created = await Expect.StatusAsync(await host.Client.PostAsync("/entities", Forms.Entity(false, "p", file: bytes, fileName: "p.png"), Ct), HttpStatusCode.Created);
        var url = $"/entities/{created.Id()}/media";

        var whole = await host.Client.GetAsync(url, Ct);
        Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
        Assert.Equal("image/png", whole.Content.Headers.ContentType?.MediaType);
        Assert.Equal(bytes, await whole.Content.ReadAsByteArrayAsync(Ct));
        var file = await host.Client.GetAsync($"/entities/{created.Id()}/file", Ct);
        Assert.Equal(file.Headers.ETag, whole.Headers.ETag);
        Assert.True(whole.Headers.ETag!.Tag.Length > 2);

        using var range = new HttpRequestMessage(HttpMethod.Get, url);
        range.Headers.Range = new RangeHeaderValue(10, 19);
        var part = await host.Client.SendAsync(range, Ct);
        Assert.Equal(HttpStatusCode.PartialContent, part.StatusCode);
        Assert.Equal(bytes[10..20], await part.Content.ReadAsByteArrayAsync(Ct));

        using var again = new HttpRequestMessage(HttpMethod.Get, url);
        again.Headers.IfNoneMatch.Add(whole.Headers.ETag!);
        Assert.Equal(HttpStatusCode.NotModified, (await host.Client.SendAsync(again, Ct)).StatusCode);

        using var head = new HttpRequestMessage(HttpMethod.Head, url);
        var headers = await host.Client.SendAsync(head, Ct);
        Assert.Equal(HttpStatusCode.OK, headers.StatusCode);
        Assert.Equal(bytes.Length, headers.Content.Headers.ContentLength);
        Assert.Empty(await headers.Content.ReadAsByteArrayAsync(Ct));
    }

    [Fact]
    public async Task A_collection_is_a_400_on_media_and_a_404_on_file_and_an_unknown_id_a_404()
    {
        await using var host = await StoreHost.StartAsync();
        var collection = await host.Client.CreateCollectionAsync("c");
        await Expect.DetailAsync(await host.Client.GetAsync($"/entities/{collection.Id()}/media", Ct), HttpStatusCode.BadRequest, "Entity is a collection");
        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.GetAsync($"/entities/{collection.Id()}/file", Ct)).StatusCode);
        await Expect.DetailAsync(await host.Client.GetAsync("/entities/999/media", Ct), HttpStatusCode.NotFound, "Entity not found");
    }
}
