using System.Net;
using Microsoft.Extensions.DependencyInjection;
using SixLabors.ImageSharp.Formats.Gif;
using Store.Imaging;
using Store.Media;
using Store.Tests.Infrastructure;

namespace Store.Tests.Media;

/// <summary>
/// The decoding limit counts every frame: ImageSharp holds each frame of a GIF as a full canvas, so
/// one-pixel frames on a large screen make a file of a few bytes cost gigabytes. The limit is lowered
/// here to 4 MB (1 megapixel at 8 bits) so that a guard that failed would not decode gigabytes.
/// </summary>
public sealed class DecodeLimitTests : IAsyncLifetime
{
    const long Limit = 4_000_000;
    StoreHost host = null!;

    public async ValueTask InitializeAsync() =>
        host = await StoreHost.StartAsync(configure: b => b.Services.AddSingleton(new MediaToolOptions { MaxDecodedBytes = Limit }));

    public async ValueTask DisposeAsync() => await host.DisposeAsync();

    /// <summary>A GIF of <paramref name="frames"/> one-pixel frames on a <paramref name="width"/>x<paramref name="height"/> screen.</summary>
    static byte[] PixelFrames(int width, int height, int frames)
    {
        var gif = new List<byte>("GIF89a"u8.ToArray());
        gif.AddRange([(byte)width, (byte)(width >> 8), (byte)height, (byte)(height >> 8), 0x80, 0, 0]);
        gif.AddRange([0, 0, 0, 255, 255, 255]); // global colour table: black, white
        for (var i = 0; i < frames; i++)
        {
            gif.AddRange([0x21, 0xF9, 4, 0, 10, 0, 0, 0]); // graphic control: 0.1 s a frame
            gif.AddRange([0x2C, (byte)i, 0, (byte)i, 0, 1, 0, 1, 0, 0]); // a 1x1 frame at (i, i)
            gif.AddRange([2, 2, 0x44, 0x01, 0]); // LZW: clear, colour 0, end
        }
        gif.Add(0x3B);
        return [.. gif];
    }

    async Task<HttpResponseMessage> Upload(byte[] file, string label) =>
        await host.Client.PostAsync("/entities", Forms.Entity(false, label, file: file), TestContext.Current.CancellationToken);

    [Fact]
    public async Task A_gif_whose_frames_together_exceed_the_limit_is_refused()
    {
        // 800x800 is 0.64 megapixels, under the limit once; three frames are 1.92.
        var bomb = PixelFrames(800, 800, 3);
        Assert.True(bomb.Length < 100);

        var refused = await Upload(bomb, "bomb");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Equal("The image (image/gif, 800x800, 3 frames) is too large to decode: its frames together are 1.92 megapixels, " +
                     "the limit is 1 megapixels at 8 bits a channel", (await refused.ReadJsonAsync()).GetProperty("detail").GetString());

        // The same screen with one frame fits, so the refusal was the frame count's.
        var single = await Upload(PixelFrames(800, 800, 1), "single");
        Assert.Equal(HttpStatusCode.Created, single.StatusCode);
        Assert.Equal(800, (await single.ReadJsonAsync()).GetProperty("width").GetInt32());
    }

    [Fact]
    public async Task An_animated_gif_under_the_limit_is_stored()
    {
        using var image = TestMedia.Picture(800);
        for (var i = 1; i < 3; i++)
        {
            using var next = TestMedia.Picture(800 + i);
            image.Frames.AddFrame(next.Frames.RootFrame);
        }
        using var buffer = new MemoryStream();
        image.Save(buffer, new GifEncoder());
        var path = Path.Combine(TestMedia.TempDir(), "animated.gif");
        await File.WriteAllBytesAsync(path, buffer.ToArray(), TestContext.Current.CancellationToken);
        using (var stream = File.OpenRead(path)) Assert.Equal(3, ImageFrames.Count(stream, "GIF"));

        Assert.Equal(HttpStatusCode.Created, (await Upload(buffer.ToArray(), "animated")).StatusCode);
        Directory.Delete(Path.GetDirectoryName(path)!, true);
    }
}
