using System.Net;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.PixelFormats;
using Store.Tests.Infrastructure;
using Store.Tests.Media;

namespace Store.Tests.Entities.Preview;

/// <summary>GET /entities/{id}/preview: WebP, 256 px or 1440 px on the long edge, cached by ETag, with the read rules of GET /entities/{id}.</summary>
[Trait("storage", "both")]
public sealed class EntityPreviewTests(MediaHostFixture fixture) : IClassFixture<MediaHostFixture>
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;
    HttpClient Client => fixture.Host.Client;

    [Fact]
    public async Task A_jpeg_gets_a_small_webp_preview_at_upload_and_a_large_one_on_request()
    {
        var entity = await Client.UploadAsync(TestMedia.Jpeg(1, 2000, 1000));
        // The small preview was written by the upload itself, from the pixels it decoded for the hash.
        Assert.True(fixture.Host.HasStored(fixture.Host.PreviewFile(entity, 256)));

        Assert.Equal((256, 128), await Client.PreviewSizeAsync(entity.Id()));
        Assert.Equal((256, 128), await Client.PreviewSizeAsync(entity.Id(), "?size=small"));
        Assert.Equal((1440, 720), await Client.PreviewSizeAsync(entity.Id(), "?size=large"));
        Assert.True(fixture.Host.HasStored(fixture.Host.PreviewFile(entity, 1440)));
        Assert.Equal((1440, 720), await Client.PreviewSizeAsync(entity.Id(), "?size=LARGE&force=1"));
    }

    [Fact]
    public async Task A_picture_smaller_than_a_preview_is_never_enlarged()
    {
        var entity = await Client.UploadAsync(TestMedia.Png(2, 64, 30));
        Assert.Equal((64, 30), await Client.PreviewSizeAsync(entity.Id()));
        Assert.Equal((64, 30), await Client.PreviewSizeAsync(entity.Id(), "?size=large"));

        var medium = await Client.UploadAsync(TestMedia.Png(3, 300, 900));
        Assert.Equal((85, 256), await Client.PreviewSizeAsync(medium.Id()));
        Assert.Equal((300, 900), await Client.PreviewSizeAsync(medium.Id(), "?size=large"));
    }

    public static TheoryData<string> StillFormats => ["png", "gif", "webp", "bmp", "tiff"];

    [Theory]
    [MemberData(nameof(StillFormats))]
    public async Task Every_still_format_gets_a_preview_of_its_picture(string format)
    {
        var seed = 10 + format.Length * 3 + format[0];
        var bytes = format switch
        {
            "png" => TestMedia.Png(seed, 400, 200),
            "gif" => TestMedia.Encode(seed, new GifEncoder(), 400, 200),
            "webp" => TestMedia.Encode(seed, new WebpEncoder { FileFormat = WebpFileFormatType.Lossless }, 400, 200),
            "bmp" => TestMedia.Encode(seed, new SixLabors.ImageSharp.Formats.Bmp.BmpEncoder(), 400, 200),
            _ => TestMedia.Encode(seed, new SixLabors.ImageSharp.Formats.Tiff.TiffEncoder(), 400, 200),
        };
        var entity = await Client.UploadAsync(bytes);
        Assert.Equal((256, 128), await Client.PreviewSizeAsync(entity.Id()));
        Assert.Equal((400, 200), await Client.PreviewSizeAsync(entity.Id(), "?size=large"));
    }

    [Fact]
    public async Task An_animated_gif_previews_its_first_frame()
    {
        using var animation = new Image<Rgba32>(120, 60, new Rgba32(220, 20, 20));
        using (var blue = new Image<Rgba32>(120, 60, new Rgba32(20, 20, 220)))
            animation.Frames.AddFrame(blue.Frames.RootFrame);
        using var buffer = new MemoryStream();
        await animation.SaveAsync(buffer, new GifEncoder(), Ct);

        var entity = await Client.UploadAsync(buffer.ToArray());
        using var preview = await Client.PreviewImageAsync(entity.Id());
        Assert.Equal((120, 60), (preview.Width, preview.Height));
        Assert.True(PreviewKit.IsRed(preview[60, 30]), $"first frame is red, got {preview[60, 30]}");
    }

    [Fact]
    public async Task The_preview_has_a_strong_etag_revalidates_with_304_and_answers_head()
    {
        var entity = await Client.UploadAsync(TestMedia.Jpeg(4, 500, 300));
        var first = await Client.PreviewAsync(entity.Id());
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var tag = first.Headers.ETag!;
        Assert.False(tag.IsWeak);
        Assert.True(first.Headers.CacheControl!.NoCache);
        Assert.Null(first.Headers.CacheControl.MaxAge);

        var again = new HttpRequestMessage(HttpMethod.Get, $"/entities/{entity.Id()}/preview");
        again.Headers.IfNoneMatch.Add(tag);
        var notModified = await Client.SendAsync(again, Ct);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);

        var large = await Client.PreviewAsync(entity.Id(), "?size=large");
        Assert.NotEqual(tag, large.Headers.ETag);

        var head = await Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/entities/{entity.Id()}/preview"), Ct);
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal("image/webp", head.Content.Headers.ContentType?.MediaType);
        Assert.Equal(tag, head.Headers.ETag);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync(Ct));
    }

    [Fact]
    public async Task Collections_unknown_ids_and_files_without_pictures_are_refused()
    {
        var collection = await Client.CreateCollectionAsync("album");
        await Expect.DetailAsync(await Client.PreviewAsync(collection.Id()), HttpStatusCode.BadRequest, "Entity is a collection");
        await Expect.DetailAsync(await Client.PreviewAsync(999_999), HttpStatusCode.NotFound, "Entity not found");

        var text = await Client.CreateMediaAsync("preview test note");
        Assert.Equal("No preview for this entity", await Expect.DetailAsync(await Client.PreviewAsync(text.Id()), HttpStatusCode.NotFound));
        var sound = await Client.UploadAsync(await TestMedia.SoundAsync(41, "mp3"));
        Assert.Equal("audio", sound.Str("type"));
        Assert.Equal("No preview for this entity", await Expect.DetailAsync(await Client.PreviewAsync(sound.Id()), HttpStatusCode.NotFound));
        var pdf = await Client.UploadAsync("%PDF-1.4\n%\u00e2\u00e3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"u8.ToArray());
        Assert.Equal("No preview for this entity", await Expect.DetailAsync(await Client.PreviewAsync(pdf.Id()), HttpStatusCode.NotFound));

        var picture = await Client.UploadAsync(TestMedia.Jpeg(5));
        var wrong = await Expect.StatusAsync(await Client.PreviewAsync(picture.Id(), "?size=huge"), HttpStatusCode.UnprocessableEntity);
        var item = wrong.GetProperty("detail")[0];
        Assert.Equal("[\"query\",\"size\"]", item.GetProperty("loc").GetRawText());
    }

    [Fact]
    public async Task A_soft_deleted_item_still_has_its_preview()
    {
        var entity = await Client.UploadAsync(TestMedia.Jpeg(6, 300, 300));
        Assert.Equal(HttpStatusCode.OK, (await Client.PatchJsonAsync(entity.Id(), """{"is_deleted": true}""")).StatusCode);
        Assert.Equal((256, 256), await Client.PreviewSizeAsync(entity.Id()));
    }
}
