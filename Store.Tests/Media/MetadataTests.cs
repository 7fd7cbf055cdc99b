using System.Net;
using Store.Tests.Infrastructure;

namespace Store.Tests.Media;

/// <summary>create_date is the capture time (with its zone when the file has one) and duration falls back on ffprobe.</summary>
public sealed class MetadataTests(MediaHostFixture fixture) : IClassFixture<MediaHostFixture>
{
    static long Ms(string iso) => DateTimeOffset.Parse(iso, System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds();

    async Task<System.Text.Json.JsonElement> Upload(byte[] file)
    {
        var response = await fixture.Host.Client.PostAsync("/entities", Forms.Entity(false, "m", file: file), TestContext.Current.CancellationToken);
        var body = await response.ReadJsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body.ToString());
        return body;
    }

    [Fact]
    public async Task Exif_capture_time_with_its_offset()
    {
        var photo = await TestMedia.WithTagsAsync(TestMedia.Jpeg(1), "jpg", "-DateTimeOriginal=2021:05:06 07:08:09", "-OffsetTimeOriginal=+02:00");
        var body = await Upload(photo);
        Assert.Equal(Ms("2021-05-06T05:08:09Z"), body.GetProperty("create_date").GetInt64());
    }

    [Fact]
    public async Task Exif_capture_time_without_a_zone_is_read_as_utc()
    {
        var photo = await TestMedia.WithTagsAsync(TestMedia.Jpeg(2), "jpg", "-DateTimeOriginal=2019:12:31 23:59:58");
        var body = await Upload(photo);
        Assert.Equal(Ms("2019-12-31T23:59:58Z"), body.GetProperty("create_date").GetInt64());
    }

    [Fact]
    public async Task DateTimeOriginal_wins_over_CreateDate_and_CreateDate_is_used_alone()
    {
        var both = await TestMedia.WithTagsAsync(TestMedia.Jpeg(3), "jpg", "-CreateDate=2018:01:01 00:00:00", "-DateTimeOriginal=2017:06:05 04:03:02");
        Assert.Equal(Ms("2017-06-05T04:03:02Z"), (await Upload(both)).GetProperty("create_date").GetInt64());

        var created = await TestMedia.WithTagsAsync(TestMedia.Jpeg(4), "jpg", "-CreateDate=2018:01:01 10:00:00", "-OffsetTimeDigitized=-03:30");
        Assert.Equal(Ms("2018-01-01T13:30:00Z"), (await Upload(created)).GetProperty("create_date").GetInt64());
    }

    [Fact]
    public async Task Heic_capture_time_and_offset_come_from_exiftool()
    {
        var body = await Upload(TestMedia.Heic());
        Assert.Equal(Ms("2020-07-08T14:10:11Z"), body.GetProperty("create_date").GetInt64());
    }

    [Fact]
    public async Task Without_a_capture_time_the_upload_time_is_used()
    {
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var body = await Upload(TestMedia.Png(5));
        var after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        Assert.InRange(body.GetProperty("create_date").GetInt64(), before, after);
        Assert.Equal(body.GetProperty("added_date").GetInt64(), body.GetProperty("create_date").GetInt64());
    }

    [Fact]
    public async Task QuickTime_create_date_is_utc()
    {
        var video = await TestMedia.VideoAsync(6, "mov", extra: "-metadata creation_time=2022-03-04T05:06:07Z");
        var body = await Upload(video);
        Assert.Equal(Ms("2022-03-04T05:06:07Z"), body.GetProperty("create_date").GetInt64());
        Assert.Equal(2, body.GetProperty("duration").GetDouble(), 0.05);
    }

    [Fact]
    public async Task Video_duration_and_size_from_ffprobe_when_exiftool_has_none()
    {
        // ExifTool reports no duration for MPEG-TS without scanning the whole file; ffprobe does.
        var ts = await TestMedia.VideoAsync(8, "ts");
        var body = await Upload(ts);
        Assert.Equal("video", body.GetProperty("type").GetString());
        Assert.InRange(body.GetProperty("duration").GetDouble(), 1.9, 2.3);
        Assert.Equal(160, body.GetProperty("width").GetInt32());
        Assert.Equal(120, body.GetProperty("height").GetInt32());
        Assert.Equal(128, body.GetProperty("md5").GetString()!.Length);
    }

    [Fact]
    public async Task Audio_duration_from_ffprobe_when_exiftool_has_none()
    {
        var opus = await TestMedia.SoundAsync(9, "ogg", seconds: 1, codecArgs: "-c:a libopus");
        var body = await Upload(opus);
        Assert.Equal("audio", body.GetProperty("type").GetString());
        Assert.InRange(body.GetProperty("duration").GetDouble(), 0.95, 1.1);
    }
}
