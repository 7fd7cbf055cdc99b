using System.Net;
using Store.Tests.Infrastructure;

namespace Store.Tests.Media;

/// <summary>
/// A file that sniffs as an image or video but does not decode, or an empty one, is refused and leaves nothing behind.
/// The refused uploads share one service, which stays empty (each checks so).
/// </summary>
public sealed class BadFileTests(SharedStore shared) : IClassFixture<SharedStore>
{
    static byte[] Garbage(byte[] head, int length = 2000)
    {
        var bytes = new byte[length];
        new Random(length).NextBytes(bytes);
        head.CopyTo(bytes, 0);
        return bytes;
    }

    public static TheoryData<string, byte[], string> Broken => new()
    {
        { "jpeg", Garbage([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10]), "looks like an image (image/jpeg) but cannot be decoded" },
        { "png", Garbage([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]), "looks like an image (image/png) but cannot be decoded" },
        { "gif", Garbage([.. "GIF89a"u8.ToArray(), 10, 0, 10, 0, 0xF7, 0, 0]), "looks like an image (image/gif) but cannot be decoded" },
        { "mp4", Garbage([0, 0, 0, 0x18, .. "ftypisom"u8.ToArray(), 0, 0, 2, 0, .. "isommp41"u8.ToArray()]), "looks like a video (video/mp4) but cannot be decoded" },
        { "webm", Garbage([0x1A, 0x45, 0xDF, 0xA3, 0x9F, 0x42, 0x82, 0x84, .. "webm"u8.ToArray()]), "looks like a video (video/webm) but cannot be decoded" },
        { "heic", Garbage([0, 0, 0, 0x18, .. "ftypheic"u8.ToArray(), 0, 0, 0, 0, .. "mif1heic"u8.ToArray()]), "looks like an image (image/heic) but cannot be decoded" },
    };

    static async Task AssertNothingStored(StoreHost host)
    {
        var list = await (await host.Client.GetAsync("/entities?include_deleted=true", TestContext.Current.CancellationToken)).ReadJsonAsync();
        Assert.Equal(0, list.GetProperty("items").GetArrayLength());
        var store = host.MediaPath("store");
        Assert.Empty(Directory.Exists(store) ? Directory.GetFiles(store, "*", SearchOption.AllDirectories) : []);
        Assert.Empty(Directory.GetFiles(host.MediaPath(".tmp")));
    }

    [Theory]
    [MemberData(nameof(Broken))]
    public async Task A_file_that_claims_to_be_media_but_does_not_decode_is_refused(string format, byte[] bytes, string message)
    {
        var host = shared.Host;
        var response = await host.Client.PostAsync("/entities", Forms.Entity(false, format, file: bytes), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains(message, (await response.ReadJsonAsync()).GetProperty("detail").GetString());
        await AssertNothingStored(host);
    }

    [Fact]
    public async Task A_truncated_video_is_refused()
    {
        var host = shared.Host;
        // ffmpeg writes the index (moov) last, as cameras do: a cut-off upload has none.
        var video = await TestMedia.VideoAsync(21, "mp4");
        var response = await host.Client.PostAsync("/entities", Forms.Entity(false, "cut", file: video[..(video.Length / 3)]), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("cannot be decoded", (await response.ReadJsonAsync()).GetProperty("detail").GetString());
        await AssertNothingStored(host);
    }

    [Fact]
    public async Task An_empty_file_is_refused()
    {
        var host = shared.Host;
        var response = await host.Client.PostAsync("/entities", Forms.Entity(false, "empty", file: []), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("empty", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        await AssertNothingStored(host);
    }

    [Fact]
    public async Task Replacing_with_a_broken_picture_changes_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await StoreHost.StartAsync();
        var created = await (await host.Client.PostAsync("/entities", Forms.Entity(false, "good", file: TestMedia.Png(22)), ct)).ReadJsonAsync();
        var id = created.GetProperty("id").GetInt64();

        var put = await host.Client.PutAsync($"/entities/{id}", Forms.Entity(false, "bad", file: Garbage([0xFF, 0xD8, 0xFF, 0xDB])), ct);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, put.StatusCode);
        Assert.Contains("cannot be decoded", (await put.ReadJsonAsync()).GetProperty("detail").GetString());

        var now = await (await host.Client.GetAsync($"/entities/{id}", ct)).ReadJsonAsync();
        Assert.Equal("good", now.GetProperty("label").GetString());
        Assert.Equal(created.GetProperty("md5").GetString(), now.GetProperty("md5").GetString());
        Assert.True(File.Exists(host.MediaPath(now.GetProperty("file_path").GetString()!)));
        Assert.Single(Directory.GetFiles(host.MediaPath("store"), "*", SearchOption.AllDirectories));
        Assert.Empty(Directory.GetFiles(host.MediaPath(".tmp")));
    }
}
