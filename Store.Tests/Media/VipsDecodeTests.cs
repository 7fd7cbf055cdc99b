using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Store.Imaging;
using Store.Media;
using Store.Tests.Entities.Preview;
using Store.Tests.Infrastructure;

namespace Store.Tests.Media;

/// <summary>
/// HEIC/HEIF, AVIF and animated WebP are decoded by libvips: a pixel hash (a re-save with other metadata is a
/// duplicate), width and height from the picture, a preview, 422 when they do not decode.
/// </summary>
[Trait("speed", "slow")]
public sealed class VipsDecodeTests(MediaHostFixture fixture) : IClassFixture<MediaHostFixture>
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;
    HttpClient Client => fixture.Host.Client;

    [Theory]
    [InlineData(false, "image/heic", "heic")]
    [InlineData(true, "image/avif", "avif")]
    public async Task A_phone_photo_is_decoded_hashed_by_pixels_and_previewed(bool avif, string mime, string extension)
    {
        var file = await TestMedia.HeifAsync(TestMedia.Png(avif ? 61 : 62, 640, 480), avif);
        var entity = await Client.UploadAsync(file, extension);
        Assert.Equal(mime, entity.Str("mime_type"));
        Assert.Equal("image", entity.Str("type"));
        Assert.Equal(640, entity.GetProperty("width").GetInt32());
        Assert.Equal(480, entity.GetProperty("height").GetInt32());
        Assert.Equal(128, entity.Str("md5")!.Length);
        Assert.NotEqual(Convert.ToHexStringLower(SHA512.HashData(file)), entity.Str("md5"));

        Assert.True(fixture.Host.HasStored(fixture.Host.PreviewFile(entity, 256)));
        Assert.Equal((256, 192), await Client.PreviewSizeAsync(entity.Id()));
        Assert.Equal((640, 480), await Client.PreviewSizeAsync(entity.Id(), "?size=large"));

        // The same picture with other metadata is the same picture.
        var retagged = await TestMedia.WithTagsAsync(file, extension, "-XMP-dc:Title=Re-saved", "-XMP-dc:Creator=Someone");
        Assert.NotEqual(file, retagged);
        var again = await Client.PostAsync("/entities", Forms.Entity(false, "again", file: retagged), Ct);
        var existing = await Expect.StatusAsync(again, HttpStatusCode.OK);
        Assert.Equal(entity.Id(), existing.Id());
    }

    [Fact]
    public async Task The_committed_heic_fixture_decodes()
    {
        var entity = await Client.UploadAsync(TestMedia.Heic(), "fixture");
        Assert.Equal((96, 64), (entity.GetProperty("width").GetInt32(), entity.GetProperty("height").GetInt32()));
        Assert.Equal((96, 64), await Client.PreviewSizeAsync(entity.Id()));
    }

    [Fact]
    public async Task A_broken_heic_is_refused_and_leaves_nothing()
    {
        var whole = await TestMedia.HeifAsync(TestMedia.Png(63, 320, 240));
        var cut = whole[..(whole.Length / 3)];
        var response = await Client.PostAsync("/entities", Forms.Entity(false, "cut", file: cut), Ct);
        var detail = await Expect.DetailAsync(response, HttpStatusCode.UnprocessableEntity, "The file looks like an image (image/heic) but cannot be decoded: ");
        Assert.DoesNotContain(fixture.Host.Settings.MediaDir, detail);
        Assert.Empty(Directory.GetFiles(fixture.Host.MediaPath(".tmp")));
    }

    [Fact]
    public async Task An_animated_webp_hashes_every_frame_and_previews_the_first()
    {
        var redBlue = await TestMedia.AnimatedWebpAsync(200, 100, "red", "blue");
        var redGreen = await TestMedia.AnimatedWebpAsync(200, 100, "red", "green");
        var first = await Client.UploadAsync(redBlue, "red blue");
        Assert.Equal("image/webp", first.Str("mime_type"));
        Assert.Equal((200, 100), (first.GetProperty("width").GetInt32(), first.GetProperty("height").GetInt32()));
        Assert.NotEqual(Convert.ToHexStringLower(SHA512.HashData(redBlue)), first.Str("md5"));
        // Only the second frame differs: another picture.
        var second = await Client.UploadAsync(redGreen, "red green");
        Assert.NotEqual(first.Str("md5"), second.Str("md5"));

        using var preview = await Client.PreviewImageAsync(first.Id());
        Assert.Equal((200, 100), (preview.Width, preview.Height));
        Assert.True(PreviewKit.IsRed(preview[100, 50]), $"the first frame is red, got {preview[100, 50]}");
    }

    [Fact]
    public async Task An_animated_gif_hashes_every_frame()
    {
        static byte[] Gif(SixLabors.ImageSharp.PixelFormats.Rgba32 second)
        {
            using var image = new SixLabors.ImageSharp.Image<SixLabors.ImageSharp.PixelFormats.Rgba32>(50, 40, new(200, 0, 0));
            using (var next = new SixLabors.ImageSharp.Image<SixLabors.ImageSharp.PixelFormats.Rgba32>(50, 40, second))
                image.Frames.AddFrame(next.Frames.RootFrame);
            using var buffer = new MemoryStream();
            image.Save(buffer, new SixLabors.ImageSharp.Formats.Gif.GifEncoder());
            return buffer.ToArray();
        }
        var one = await Client.UploadAsync(Gif(new(0, 0, 200)), "gif one");
        var two = await Client.UploadAsync(Gif(new(0, 200, 0)), "gif two");
        Assert.NotEqual(one.Str("md5"), two.Str("md5"));
    }

    [Fact]
    public async Task An_animated_webp_whose_frames_together_exceed_the_limit_is_refused()
    {
        await using var host = await StoreHost.StartAsync(configure: b => b.Services.AddSingleton(new MediaToolOptions { MaxDecodedBytes = 4_000_000 }));
        // 800x800 is 0.64 megapixels, under the 1 megapixel limit once; two frames or more are over it.
        var bomb = await TestMedia.AnimatedWebpAsync(800, 800, "red", "green", "blue");
        var frames = ImageFrames.Count(new MemoryStream(bomb), "WEBP");
        Assert.True(frames >= 2);
        var refused = await host.Client.PostAsync("/entities", Forms.Entity(false, "bomb", file: bomb), Ct);
        Assert.Equal($"The image (image/webp, 800x800, {frames} frames) is too large to decode: its frames together are {frames * 0.64:0.##} megapixels, " +
                     "the limit is 1 megapixels at 8 bits a channel", await Expect.DetailAsync(refused, HttpStatusCode.UnprocessableEntity));
        // One frame of it fits: the refusal was the frame count's.
        var still = await TestMedia.FfmpegAsync("-f lavfi -i color=c=red:size=800x800 -frames:v 1 -c:v libwebp", "webp");
        Assert.Equal(HttpStatusCode.Created, (await host.Client.PostAsync("/entities", Forms.Entity(false, "still", file: still), Ct)).StatusCode);
    }

    [Fact]
    public void A_missing_libvips_is_named_with_how_to_install_it()
    {
        Assert.Null(LibVips.Load());
        var missing = LibVips.Problem(initialized: false, heif: false, "libvips.so.42: cannot open shared object file");
        Assert.Contains("libvips is required", missing);
        Assert.Contains("apt-get install libvips42", missing);
        Assert.Contains("HEIF loader", LibVips.Problem(initialized: true, heif: false, null));
    }
}
