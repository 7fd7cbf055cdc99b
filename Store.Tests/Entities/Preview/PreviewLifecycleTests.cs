using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Store.Entities.Shared;
using SixLabors.ImageSharp.PixelFormats;
using Store.Tests.Infrastructure;
using Store.Tests.Media;

namespace Store.Tests.Entities.Preview;

/// <summary>A preview lives and dies with its entity's file: removed with it, replaced by PUT, never left by a failed request.</summary>
[Trait("storage", "both")]
public sealed class PreviewLifecycleTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Deleting_an_entity_removes_its_previews()
    {
        await using var host = await StartAsync();
        var one = await host.Client.UploadAsync(TestMedia.Jpeg(1, 600, 400));
        var two = await host.Client.UploadAsync(TestMedia.Jpeg(2, 600, 400));
        await host.Client.PreviewSizeAsync(one.Id(), "?size=large");
        Assert.Equal(3, host.PreviewFiles().Length);

        Assert.Equal(HttpStatusCode.NoContent, (await host.Client.DeleteAsync($"/entities/{one.Id()}", Ct)).StatusCode);
        Assert.Equal([host.PreviewFile(two, 256)], host.PreviewFiles());

        var album = await host.Client.CreateCollectionAsync("album");
        var inside = await host.Client.PostAsync("/entities", Forms.Entity(false, "in", parentId: album.Id(), file: TestMedia.Jpeg(3, 600, 400)), Ct);
        Assert.Equal(HttpStatusCode.Created, inside.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await host.Client.DeleteAsync($"/entities/{album.Id()}?recursive=true", Ct)).StatusCode);
        Assert.Equal([host.PreviewFile(two, 256)], host.PreviewFiles());

        Assert.Equal(HttpStatusCode.NoContent, (await host.Client.DeleteAsync("/entities", Ct)).StatusCode);
        Assert.Empty(host.PreviewFiles());
    }

    [Fact]
    public async Task A_put_with_a_new_file_replaces_the_preview_under_the_same_url()
    {
        await using var host = await StartAsync();
        var red = Solid(new Rgba32(230, 10, 10), 800, 400);
        var blue = Solid(new Rgba32(10, 10, 230), 300, 600);
        var entity = await host.Client.UploadAsync(red);
        var before = await host.Client.PreviewAsync(entity.Id());
        await host.Client.PreviewSizeAsync(entity.Id(), "?size=large");

        var put = await host.Client.PutFormAsync(entity.Id(), Forms.Entity(false, "blue", file: blue));
        var replaced = await Expect.StatusAsync(put, HttpStatusCode.OK);
        // The old file's previews went with it; the new file brought its small one.
        Assert.Equal([host.PreviewFile(replaced, 256)], host.PreviewFiles());

        var request = new HttpRequestMessage(HttpMethod.Get, $"/entities/{entity.Id()}/preview");
        request.Headers.IfNoneMatch.Add(before.Headers.ETag!);
        var after = await host.Client.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        using var image = SixLabors.ImageSharp.Image.Load<Rgba32>(await after.Content.ReadAsByteArrayAsync(Ct));
        Assert.Equal((128, 256), (image.Width, image.Height));
        Assert.True(image[64, 128].B > 180, $"the new picture is blue, got {image[64, 128]}");
    }

    [Fact]
    public async Task Failed_and_duplicate_uploads_leave_no_preview_behind()
    {
        await using var host = await StartAsync();
        var first = await host.Client.UploadAsync(TestMedia.Jpeg(7, 400, 300));
        var second = await host.Client.UploadAsync(TestMedia.Jpeg(8, 400, 300));
        var expected = host.PreviewFiles();

        // The same content again: 200 with the existing entity, nothing new on disk.
        var again = await host.Client.PostAsync("/entities", Forms.Entity(false, "again", file: TestMedia.Jpeg(7, 400, 300)), Ct);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        // A parent that is not a collection: refused after the file was inspected.
        var orphan = await host.Client.PostAsync("/entities", Forms.Entity(false, "x", parentId: first.Id(), file: TestMedia.Jpeg(9, 400, 300)), Ct);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, orphan.StatusCode);
        // PUT with another entity's content: 409.
        var conflict = await host.Client.PutFormAsync(second.Id(), Forms.Entity(false, "dup", file: TestMedia.Jpeg(7, 400, 300)));
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        // PUT on an unknown id.
        var missing = await host.Client.PutFormAsync(999, Forms.Entity(false, "none", file: TestMedia.Jpeg(10, 400, 300)));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);

        Assert.Equal(expected, host.PreviewFiles());
        Assert.Empty(Directory.GetFiles(host.MediaPath(".tmp")));
    }

    [Fact]
    public async Task A_missing_preview_is_made_from_the_stored_file_on_request()
    {
        await using var host = await StartAsync();
        var entity = await host.Client.UploadAsync(TestMedia.Jpeg(11, 900, 300));
        await host.RemoveStoredAsync(host.PreviewFile(entity, 256));
        Assert.Empty(host.PreviewFiles());

        Assert.Equal((256, 85), await host.Client.PreviewSizeAsync(entity.Id()));
        Assert.Equal((900, 300), await host.Client.PreviewSizeAsync(entity.Id(), "?size=large"));
        Assert.Equal(2, host.PreviewFiles().Length);
    }

    /// <summary>Without the backfill, which would add large previews while a test counts files.</summary>
    static Task<StoreHost> StartAsync() =>
        StoreHost.StartAsync(configure: b => b.Services.AddSingleton(new PreviewOptions { Backfill = false }));

    static byte[] Solid(Rgba32 colour, int width, int height)
    {
        using var image = new SixLabors.ImageSharp.Image<Rgba32>(width, height, colour);
        using var buffer = new MemoryStream();
        image.Save(buffer, new SixLabors.ImageSharp.Formats.Png.PngEncoder());
        return buffer.ToArray();
    }
}
