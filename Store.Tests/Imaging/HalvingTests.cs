using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using Store.Imaging;

namespace Store.Tests.Imaging;

/// <summary>The halving step of the one resize path: exact 2x2 means, and the same sizes and orientation as a plain resize.</summary>
public sealed class HalvingTests
{
    static Image<Rgba32> Noise(int seed, int width, int height)
    {
        var random = new Random(seed);
        var image = new Image<Rgba32>(width, height);
        image.ProcessPixelRows(rows =>
        {
            for (var y = 0; y < rows.Height; y++)
                foreach (ref var pixel in rows.GetRowSpan(y))
                    pixel = new Rgba32((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256));
        });
        return image;
    }

    [Theory]
    [InlineData(8, 6)]
    [InlineData(9, 7)]
    [InlineData(2, 2)]
    [InlineData(3, 1)]
    [InlineData(22, 6)]
    [InlineData(41, 3)]
    public void Every_pixel_is_the_rounded_mean_of_its_block(int width, int height)
    {
        using var source = Noise(width * 31 + height, width, height);
        using var half = Halving.Halve(source, Configuration.Default);
        Assert.Equal((Math.Max(1, width / 2), Math.Max(1, height / 2)), (half.Width, half.Height));
        if (width < 2 || height < 2) return;
        for (var y = 0; y < height / 2; y++)
            for (var x = 0; x < width / 2; x++)
            {
                Rgba32[] block = [source[2 * x, 2 * y], source[2 * x + 1, 2 * y], source[2 * x, 2 * y + 1], source[2 * x + 1, 2 * y + 1]];
                static byte Mean(IEnumerable<byte> values) => (byte)((values.Sum(v => v) + 2) / 4);
                var expected = new Rgba32(Mean(block.Select(p => p.R)), Mean(block.Select(p => p.G)), Mean(block.Select(p => p.B)), Mean(block.Select(p => p.A)));
                Assert.Equal(expected, half[x, y]);
            }
    }

    [Fact]
    public void Extremes_do_not_spill_into_the_next_channel()
    {
        using var white = new Image<Rgba32>(4, 4, new Rgba32(255, 255, 255, 255));
        using var half = Halving.Halve(white, Configuration.Default);
        Assert.Equal(new Rgba32(255, 255, 255, 255), half[1, 1]);
        using var mixed = new Image<Rgba32>(2, 2, new Rgba32(255, 0, 255, 0));
        mixed[1, 1] = new Rgba32(0, 255, 0, 255);
        using var mixedHalf = Halving.Halve(mixed, Configuration.Default);
        Assert.Equal(new Rgba32(191, 64, 191, 64), mixedHalf[0, 0]);
    }

    [Theory]
    [InlineData(1920, 1080, 256, 256, 144)]
    [InlineData(4032, 3024, 256, 256, 192)]
    [InlineData(1001, 500, 256, 256, 128)]
    [InlineData(3000, 7, 256, 256, 1)]
    [InlineData(800, 600, 256, 256, 192)]
    [InlineData(200, 100, 256, 200, 100)]
    public void The_size_is_the_fit_of_the_original_whether_halved_or_not(int width, int height, int box, int expectedWidth, int expectedHeight)
    {
        using var source = Noise(width + height, width, height);
        using var small = Thumbnail.ShrunkCopy(source, box, box, Configuration.Default);
        Assert.Equal((expectedWidth, expectedHeight), (small.Width, small.Height));
        Assert.Equal(Thumbnail.Fit(source.Size(), box), small.Size());
    }

    [Fact]
    public void A_halved_picture_looks_like_the_plain_resize()
    {
        // A smooth gradient: the halving changes the filter slightly, never the picture.
        using var source = new Image<Rgba32>(1600, 1200);
        source.ProcessPixelRows(rows =>
        {
            for (var y = 0; y < rows.Height; y++)
            {
                var row = rows.GetRowSpan(y);
                for (var x = 0; x < row.Length; x++) row[x] = new Rgba32((byte)(x * 255 / 1600), (byte)(y * 255 / 1200), 128, 255);
            }
        });
        using var halvedFirst = (Image<Rgba32>)Thumbnail.ShrunkCopy(source, 200, 200, Configuration.Default);
        using var plain = source.Clone(x => x.ResizeTo(Thumbnail.Fit(source.Size(), 200)));
        for (var y = 0; y < plain.Height; y += 7)
            for (var x = 0; x < plain.Width; x += 7)
            {
                var (a, b) = (halvedFirst[x, y], plain[x, y]);
                Assert.True(Math.Abs(a.R - b.R) <= 2 && Math.Abs(a.G - b.G) <= 2 && a.B == b.B, $"at {x},{y}: {a} against {b}");
            }
    }

    [Fact]
    public void The_orientation_tag_survives_the_halving()
    {
        using var source = Noise(5, 2000, 1000);
        source.Metadata.ExifProfile = new ExifProfile();
        source.Metadata.ExifProfile.SetValue(ExifTag.Orientation, (ushort)6);
        using var upright = Thumbnail.ShrunkCopy(source, 256, 256, Configuration.Default, x => x.AutoOrient());
        Assert.Equal((128, 256), (upright.Width, upright.Height));
    }

    [Fact]
    public void An_animation_keeps_every_frame()
    {
        using var animation = Noise(9, 1200, 800);
        using (var second = Noise(10, 1200, 800)) animation.Frames.AddFrame(second.Frames.RootFrame);
        using var small = Thumbnail.ShrunkCopy(animation, 100, 100, Configuration.Default);
        Assert.Equal(2, small.Frames.Count);
        Assert.Equal((100, 67), (small.Width, small.Height));
    }
}
