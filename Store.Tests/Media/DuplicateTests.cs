using System.Net;
using System.Security.Cryptography;
using Store.Tests.Infrastructure;

namespace Store.Tests.Media;

/// <summary>The content hash makes the same picture or video a duplicate however its bytes were written.</summary>
[Trait("speed", "slow")]
[Trait("storage", "both")]
public sealed class DuplicateTests
{
    static async Task<(HttpStatusCode Status, System.Text.Json.JsonElement Body)> Create(StoreHost host, byte[] file, string label = "x")
    {
        var response = await host.Client.PostAsync("/entities", Forms.Entity(false, label, file: file), TestContext.Current.CancellationToken);
        return (response.StatusCode, await response.ReadJsonAsync());
    }

    static async Task<int> CountAsync(StoreHost host) =>
        (await (await host.Client.GetAsync("/entities?page_size=100", TestContext.Current.CancellationToken)).ReadJsonAsync())
        .GetProperty("items").GetArrayLength();

    [Fact]
    public async Task A_photo_resaved_with_other_metadata_is_the_same_photo()
    {
        await using var host = await StoreHost.StartAsync();
        var original = TestMedia.Jpeg(11);
        var retagged = await TestMedia.WithTagsAsync(original, "jpg", "-Artist=Someone else", "-DateTimeOriginal=2001:02:03 04:05:06");
        Assert.NotEqual(original, retagged);

        var (firstStatus, first) = await Create(host, original);
        var (againStatus, again) = await Create(host, retagged, "other label");
        Assert.Equal(HttpStatusCode.Created, firstStatus);
        Assert.Equal(HttpStatusCode.OK, againStatus);
        Assert.Equal(first.GetProperty("id").GetInt64(), again.GetProperty("id").GetInt64());
        Assert.Equal("x", again.GetProperty("label").GetString());
        Assert.Equal(1, await CountAsync(host));
        Assert.Single(host.StoredFiles());
    }

    [Fact]
    public async Task The_same_pixels_in_another_lossless_format_are_a_duplicate()
    {
        await using var host = await StoreHost.StartAsync();
        var (_, png) = await Create(host, TestMedia.Png(12));
        var (status, bmp) = await Create(host, TestMedia.Bmp(12));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(png.GetProperty("id").GetInt64(), bmp.GetProperty("id").GetInt64());
    }

    [Fact]
    public async Task Different_pixels_are_different_entities()
    {
        await using var host = await StoreHost.StartAsync();
        var (a, first) = await Create(host, TestMedia.Png(13));
        var (b, second) = await Create(host, TestMedia.Png(14));
        Assert.Equal(HttpStatusCode.Created, a);
        Assert.Equal(HttpStatusCode.Created, b);
        Assert.NotEqual(first.GetProperty("md5").GetString(), second.GetProperty("md5").GetString());
    }

    [Fact]
    public async Task Sixteen_bit_pictures_that_differ_only_in_their_low_bits_are_two_entities()
    {
        await using var host = await StoreHost.StartAsync();
        // Low bytes 0x7F and 0x80 round to the same 8-bit value whatever the high byte.
        var (lower, higher) = (TestMedia.Png16(31, low: 0x7F), TestMedia.Png16(31, low: 0x80));
        Assert.Equal(EightBitPixels(lower), EightBitPixels(higher));

        var (a, first) = await Create(host, lower);
        var (b, second) = await Create(host, higher);
        Assert.Equal(HttpStatusCode.Created, a);
        Assert.Equal(HttpStatusCode.Created, b);
        Assert.NotEqual(first.GetProperty("md5").GetString(), second.GetProperty("md5").GetString());
        Assert.Equal(2, await CountAsync(host));
    }

    static byte[] EightBitPixels(byte[] file)
    {
        using var image = SixLabors.ImageSharp.Image.Load<SixLabors.ImageSharp.PixelFormats.Rgba32>(file);
        var pixels = new SixLabors.ImageSharp.PixelFormats.Rgba32[image.Width * image.Height];
        image.CopyPixelDataTo(pixels);
        return System.Runtime.InteropServices.MemoryMarshal.AsBytes(pixels.AsSpan()).ToArray();
    }

