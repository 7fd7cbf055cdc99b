using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.PixelFormats;
using Store.Tests.Infrastructure;
using Store.Tests.Media;

namespace Store.Tests.Entities.Preview;

/// <summary>
/// A photo's EXIF Orientation turns its preview the way the photo is meant to be seen; width and height
/// stay those of the stored pixels (README: "Orientation").
/// </summary>
public sealed class PreviewOrientationTests(MediaHostFixture fixture) : IClassFixture<MediaHostFixture>
{
    /// <summary>Where the stored top-left corner is seen once the orientation is applied (EXIF 2.3, tag 0x0112).</summary>
    public static TheoryData<ushort, string> Orientations => new()
    {
        { 1, "top-left" }, { 2, "top-right" }, { 3, "bottom-right" }, { 4, "bottom-left" },
        { 5, "top-left" }, { 6, "top-right" }, { 7, "bottom-right" }, { 8, "bottom-left" },
    };

    [Theory]
    [MemberData(nameof(Orientations))]
    public async Task The_preview_is_turned_upright(ushort orientation, string redCorner)
    {
        var jpeg = MarkedJpeg(orientation, 600, 300);
        var entity = await fixture.Host.Client.UploadAsync(jpeg);
        Assert.Equal(600, entity.GetProperty("width").GetInt32());
        Assert.Equal(300, entity.GetProperty("height").GetInt32());

        foreach (var (query, longEdge) in new[] { ("", 256), ("?size=large", 600) })
        {
            using var preview = await fixture.Host.Client.PreviewImageAsync(entity.Id(), query);
            var turned = orientation >= 5;
            Assert.Equal(turned ? (longEdge / 2, longEdge) : (longEdge, longEdge / 2), (preview.Width, preview.Height));
            var (x, y) = redCorner switch
            {
                "top-left" => (4, 4),
                "top-right" => (preview.Width - 5, 4),
                "bottom-left" => (4, preview.Height - 5),
                _ => (preview.Width - 5, preview.Height - 5),
            };
            Assert.True(PreviewKit.IsRed(preview[x, y]), $"orientation {orientation}: expected red at the {redCorner}, got {preview[x, y]}");
            // The opposite corner is not red.
            Assert.False(PreviewKit.IsRed(preview[preview.Width - 1 - x, preview.Height - 1 - y]));
        }
    }

    /// <summary>A grey picture with a red block in its stored top-left corner, tagged with <paramref name="orientation"/>.</summary>
    static byte[] MarkedJpeg(ushort orientation, int width, int height)
    {
        using var image = new SixLabors.ImageSharp.Image<Rgba32>(width, height, new Rgba32(120, 120, 120));
        image.ProcessPixelRows(rows =>
        {
            for (var y = 0; y < height / 4; y++)
            {
                var row = rows.GetRowSpan(y);
                for (var x = 0; x < width / 4; x++) row[x] = new Rgba32(230, 20, 20);
                // A seed per orientation, so the eight uploads are eight pictures.
                row[width - 1] = new Rgba32((byte)(orientation * 20), 0, 0);
            }
        });
        image.Metadata.ExifProfile = new ExifProfile();
        image.Metadata.ExifProfile.SetValue(ExifTag.Orientation, orientation);
        using var buffer = new MemoryStream();
        image.Save(buffer, new SixLabors.ImageSharp.Formats.Jpeg.JpegEncoder { Quality = 95 });
        return buffer.ToArray();
    }
}
