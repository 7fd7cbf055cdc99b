using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Tiff;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.PixelFormats;
using Store.Imaging;
using Store.Worker.Tasks;

namespace Store.Tests.Worker;

/// <summary>The image jobs' memory estimate is what ImageSharp really decodes: pixel type and frame count, format by format.</summary>
public sealed class ImageDecodedSizeTests
{
    static byte[] Encode<TPixel>(Image<TPixel> image, IImageEncoder encoder) where TPixel : unmanaged, IPixel<TPixel>
    {
        using (image)
        {
            using var stream = new MemoryStream();
            image.Save(stream, encoder);
            return stream.ToArray();
        }
    }

    static Image<Rgba32> Animation(int frames)
    {
        var image = new Image<Rgba32>(12, 7, new Rgba32(255, 0, 0));
        for (var i = 1; i < frames; i++)
        {
            using var frame = new Image<Rgba32>(12, 7, new Rgba32((byte)(i * 30), 80, 0));
            image.Frames.AddFrame(frame.Frames.RootFrame);
        }
        return image;
    }

    public static TheoryData<string, byte[]> Images() => new()
    {
        { "png grey 1-bit", Encode(new Image<L8>(9, 5), new PngEncoder { ColorType = PngColorType.Grayscale, BitDepth = PngBitDepth.Bit1 }) },
        { "png grey 8-bit", Encode(new Image<L8>(9, 5), new PngEncoder { ColorType = PngColorType.Grayscale, BitDepth = PngBitDepth.Bit8 }) },
        { "png grey 16-bit", Encode(new Image<L16>(9, 5), new PngEncoder { ColorType = PngColorType.Grayscale, BitDepth = PngBitDepth.Bit16 }) },
        { "png grey+alpha 16-bit", Encode(new Image<La32>(9, 5), new PngEncoder { ColorType = PngColorType.GrayscaleWithAlpha, BitDepth = PngBitDepth.Bit16 }) },
        { "png rgb 8-bit", Encode(new Image<Rgb24>(9, 5), new PngEncoder { ColorType = PngColorType.Rgb, BitDepth = PngBitDepth.Bit8 }) },
        { "png rgb 16-bit", Encode(new Image<Rgb48>(9, 5), new PngEncoder { ColorType = PngColorType.Rgb, BitDepth = PngBitDepth.Bit16 }) },
        { "png rgba 16-bit", Encode(new Image<Rgba64>(9, 5), new PngEncoder { ColorType = PngColorType.RgbWithAlpha, BitDepth = PngBitDepth.Bit16 }) },
        { "png palette", Encode(new Image<Rgba32>(9, 5), new PngEncoder { ColorType = PngColorType.Palette }) },
        { "jpeg", Encode(new Image<Rgb24>(9, 5), new JpegEncoder()) },
        { "jpeg grey", Encode(new Image<L8>(9, 5), new JpegEncoder { ColorType = JpegColorType.Luminance }) },
        { "bmp", Encode(new Image<Rgb24>(9, 5), new BmpEncoder { BitsPerPixel = BmpBitsPerPixel.Pixel24 }) },
        { "webp", Encode(new Image<Rgba32>(9, 5), new WebpEncoder { FileFormat = WebpFileFormatType.Lossless }) },
        { "tiff", Encode(new Image<Rgb24>(9, 5), new TiffEncoder()) },
        { "gif animated", Encode(Animation(6), new GifEncoder()) },
        { "gif one-pixel frames", TinyGif.Animated(20, 10, 5) },
        { "tiff pages", Encode(Animation(4), new TiffEncoder()) },
    };

    [Theory]
    [MemberData(nameof(Images))]
    public void The_estimate_is_what_ImageSharp_decodes(string kind, byte[] bytes)
    {
        using var stream = new MemoryStream(bytes);
        var header = Image.Identify(stream, out var format);
        var frames = ImageFrames.Count(stream, format.Name);
        var estimate = ImageFiles.DecodedBytes(header, format, frames);

        // The same call as ImageFiles.LoadAsync: ImageSharp picks the pixel type.
        using var image = Image.Load(bytes);
        var decoded = (long)image.Width * image.Height * (image.PixelType.BitsPerPixel / 8) * image.Frames.Count;
        Assert.True(decoded == estimate, $"{kind}: decoded {decoded} bytes in {image.Frames.Count} frames of {image.GetType().Name}, estimated {estimate}");
    }
}
