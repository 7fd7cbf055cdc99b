using System.Text.Json.Nodes;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Tiff;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.Processing;
using Store.Imaging;

namespace Store.Worker.Tasks;

/// <summary>Loading, sizing and saving images for the image tasks (ImageSharp).</summary>
public static class ImageFiles
{
    public const int DefaultQuality = 90;

    /// <summary>The formats a job may ask for, by the names clients use.</summary>
    public static readonly IReadOnlyList<string> FormatNames = ["png", "jpeg", "jpg", "webp", "gif", "bmp", "tiff", "tif"];

    /// <summary>
    /// Loads an image turned upright by its EXIF orientation, with the format it was in. An image whose decoded pixels,
    /// every frame counted, would take more than <see cref="DecodeBudget.MaxDecodedBytes"/> fails its job instead of being
    /// decoded: a file of a few MB can claim a 25000x25000 canvas or a thousand full-canvas frames, and the built-in
    /// worker decodes in the service's own process. It is the uploads' default bound, fixed here since a worker has no settings.
    /// </summary>
    public static async Task<(Image Image, IImageFormat Format)> LoadAsync(TaskInput input, CancellationToken ct)
    {
        try
        {
            await using var stream = File.OpenRead(input.LocalPath);
            // The header alone tells the canvas size; decoding is only paid for when it is affordable.
            var (header, headerFormat) = await Image.IdentifyWithFormatAsync(stream, ct);
            if (header is null || headerFormat is null) throw new UnknownImageFormatException("unknown image format");
            var frames = ImageFrames.Count(stream, headerFormat.Name);
            var bytes = DecodedBytes(header, headerFormat, frames);
            if (bytes > DecodeBudget.MaxDecodedBytes)
                throw new TaskFailedException($"{input.Filename} is too large to process: {header.Width}x{header.Height} pixels" +
                                              (frames > 1 ? $" x {frames} frames" : "") +
                                              $" decode to {Megabytes(bytes)} MB, the limit is {Megabytes(DecodeBudget.MaxDecodedBytes)} MB");
            stream.Position = 0;
            var (image, format) = await Image.LoadWithFormatAsync(stream, ct);
            image.Mutate(x => x.AutoOrient());
            return (image, format);
        }
        catch (Exception e) when (e is UnknownImageFormatException or InvalidImageContentException or ImageFormatException or NotSupportedException)
        {
            throw new TaskFailedException($"{input.Filename} is not an image this worker can read: {e.Message}");
        }
    }

    /// <summary>
    /// The memory <see cref="LoadAsync"/> will take: ImageSharp 2 decodes a PNG into the pixel type of its colour type
    /// and bit depth (L8 up to Rgba64; a palette into Rgba32), a JPEG into Rgb24 and every other format into Rgba32,
    /// with every frame at the full canvas size.
    /// </summary>
    public static long DecodedBytes(IImageInfo header, IImageFormat format, int frames) =>
        (long)header.Width * header.Height * BytesPerPixel(header, format) * frames;

    static int BytesPerPixel(IImageInfo header, IImageFormat format)
    {
        if (format is JpegFormat) return 3;
        if (format is not PngFormat) return 4;
        var png = header.Metadata.GetPngMetadata();
        var depth = png.BitDepth == PngBitDepth.Bit16 ? 2 : 1;
        var transparent = png.HasTransparency ? 1 : 0;
        return png.ColorType switch
        {
            PngColorType.Grayscale => (1 + transparent) * depth,
            PngColorType.GrayscaleWithAlpha => 2 * depth,
            PngColorType.Rgb => (3 + transparent) * depth,
            PngColorType.RgbWithAlpha => 4 * depth,
            _ => 4,
        };
    }

    static long Megabytes(long bytes) => (bytes + 999_999) / 1_000_000;

    /// <summary>Width and height that fit within the box (either side may be open) with the aspect ratio kept.</summary>
    public static Size Fit(Size source, int? maxWidth, int? maxHeight)
    {
        var scale = Math.Min(
            maxWidth is { } w ? (double)w / source.Width : double.PositiveInfinity,
            maxHeight is { } h ? (double)h / source.Height : double.PositiveInfinity);
        return new Size(Math.Max(1, (int)Math.Round(source.Width * scale)), Math.Max(1, (int)Math.Round(source.Height * scale)));
    }

    /// <summary>The encoder and file extension for a requested format name.</summary>
    public static (IImageEncoder Encoder, string Extension) Encoder(string format, int quality) => format.ToLowerInvariant() switch
    {
        "png" => (new PngEncoder(), "png"),
        "jpeg" or "jpg" => (new JpegEncoder { Quality = quality }, "jpg"),
        "webp" => (new WebpEncoder { Quality = quality }, "webp"),
        "gif" => (new GifEncoder(), "gif"),
        "bmp" => (new BmpEncoder(), "bmp"),
        "tiff" or "tif" => (new TiffEncoder(), "tiff"),
        _ => throw new TaskFailedException($"params.format must be one of {string.Join(", ", FormatNames)}, not '{format}'"),
    };

    /// <summary>The encoder for the format an image came in, so a resize keeps it.</summary>
    public static (IImageEncoder Encoder, string Extension) SameFormat(IImageFormat format, int quality) =>
        Encoder(format.Name.ToLowerInvariant() switch
        {
            "jpeg" => "jpeg",
            "png" => "png",
            "webp" => "webp",
            "gif" => "gif",
            "bmp" => "bmp",
            "tiff" => "tiff",
            _ => "png",
        }, quality);

    /// <summary>Saves into the output folder under a name not taken yet; describes the result for task_output.</summary>
    public static async Task<JsonObject> SaveAsync(Image image, TaskInput input, string outputDir, string stemSuffix,
        (IImageEncoder Encoder, string Extension) target, CancellationToken ct)
    {
        var stem = Path.GetFileNameWithoutExtension(input.Filename) + stemSuffix;
        var name = $"{stem}.{target.Extension}";
        for (var i = 1; File.Exists(Path.Combine(outputDir, name)); i++) name = $"{stem}_{i}.{target.Extension}";
        var path = Path.Combine(outputDir, name);
        await image.SaveAsync(path, target.Encoder, ct);
        return new JsonObject
        {
            ["input"] = input.Filename,
            ["output"] = name,
            ["width"] = image.Width,
            ["height"] = image.Height,
            ["format"] = target.Extension,
            ["size"] = new FileInfo(path).Length,
        };
    }
}
