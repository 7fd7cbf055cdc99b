using System.Net;
using Store.Tests.Infrastructure;
using Store.Tests.Media;

namespace Store.Tests.Entities.Preview;

/// <summary>A video's preview is its frame at 10% of the duration, made at upload by ffmpeg, in both sizes.</summary>
[Trait("speed", "slow")]
[Trait("storage", "both")]
public sealed class VideoPreviewTests(MediaHostFixture fixture) : IClassFixture<MediaHostFixture>
{
    public static TheoryData<string, string> Containers => new()
    {
        { "mp4", "-c:v libx264 -pix_fmt yuv420p" },
        { "mov", "-c:v libx264 -pix_fmt yuv420p" },
        { "webm", "-c:v libvpx-vp9 -b:v 200k" },
    };

    [Theory]
    [MemberData(nameof(Containers))]
    public async Task A_video_gets_both_previews_at_upload(string extension, string codec)
    {
        var video = await TestMedia.FfmpegAsync(
            $"-f lavfi -i testsrc2=size=320x180:rate=10,hue=h={extension[1] * 7 % 360} -t 2 {codec}", extension);
        var entity = await fixture.Host.Client.UploadAsync(video, extension);
        Assert.Equal("video", entity.Str("type"));
        Assert.True(fixture.Host.HasStored(fixture.Host.PreviewFile(entity, 256)));
        Assert.True(fixture.Host.HasStored(fixture.Host.PreviewFile(entity, 1440)));

        Assert.Equal((256, 144), await fixture.Host.Client.PreviewSizeAsync(entity.Id()));
        Assert.Equal((320, 180), await fixture.Host.Client.PreviewSizeAsync(entity.Id(), "?size=large"));
    }

    [Fact]
    public async Task The_frame_is_taken_past_a_black_start()
    {
        // One second of black, then white: 10% of 10 s is past the black.
        var video = await TestMedia.FfmpegAsync(
            "-f lavfi -i color=c=black:size=160x90:rate=10:duration=0.5 -f lavfi -i color=c=white:size=160x90:rate=10:duration=9.5 " +
            "-filter_complex [0:v][1:v]concat=n=2:v=1 -c:v libx264 -pix_fmt yuv420p", "mp4");
        var entity = await fixture.Host.Client.UploadAsync(video, "fade");
        using var preview = await fixture.Host.Client.PreviewImageAsync(entity.Id());
        Assert.True(preview[80, 45].R > 200, $"expected the white part, got {preview[80, 45]}");
    }

    [Fact]
    public async Task A_rotated_phone_video_is_previewed_upright()
    {
        var landscape = await TestMedia.VideoAsync(23, "mp4", extra: "-s 320x180");
        // A phone's portrait video: landscape pixels with a display matrix turning them by 90 degrees.
        var rotated = await TestMedia.TransformAsync(landscape, "mp4", "-c copy -metadata:s:v:0 rotate=90", "mp4");
        var entity = await fixture.Host.Client.UploadAsync(rotated, "portrait");
        Assert.Equal((144, 256), await fixture.Host.Client.PreviewSizeAsync(entity.Id()));
    }

    [Fact]
    public async Task A_video_whose_previews_were_lost_gets_them_again_on_request()
    {
        var video = await TestMedia.VideoAsync(29, "mp4");
        var entity = await fixture.Host.Client.UploadAsync(video, "lost");
        await fixture.Host.RemoveStoredAsync(fixture.Host.PreviewFile(entity, 256));
        await fixture.Host.RemoveStoredAsync(fixture.Host.PreviewFile(entity, 1440));
        Assert.Equal((160, 120), await fixture.Host.Client.PreviewSizeAsync(entity.Id(), "?size=large"));
        Assert.Equal(HttpStatusCode.OK, (await fixture.Host.Client.PreviewAsync(entity.Id())).StatusCode);
    }
}