    [Fact]
    public async Task A_sixteen_bit_picture_resaved_with_other_metadata_is_the_same_picture()
    {
        await using var host = await StoreHost.StartAsync();
        var original = TestMedia.Png16(32, low: 0x5A);
        var retagged = await TestMedia.WithTagsAsync(original, "png", "-Artist=Someone else", "-Comment=re-saved");
        Assert.NotEqual(original, retagged);

        var (_, first) = await Create(host, original);
        var (status, again) = await Create(host, retagged);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(first.GetProperty("id").GetInt64(), again.GetProperty("id").GetInt64());
        Assert.Equal(1, await CountAsync(host));
    }

    [Fact]
    public async Task An_eight_bit_picture_written_at_sixteen_bits_is_the_same_picture()
    {
        await using var host = await StoreHost.StartAsync();
        var (_, png) = await Create(host, TestMedia.Png(33));
        var (status, wide) = await Create(host, TestMedia.Png16Widened(33));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(png.GetProperty("id").GetInt64(), wide.GetProperty("id").GetInt64());
    }

    [Fact]
    public async Task A_video_remuxed_with_other_metadata_is_the_same_video()
    {
        await using var host = await StoreHost.StartAsync();
        var mp4 = await TestMedia.VideoAsync(15, "mp4");
        var mov = await TestMedia.TransformAsync(mp4, "mp4", "-c copy -metadata title=Retitled -metadata creation_time=2015-01-01T00:00:00Z", "mov");
        var (_, first) = await Create(host, mp4);
        var (status, again) = await Create(host, mov);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(first.GetProperty("id").GetInt64(), again.GetProperty("id").GetInt64());

        var other = await TestMedia.VideoAsync(16, "mp4");
        Assert.Equal(HttpStatusCode.Created, (await Create(host, other)).Status);
    }

    [Fact]
    public async Task Other_files_are_identified_by_the_md5_of_their_bytes()
    {
        await using var host = await StoreHost.StartAsync();
        var text = Forms.Text("the same words\n");
        var (status, body) = await Create(host, text);
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal(Convert.ToHexStringLower(MD5.HashData(text)), body.GetProperty("md5").GetString());
        Assert.Equal(HttpStatusCode.OK, (await Create(host, text)).Status);
        var (wav, _) = await Create(host, await TestMedia.SoundAsync(3, "wav"));
        Assert.Equal(HttpStatusCode.Created, wav);
    }

    [Fact]
    public async Task Replacing_with_another_entitys_picture_is_a_conflict()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await StoreHost.StartAsync();
        var (_, a) = await Create(host, TestMedia.Jpeg(17));
        var (_, b) = await Create(host, TestMedia.Jpeg(18));
        var resavedA = await TestMedia.WithTagsAsync(TestMedia.Jpeg(17), "jpg", "-Artist=copy");

        var put = await host.Client.PutAsync($"/entities/{b.GetProperty("id").GetInt64()}",
            Forms.Entity(false, "b", file: resavedA), ct);
        Assert.Equal(HttpStatusCode.Conflict, put.StatusCode);
        Assert.Equal($"Duplicate of entity {a.GetProperty("id").GetInt64()}", (await put.ReadJsonAsync()).GetProperty("detail").GetString());
        var unchanged = await (await host.Client.GetAsync($"/entities/{b.GetProperty("id").GetInt64()}", ct)).ReadJsonAsync();
        Assert.Equal(b.GetProperty("md5").GetString(), unchanged.GetProperty("md5").GetString());

        // The entity's own picture re-saved is not a conflict: it replaces the stored bytes.
        var own = await host.Client.PutAsync($"/entities/{a.GetProperty("id").GetInt64()}", Forms.Entity(false, "a", file: resavedA), ct);
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        var stored = await host.ReadStoredAsync((await own.ReadJsonAsync()).GetProperty("file_path").GetString()!);
        Assert.Equal(resavedA, stored);
    }
}
